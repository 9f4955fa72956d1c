"""Settings for the platform, all read from the environment (see docs/configuration.md).

Development (``DEBUG=true``, what ``make run`` sets) needs nothing: SQLite in ``var/`` and a Celery
broker in a local folder. Production sets ``DEBUG=false``, ``SECRET_KEY``, ``ALLOWED_HOSTS``,
``DATABASE_URL`` (PostgreSQL) and ``CELERY_BROKER_URL`` (Redis or RabbitMQ), and passes
``manage.py check --deploy --fail-level WARNING``.
"""

from pathlib import Path

from celery.schedules import crontab
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portfolio.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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
    # Task supervision's overdue scan: hourly by default; the tests' real worker runs it often.
    "tasks-overdue-scan": {"task": "tasks.scan_overdue", "schedule": float(OVERDUE_SCAN_SECONDS)},
}
HEALTH_CHECK_TIMEOUT = env.integer("HEALTH_CHECK_TIMEOUT", 3, minimum=1)
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
}
CONSTANCE_CONFIG_FIELDSETS = (  # a tuple, not a dict: lazy titles cannot be dict keys at import
    (_("Task supervision"), ("WARNING_DAYS", "SEVERE_DAYS", "ACK_DAYS", "REPORT_CYCLE_DAYS")),
    (_("Outcomes"), ("RECTIFY_DAYS",)),
)

# --- Duplicate-construction check (防重复建设, projects/duplicates) ------------------------------
# Thresholds of the verdict, overriding the defaults in projects/duplicates/check.py (DEFAULTS,
# where each is explained; fitted on labelled sets, see docs/duplicate-check.md, which also says
# how to re-fit them for a city with `manage.py evaluate_duplicates --fit`), e.g.
# {"DUPLICATE_COVERAGE": 0.7} for a stricter office.
DUPLICATE_CHECK: dict = {}

# --- Security (production) ------------------------------------------------------------------
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
