"""Production: PostgreSQL and Redis required, HTTPS only, secrets from the environment."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASE_URL, env_bool

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
if not DATABASE_URL:
    raise RuntimeError("Production runs on PostgreSQL: set DATABASE_URL.")
REQUIRE_2FA = env_bool("REQUIRE_2FA", True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Sessions live in the database, the cache only speeds them up: with Redis down (the
# cache degrades, config/cache.py) every session stays valid and signing in works.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The compose health check and a load balancer's probe ask over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
