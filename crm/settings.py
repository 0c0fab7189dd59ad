"""Django settings for the corporate-loan CRM.

Every deployment-specific value comes from the environment (see `.env.example`). The defaults
are safe for a developer's machine; production (`DJANGO_DEBUG=false`) refuses to start without
a secret key.
"""

from pathlib import Path

import environ
import pgtrigger
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is a convenience for developers; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# The development key is only ever used with DEBUG on; production must bring its own.
_DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false (production mode)."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin: it adds "Events" (the audit trail) to every tracked object's admin page.
    "pghistory.admin",
    # django.contrib.admin, its site asking staff for their TOTP code (crm/admin_site.py).
    "crm.admin_config.CrmAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "csp",
    # Audit trail (docs/adr/0301-audit-trail.md): trigger-based history of business data.
    "pgtrigger",
    "pghistory",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "crm",
    "customers",
    "loans",
    "risk",
    "interactions",
    "notifications",
    "dashboard",
    "privacy",
    "audit",
]

MIDDLEWARE = [
    # First: decides whether this request's reads may use a read replica (crm/db_router.py).
    "crm.db_router.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Refreshes the 30-minute idle expiry at most once a minute (crm/sessions.py).
    "crm.sessions.SessionTouchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: every write of the request carries its user in the audit trail.
    "audit.middleware.AuditContextMiddleware",
    # request.user.is_verified(): whether this session was confirmed with a TOTP code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a clear refusal.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/crm"),
}
# Keep connections for a minute and check them before use, so a restarted PostgreSQL is
# picked up again without failing the first request after recovery.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Read replicas (docs/operations.md, "Scaling out"): web reads may use them, see crm/db_router.py.
DATABASE_REPLICAS = []
for _n, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _alias = f"replica_{_n}"
    DATABASES[_alias] = {
        **env.db_url_config(_url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["crm.db_router.PrimaryReplicaRouter"]
# How long a client reads from the primary after it wrote (longer than the accepted replica lag).
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "crm.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "worklist"
LOGOUT_REDIRECT_URL = "login"

# Argon2 first (OWASP's recommendation); the others stay so older hashes still verify and are
# upgraded on the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# django-axes: lock an account out after repeated failed logins (DOMAIN.md §10: 5 failures).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading roles and permissions in one query (crm/auth_backends.py).
    "crm.auth_backends.AccessBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
# Per account, not per IP: a bank's staff share a few NAT addresses, so an IP lockout would lock
# out a whole branch after one person's typos (hence axes.W006 is silenced below).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English and Simplified Chinese, switchable per user.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Per-language date and number formats (crm/formats/<lang>/formats.py): money is grouped by
# three digits with commas in both languages, dates in tables read 2026-11-23.
FORMAT_MODULE_PATH = ["crm.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"

# Redis: the Celery broker and result store, and the cache.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "crm",
        # A cache that is down must not take the web down with it: short timeouts.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

# Celery: see crm/celery.py. Tasks acknowledge late and are re-queued when a worker dies,
# so every task must be safe to run twice (see STYLE.md).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or REDIS_URL
CELERY_TIMEZONE = env.str("CELERY_TIMEZONE", default=TIME_ZONE)
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged task after the visibility timeout; it must exceed the
# longest task (a daily batch) so that a slow task is not run twice while still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Email: console in development; SMTP in production via EMAIL_URL (smtp://user:pass@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="crm@bank.example")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "no credentials" a 401, not a 403.
        "crm.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "crm.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="2000/hour"),
        "token": env.str("API_THROTTLE_TOKEN", default="10/min"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "EXCEPTION_HANDLER": "crm.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Corporate-loan CRM API",
    "DESCRIPTION": "Customers, loans, risk alerts and interactions for bank systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Docs assets come from the sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set, so clients get stable enum types.
    "ENUM_NAME_OVERRIDES": {
        "RepaymentMethodEnum": "loans.choices.RepaymentMethod",
        "GuaranteeMethodEnum": "loans.choices.GuaranteeMethod",
        "ClassificationEnum": "loans.choices.Classification",
        "ApplicationStatusEnum": "loans.choices.ApplicationStatus",
        "LoanStatusEnum": "loans.choices.LoanStatus",
        "InstallmentStatusEnum": "loans.choices.InstallmentStatus",
        "ProposalStatusEnum": "loans.choices.ProposalStatus",
    },
}

# Sessions expire after 30 minutes of inactivity (DOMAIN.md §10).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
# The expiry is refreshed at most once a minute by crm.sessions.SessionTouchMiddleware, not by a
# write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = env.int("SESSION_TOUCH_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.

X_FRAME_OPTIONS = "DENY"
# Content Security Policy: scripts only from our own static files (no inline scripts, no CDN).
# Inline style attributes stay allowed: Bootstrap and Chart.js set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Health check: how long /healthz waits for a Celery worker to answer a ping.
HEALTHZ_CELERY_TIMEOUT = env.float("HEALTHZ_CELERY_TIMEOUT", default=1.0)

# The beat schedule, declared in one place. django-celery-beat copies it into the database
# at start-up, where admins can change times or disable entries (STYLE.md, Celery).
CELERY_BEAT_SCHEDULE = {
    "daily-jobs": {
        "task": "crm.run_daily_jobs",
        # The nightly batch: DPD/classification, reminders, rules, SLA and cadence checks.
        "schedule": crontab(hour=2, minute=0),
        "options": {"expires": 60 * 60 * 20},
    },
}

# Password `seed_demo` gives the demo users when --password is not passed.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-pass-2026")

# Encrypted model fields (crm/fields.py, DOMAIN.md §8): Fernet keys, comma-separated, the first
# encrypts and all decrypt, so a key can be rotated in without re-encrypting first. In DEBUG a
# development key is derived from SECRET_KEY; production refuses to start without real keys.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS and not DEBUG:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must be set when DJANGO_DEBUG is false (production mode)."
    )

# Retention (DOMAIN.md §8, §10): personal data is kept this many years after the relationship
# ends (the customer is marked churned), then flagged by the daily job for anonymisation.
# Never set it below the statutory AML minimum; confirm the value with compliance.
RETENTION_YEARS_AFTER_RELATIONSHIP_END = env.int(
    "RETENTION_YEARS_AFTER_RELATIONSHIP_END", default=10
)
if RETENTION_YEARS_AFTER_RELATIONSHIP_END < 1:
    raise ImproperlyConfigured("RETENTION_YEARS_AFTER_RELATIONSHIP_END must be at least 1.")

# Two-factor authentication (TOTP, django-otp): optional for everyone; when this is true, staff
# must enrol a device before they may use the admin. Once a user has a device, the admin
# requires a session verified with a code. API tokens are not affected.
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Loan CRM")

# Interactions (DOMAIN.md §10 defaults; contact intervals and SLA targets are admin-edited
# tables, these are the few scalar knobs): the "not too often" guard warns above this many
# proactive contacts of one customer within the window; care tasks are created this many
# days ahead; survey dimensions every valid response must answer.
INTERACTIONS_MAX_PROACTIVE_CONTACTS = env.int("INTERACTIONS_MAX_PROACTIVE_CONTACTS", default=3)
INTERACTIONS_CONTACT_WINDOW_DAYS = env.int("INTERACTIONS_CONTACT_WINDOW_DAYS", default=7)
INTERACTIONS_CARE_DAYS_AHEAD = env.int("INTERACTIONS_CARE_DAYS_AHEAD", default=3)
INTERACTIONS_SURVEY_MANDATORY_DIMENSIONS = env.list(
    "INTERACTIONS_SURVEY_MANDATORY_DIMENSIONS", default=[]
)
# Open requests whose reply is due within this many hours show as "near SLA" on the worklist.
INTERACTIONS_SLA_WARNING_HOURS = env.int("INTERACTIONS_SLA_WARNING_HOURS", default=12)

# Interactions: stable OpenAPI enum names for its choice sets (several share field names).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "InteractionChannelEnum": "interactions.choices.Channel",
        "RequestLevelEnum": "interactions.choices.Level",
        "RequestStatusEnum": "interactions.choices.RequestStatus",
        "RequestKindEnum": "interactions.choices.RequestKind",
        "TaskStatusEnum": "interactions.choices.TaskStatus",
        "TaskKindEnum": "interactions.choices.TaskKind",
        "VisitStatusEnum": "interactions.choices.VisitStatus",
        "ImprovementStatusEnum": "interactions.choices.ImprovementStatus",
    }
)

# Risk (risk app): how long an alert may wait for acknowledgement, by severity, in hours
# (DOMAIN.md §10: acknowledgement within one working day, fraud within 2 h).
RISK_ALERT_DUE_HOURS = {"red": 4, "orange": 24, "yellow": 72}
RISK_FRAUD_DUE_HOURS = 2
# Customers scored per batch by the nightly job (one set of queries per batch).
RISK_SCORING_BATCH_SIZE = env.int("RISK_SCORING_BATCH_SIZE", default=1000)
# Stable schema names for the risk app's choice sets (alert status also appears as an event's
# from/to status).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "AlertStatusEnum": "risk.choices.AlertStatus",
        "AlertSeverityEnum": "risk.choices.Severity",
        "AlertRuleEnum": "risk.choices.RuleCode",
    }
)

# Notifications (notifications/): outbound channels, retries, batches and the per-job beat
# schedule. See docs/operations.md, "Notifications and scheduled jobs".
# SMS gateway: a dotted path to a notifications.sms.BaseSmsBackend subclass; empty = no SMS.
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.LoggingSmsBackend")
# Language of emails and SMS to customers' contacts ("zh-hans" or "en").
NOTIFICATIONS_CUSTOMER_LANGUAGE = env.str("NOTIFICATIONS_CUSTOMER_LANGUAGE", default="zh-hans")
# A failed email/SMS is retried with exponential backoff (base × 2^(attempt-1)), then failed.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)
# A delivery left "sending" this long had its worker die mid-send: it is failed, never resent.
NOTIFICATIONS_SENDING_STALE_SECONDS = env.int("NOTIFICATIONS_SENDING_STALE_SECONDS", default=900)
# Portfolio-wide jobs hand this many ids to each worker task.
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=200)
# Jobs triggered by beat split their work into batches for the workers; `run_daily_jobs` runs
# them in-process ("inline"). "always" makes every run dispatch, "never" keeps every run inline.
NOTIFICATIONS_DISPATCH = env.str("NOTIFICATIONS_DISPATCH", default="beat")
# Tuning of Redis's redelivery of unacknowledged tasks, as JSON, e.g. for the fault tests:
# '{"visibility_timeout": 10, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}'.
CELERY_BROKER_TRANSPORT_OPTIONS.update(
    env.json("CELERY_BROKER_TRANSPORT_OPTIONS")
    if env.str("CELERY_BROKER_TRANSPORT_OPTIONS", "")
    else {}
)
# The cache fails soft: with Redis down, reads miss and writes are dropped instead of raising,
# so pages (and throttled API calls) keep working.
CACHES["default"]["BACKEND"] = "notifications.cache.FailSoftRedisCache"

# One beat entry per daily job, at the bank's local time (DOMAIN.md §10: risk scan at 02:00,
# reminders at 08:00). The all-in-one "daily-jobs" entry is dropped: it would send customers
# reminders at 02:00 and run every job a second time. `run_daily_jobs` stays the catch-up tool.
# Entries name jobs exactly, or "app.*" for every job of an app; jobs not installed are skipped.
CELERY_BEAT_SCHEDULE.pop("daily-jobs", None)
CELERY_BEAT_SCHEDULE.update(
    {
        f"daily-{name.replace('.', '-').replace('*', 'all')}": {
            "task": "notifications.run_scheduled_jobs",
            "schedule": crontab(hour=hour, minute=minute),
            "args": [[name]],
            "options": {"expires": 60 * 60 * 20},
        }
        for name, hour, minute in (
            ("loans.dpd_classification", 1, 0),
            ("risk.*", 2, 0),
            ("customers.*", 3, 0),
            ("interactions.sla_check", 6, 0),
            ("interactions.cadence", 6, 15),
            ("interactions.care", 6, 30),
            ("notifications.task_due", 7, 30),
            ("notifications.repayment_reminders", 8, 0),
        )
    }
)
CELERY_BEAT_SCHEDULE["notifications-deliver-pending"] = {
    # Sends what a failed enqueue (Redis down) or a dead worker left pending.
    "task": "notifications.deliver_pending",
    "schedule": crontab(minute="*/5"),
    "options": {"expires": 60 * 4},
}
# The sender's name in SMS signatures (【...】) and email footers.
NOTIFICATIONS_BANK_NAME = env.str("NOTIFICATIONS_BANK_NAME", default="Bank")
# The notification bell's unread count on every page.
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "notifications.context_processors.notification_bell"
)
# Open tasks that fell due up to this many days ago and were never announced are announced late.
NOTIFICATIONS_TASK_DUE_CATCH_UP_DAYS = env.int("NOTIFICATIONS_TASK_DUE_CATCH_UP_DAYS", default=7)
# Notifications: a stable OpenAPI enum name for the notification kinds.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {"NotificationKindEnum": "notifications.choices.NotificationKind"}
)

