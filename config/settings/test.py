"""Test settings: PostgreSQL and Redis from the environment (`make test` starts both)."""

import tempfile

from config.settings.base import *  # noqa: F403
from config.settings.base import (
    DATABASE_APP_ROLE,
    DATABASE_OWNER_URL,
    DATABASE_URL,
    DATABASES,
    database,
    env_bool,
)

if not DATABASE_URL:
    raise RuntimeError("Tests run against PostgreSQL: set DATABASE_URL (make test does).")

DEBUG = False
REQUIRE_2FA = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test databases are created and migrated by the owner of the tables; the tests then
# run every query as the application role (tests/conftest.py: SET ROLE on each connection),
# as the site does, unless TEST_AS_APP_ROLE=false or the role does not exist.
if DATABASE_OWNER_URL:
    DATABASES["default"] = database(DATABASE_OWNER_URL)
TEST_APP_ROLE = DATABASE_APP_ROLE if env_bool("TEST_AS_APP_ROLE", True) else ""
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Tasks run in-process in tests unless a test points Celery at the real broker itself.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Documents in a throw-away directory of the test run (tests/documents use their own).
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="rop-documents-"), "base_url": None},
    },
}
