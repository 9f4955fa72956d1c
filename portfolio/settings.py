"""Settings for the platform, all read from the environment (see docs/configuration.md).

Development (``DEBUG=true``, what ``make run`` sets) needs nothing: SQLite in ``var/`` and a Celery
broker in a local folder. Production sets ``DEBUG=false``, ``SECRET_KEY``, ``ALLOWED_HOSTS``,
``DATABASE_URL`` (PostgreSQL) and ``CELERY_BROKER_URL`` (Redis or RabbitMQ), and passes
``manage.py check --deploy --fail-level WARNING``.
"""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portfolio import environment as env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.boolean("DEBUG", default=False)

SECRET_KEY = env.string("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production refuses to start without one)."
        )
    SECRET_KEY = "development-only-key-never-used-when-debug-is-off-7f3c2a9e1b"  # noqa: S105

ALLOWED_HOSTS = env.words("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.words("CSRF_TRUSTED_ORIGINS", [])

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "simple_history",
    "django_celery_beat",
    "constance",
    # Our apps, in dependency order: portfolio <- projects <- tasks; evaluation -> projects.
    "portfolio",
    "projects",
    "tasks",
    "evaluation",
    # Above them all: the portfolio cockpit reads every app.
    "cockpit",
]

MIDDLEWARE = [
    "portfolio.headers.HealthProbeMiddleware",  # first: no HTTPS redirect, no host check (portfolio/headers.py)
    # Next, so every other answer carries X-Request-ID and every audit row below knows its request.
    "portfolio.audit.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portfolio.headers.ThirdPartyStylesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portfolio.references.ProtectedDeleteMiddleware",  # a refused delete is a message, not a 500
]

