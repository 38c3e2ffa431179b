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

# Documents in S3-compatible object storage (django-storages) when DOCUMENTS_S3_BUCKET is
# set; otherwise on the file system at DOCUMENTS_ROOT (base.py). Environment:
# DOCUMENTS_S3_BUCKET, DOCUMENTS_S3_ENDPOINT_URL (for a non-AWS provider),
# DOCUMENTS_S3_REGION, DOCUMENTS_S3_ACCESS_KEY_ID, DOCUMENTS_S3_SECRET_ACCESS_KEY (or the
# usual AWS_* variables / instance role boto3 reads itself). Objects are private; the site
# streams them through its download view, never through a public or signed URL.
if os.environ.get("DOCUMENTS_S3_BUCKET"):
    STORAGES["documents"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DOCUMENTS_S3_BUCKET"],
            "endpoint_url": os.environ.get("DOCUMENTS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DOCUMENTS_S3_REGION") or None,
            "access_key": os.environ.get("DOCUMENTS_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("DOCUMENTS_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }
