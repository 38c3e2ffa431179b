"""Test settings: PostgreSQL and Redis from the environment (`make test` starts both)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASE_URL, DATABASES

if not DATABASE_URL:
    raise RuntimeError("Tests run against PostgreSQL: set DATABASE_URL (make test does).")

DEBUG = False
REQUIRE_2FA = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Tasks run in-process in tests unless a test points Celery at the real broker itself.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