ROOT_URLCONF = "portfolio.urls"
WSGI_APPLICATION = "portfolio.wsgi.application"
ASGI_APPLICATION = "portfolio.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portfolio.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # The web process, the worker and beat share one file: wait for locks instead of failing,
        # take the write lock at BEGIN so select_for_update-style sections serialize, and use WAL so
        # readers never block the writer.
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not :memory:, so tests that run a Celery worker or threads see the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.integer("CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "portfolio.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portfolio.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# Failed sign-ins allowed per account (and per client address) in one window before refusing.
LOGIN_MAX_FAILURES = env.integer("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_MAX_FAILURES_PER_ADDRESS = env.integer("LOGIN_MAX_FAILURES_PER_ADDRESS", 50, minimum=1)
LOGIN_LOCKOUT_SECONDS = env.integer("LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=1)
# Reverse proxies in front of gunicorn that append the client to X-Forwarded-For (portfolio/signin.py
# reads the client's address from there only when this is set; one with BEHIND_TLS_PROXY).
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 1 if env.boolean("BEHIND_TLS_PROXY", False) else 0, minimum=0)
# API tokens (POST /api/v1/auth/token/) last this long, and end with a password change.
API_TOKEN_DAYS = env.integer("API_TOKEN_DAYS", 30, minimum=1)
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from the npm registry (package.json, installed by `make`), served by
# the app itself: the users' networks often have no internet, so nothing may come from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    # Uploaded files live outside the static root and are never served by URL: every download
    # goes through a view that checks the user may see the object (portfolio.uploads).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "uploads")},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = DEBUG
UPLOAD_MAX_BYTES = env.integer("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# What an uploaded .xlsx may unpack to, read from its zip directory before anything is inflated
# (decompression bombs; portfolio/spreadsheets.py has the other limits).
SPREADSHEET_MAX_INFLATED_BYTES = env.integer("SPREADSHEET_MAX_INFLATED_BYTES", 256 * 1024 * 1024, minimum=1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "portfolio.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Email ----------------------------------------------------------------------------------
vars().update(env.email("EMAIL_URL", "consolemail://"))
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "城市数字化转型项目赋能平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address users reach the site at, for links in emails.
SITE_URL = env.url("SITE_URL", "http://127.0.0.1:8000", {"http", "https"}).rstrip("/")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an unauthenticated call a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portfolio.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested a thousand deep is a 400, not a 500 (portfolio/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "portfolio.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "portfolio.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "portfolio.api.schema.PlatformAutoSchema",  # documents the refusals too
    "EXCEPTION_HANDLER": "portfolio.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
# The empty choice of every filter drop-down, on the pages: "全部" rather than "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")
SPECTACULAR_SETTINGS = {
    "TITLE": "城市数字化转型项目赋能平台 API",
    "DESCRIPTION": "REST API of the city digital-transformation project platform. "
    "Authenticate with `POST /api/v1/auth/token/` and send `Authorization: Token …`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
}
# Names for the tasks app's choice sets, so they do not collide with other apps' "status"/"kind".
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "TaskStatusEnum": "tasks.lifecycle.Status",
        "TaskActionEnum": "tasks.lifecycle.Action",
        "TaskLightEnum": "tasks.lifecycle.Light",
        "WarningKindEnum": "tasks.lifecycle.WarningKind",
        "NoticeStatusEnum": "tasks.lifecycle.NoticeStatus",
    }
)

# --- Celery ---------------------------------------------------------------------------------
# Default: kombu's filesystem transport in var/broker, so a worker and beat run with no server.
CELERY_BROKER_URL = env.url(
    "CELERY_BROKER_URL", "filesystem://", {"filesystem", "redis", "rediss", "amqp", "amqps", "pyamqp", "memory"}
)
BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER / "queue"),
        "data_folder_out": str(BROKER_FOLDER / "queue"),
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
    }
    # The transport expects its folders to exist; creating them here keeps `make run` one step.
    for _folder in ("queue", "control"):
        (BROKER_FOLDER / _folder).mkdir(parents=True, exist_ok=True)
# Redis has no acknowledgements of its own: kombu keeps a delivered message aside and puts it back
# when it stays unacknowledged this long, so the job of a worker killed mid-task runs again within
# minutes (the default is an hour). It must exceed the longest job, or a job still running is
# handed to a second worker too (harmless — every job may run twice — but wasted work). Every
# worker sweeps for such messages every few seconds (kombu's default: every 100 s).
CELERY_VISIBILITY_TIMEOUT = env.integer("CELERY_VISIBILITY_TIMEOUT", 300, minimum=1)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "unacked_restore_interval": min(10, max(1, CELERY_VISIBILITY_TIMEOUT // 10)),
        "unacked_restore_throttle": 1,
    }
# With the broker down, enqueueing gives up after about a second instead of holding the request.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran, so a worker that dies mid-task leaves it for another;
# every task is therefore written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env.string("CELERY_QUEUE", "portfolio")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
HEARTBEAT_SECONDS = env.integer("HEARTBEAT_SECONDS", 60, minimum=1)
OVERDUE_SCAN_SECONDS = env.integer("OVERDUE_SCAN_SECONDS", 3600, minimum=1)
# Entries here are copied into django-celery-beat's tables at beat start-up, where managers can
# change their schedule in the admin. Apps add theirs by task name (no imports across layers).
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "portfolio.heartbeat", "schedule": float(HEARTBEAT_SECONDS)},
    # The duplicate check syncs its index itself; nightly it also catches edits that bypassed
    # updated_at and a changed lexicon (projects/duplicates/index.py).
    "refresh-similarity-index": {"task": "projects.refresh_similarity_index", "schedule": crontab(hour=3, minute=17)},
    # Outcomes: re-evaluate this year and last year every night (idempotent; 02:30 local time).
    "evaluate-periods": {"task": "evaluation.evaluate_periods", "schedule": crontab(hour=2, minute=30)},
    # Emails whose job could not be enqueued (the broker was down) are sent by this sweep.
    "send-pending-emails": {"task": "portfolio.send_pending_emails", "schedule": 300.0},
    # Task supervision's overdue scan: hourly by default; the tests' real worker runs it often.
    "tasks-overdue-scan": {"task": "tasks.scan_overdue", "schedule": float(OVERDUE_SCAN_SECONDS)},
    # The cockpit: remind owners of a month's missing self-rating, every morning (09:05 local time).
    "cockpit-status-reminders": {"task": "cockpit.remind_status_reports", "schedule": crontab(hour=9, minute=5)},
}
# Messenger robots (portfolio.channels): retries of a failed post, the first after
# CHANNEL_RETRY_SECONDS, each later one twice as long; the morning digest's hour (local time).
CHANNEL_RETRIES = env.integer("CHANNEL_RETRIES", 3, minimum=0)
CHANNEL_RETRY_SECONDS = env.integer("CHANNEL_RETRY_SECONDS", 60, minimum=1)
DIGEST_HOUR = env.integer("DIGEST_HOUR", 8, minimum=0, maximum=23)
CELERY_BEAT_SCHEDULE["morning-digest"] = {
    "task": "portfolio.send_digests",
    "schedule": crontab(hour=DIGEST_HOUR, minute=0),
}
# The monthly supervision bulletin: beat asks every morning; the job generates last month's
# bulletin only on the month's first working day (Chinese calendar), and only once.
CELERY_BEAT_SCHEDULE["monthly-bulletin"] = {
    "task": "tasks.monthly_bulletin",
    "schedule": crontab(hour=7, minute=30),
}
# Only for tests: webhook origins (e.g. "http://127.0.0.1:8123") accepted besides the
# messengers' own hosts. Read from no environment variable, so production cannot widen it.
WEBHOOK_TEST_ORIGINS: tuple = ()
HEALTH_CHECK_TIMEOUT = env.integer("HEALTH_CHECK_TIMEOUT", 3, minimum=1)
# /healthz checks the database and the broker at most this often per process (0: every probe).
HEALTHZ_CACHE_SECONDS = env.integer("HEALTHZ_CACHE_SECONDS", 5, minimum=0)
# Connections a whole period's evaluation is shared between on PostgreSQL (0: one per processor,
# at most four).
EVALUATION_WORKERS = env.integer("EVALUATION_WORKERS", 0, minimum=0)