# Dashboard aggregates are cached per scope and filters and invalidated by a data version on
# every change; this lifetime only bounds staleness after bulk writes that send no signals.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=15 * 60)
# Audit trail (audit app, docs/adr/0301-audit-trail.md). The triggers live with the tracked
# models' code and are (re)installed by `migrate`, so they can never drift from the models.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
# Statement-level triggers: one INSERT ... SELECT per statement over its transition table, so a
# bulk import or a nightly UPDATE of thousands of rows writes its history set-based.
PGHISTORY_LEVEL = pgtrigger.Statement
# The trail is append-only in the database too (a trigger refuses UPDATE and DELETE).
PGHISTORY_APPEND_ONLY = True
PGHISTORY_ADMIN_MODEL = "pghistory.MiddlewareEvents"
# Events are listed in the admin only once filtered (per object or model), never all at once.
PGHISTORY_ADMIN_ALL_EVENTS = False

# Data-access log (DOMAIN.md §8, §10). Entries are kept this many days, then purged by the daily
# job `crm.access_log_purge`; never less than 180 days (网络安全法 art. 21: logs kept 6 months).
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=3 * 365)
ACCESS_LOG_MIN_RETENTION_DAYS = 180
if ACCESS_LOG_RETENTION_DAYS < ACCESS_LOG_MIN_RETENTION_DAYS:
    raise ImproperlyConfigured(
        f"ACCESS_LOG_RETENTION_DAYS={ACCESS_LOG_RETENTION_DAYS} is below the statutory minimum of "
        f"{ACCESS_LOG_MIN_RETENTION_DAYS} days (网络安全法 art. 21: keep logs at least 6 months)."
    )
# Addresses (or CIDR networks) of reverse proxies whose X-Forwarded-For is believed. Empty (the
# default): the access log records REMOTE_ADDR only, so a client cannot forge its address.
ACCESS_LOG_TRUSTED_PROXIES = env.list("ACCESS_LOG_TRUSTED_PROXIES", default=[])
CELERY_BEAT_SCHEDULE["daily-crm-access-log-purge"] = {
    "task": "notifications.run_scheduled_jobs",
    "schedule": crontab(hour=4, minute=0),
    "args": [["crm.access_log_purge"]],
    "options": {"expires": 60 * 60 * 20},
}
# Retention (docs/security.md): flag customers past retention; a person confirms anonymisation.
CELERY_BEAT_SCHEDULE["daily-privacy-retention_flags"] = {
    "task": "notifications.run_scheduled_jobs",
    "schedule": crontab(hour=4, minute=15),
    "args": [["privacy.retention_flags"]],
    "options": {"expires": 60 * 60 * 20},
}
# Data protection: the consent purposes get their own enum name (loans and interactions have
# "purpose" fields of other kinds).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {"ConsentPurposeEnum": "privacy.choices.ConsentPurpose"}
)
