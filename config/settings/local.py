"""The local demo (`make run`): embedded PostgreSQL, tasks in-process, two-factor sign-in off."""

import os
import sys

from config.embedded_db import database_urls
from config.settings.base import *  # noqa: F403
from config.settings.base import (
    BASE_DIR,
    DATABASE_URL,
    DATABASES,
    REDIS_URL,
    database,
    env_bool,
    owner_command,
)

DEBUG = env_bool("DEBUG", True)
REQUIRE_2FA = env_bool("REQUIRE_2FA", False)

# Without DATABASE_URL: the embedded PostgreSQL server, data in .pgdata/ (git-ignored).
# The site runs as the application role rop_app; migrate and flush as the owner (README
# "Database roles").
if not DATABASE_URL:
    _app_url, _owner_url = database_urls(BASE_DIR / ".pgdata")
    DATABASES["default"] = database(_owner_url if owner_command(sys.argv) else _app_url)

# No broker in the demo: periodic jobs run in a thread of the web process.
INPROCESS_SCHEDULER = env_bool("INPROCESS_SCHEDULER", not REDIS_URL)

# Demo e-mails are not sent: each one is written as a file into .demo-mail/ (git-ignored),
# to open with any text editor. EMAIL_BACKEND in the environment (SMTP, say) wins.
if "EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / ".demo-mail"))

# Django shows its technical 404 page, listing every URL of the site, whenever DEBUG is on
# (handler404 serves only with DEBUG off); the demo is shown to outsiders, so it gets the
# Dutch 404 page too. Innermost, after django-axes: it only answers what is not found.
MIDDLEWARE = [*MIDDLEWARE, "config.error_pages.NotFoundPageInDebugMiddleware"]  # noqa: F405