# --- Runtime-editable settings (admin → Constance) --------------------------------------------
CONSTANCE_BACKEND = "constance.backends.database.DatabaseBackend"
# The portfolio office edits the thresholds (the "constance.*" rules in portfolio/permissions.py).
CONSTANCE_SUPERUSER_ONLY = False
CONSTANCE_CONFIG = {
    # Task supervision thresholds (DESIGN.md "Warning kinds"), read by the overdue scan.
    "WARNING_DAYS": (7, _("Days before the due date when a due-soon reminder opens"), int),
    "SEVERE_DAYS": (30, _("Days past the due date when an overdue task becomes severely overdue"), int),
    "ACK_DAYS": (3, _("Days a task may stay unacknowledged after it was assigned"), int),
    "REPORT_CYCLE_DAYS": (30, _("Days an in-progress task may go without a progress report"), int),
    # Outcomes: deadline for rectifying a poor rating (差评).
    "RECTIFY_DAYS": (15, _("Days the owner organization has to rectify a poor rating"), int),
    # Portfolio cockpit: the monthly self-rating of implementing projects.
    "STATUS_REPORT_DAY": (
        20,
        _("Day of the month by which the month's self-rating is due (owners missing it are reminded)"),
        int,
    ),
}
CONSTANCE_CONFIG_FIELDSETS = (  # a tuple, not a dict: lazy titles cannot be dict keys at import
    (_("Task supervision"), ("WARNING_DAYS", "SEVERE_DAYS", "ACK_DAYS", "REPORT_CYCLE_DAYS")),
    (_("Outcomes"), ("RECTIFY_DAYS",)),
    (_("Portfolio cockpit"), ("STATUS_REPORT_DAY",)),
)

# --- Duplicate-construction check (防重复建设, projects/duplicates) ------------------------------
# Thresholds of the verdict, overriding the defaults in projects/duplicates/check.py (DEFAULTS,
# where each is explained; fitted on labelled sets, see docs/duplicate-check.md, which also says
# how to re-fit them for a city with `manage.py evaluate_duplicates --fit`), e.g.
# {"DUPLICATE_COVERAGE": 0.7} for a stricter office.
DUPLICATE_CHECK: dict = {}

# --- Security (production) ------------------------------------------------------------------
# Content-Security-Policy (django-csp): the app serves all its own scripts, styles, fonts and
# images, so every page is held to 'self' with no inline script and no eval; the admin, the
# browsable API and Swagger UI also get inline styles (portfolio/headers.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", True)
    if env.boolean("BEHIND_TLS_PROXY", False):
        # Only when a reverse proxy that sets this header terminates TLS in front of gunicorn.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

SITE_NAME = _("City Digital Transformation Project Platform")

# One name per choice set in the OpenAPI schema (drf-spectacular warns, and CI fails, otherwise).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),
    "ProjectStageEnum": "projects.lifecycle.Stage",
    "ProjectActionEnum": "projects.lifecycle.Action",
    "AttachmentKindEnum": "projects.lifecycle.AttachmentKind",
}
