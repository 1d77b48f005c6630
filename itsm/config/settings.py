"""Tend settings, all from the environment (see .env.example for every variable)."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from itsm.config.schedule import BEAT_SCHEDULE
from itsm.web.sso_config import sso_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    # Sign-in flow, second factors and re-authentication (django-allauth; see below).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on: OpenID Connect and SAML 2.0 providers (see "Single sign-on" below).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "itsm",
    "tickets",
    "knowledge",
    "inbound",
    "maintenance",
    "monitoring",
    "capacity",
    "problems",
    "reports",
    "integrations",
]
# Demo data and logins (`make run` sets TEND_DEMO=1); production never installs it.
if env.bool("TEND_DEMO", default=False):
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "itsm.web.errors.DatabaseUnavailableMiddleware",  # 503 + Retry-After, not a 500
    "whitenoise.middleware.WhiteNoiseMiddleware",  # /static/ under gunicorn, no extra server
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # allauth's login stages (second factor) and re-authentication redirects.
    "allauth.account.middleware.AccountMiddleware",
    "itsm.web.sessions.SessionTimeout",
    # Staff with a required second factor enrol before the desk, reports or admin.
    "itsm.web.mfa_policy.RequireSecondFactor",
    "itsm.web.sessions.NoStoreWhenSignedIn",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSP in this list, so before it on the way out: the sign-in pages' forms may
    # reach the identity providers (itsm/web/sso_csp.py).
    "itsm.web.sso_csp.ProviderFormAction",
]

ROOT_URLCONF = "itsm.config.urls"
WSGI_APPLICATION = "itsm.config.wsgi.application"
AUTH_USER_MODEL = "itsm.User"
AUTHENTICATION_BACKENDS = ["itsm.performance.roles_backend.CachedRolesBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in (django-allauth): Django's password views with Tend's limits, completed through
# allauth's login flow so its stages run (the second factor); allauth's pages for TOTP,
# recovery codes, WebAuthn keys and re-authentication (itsm/web/sign_in.py, mfa*.py).
# No sign-up and no e-mail codes: accounts come from admins (and identity providers).
ACCOUNT_ADAPTER = "itsm.web.account_adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
# A sensitive action (API tokens, SLA policies, mailboxes, webhooks, admin changes) asks to
# confirm the password or a second factor unless one was given this many minutes ago;
# 0 turns the question off (the test settings do, and the re-authentication tests on).
TEND_REAUTH_MINUTES = env.int("TEND_REAUTH_MINUTES", default=10)
ACCOUNT_REAUTHENTICATION_TIMEOUT = max(TEND_REAUTH_MINUTES, 1) * 60
MFA_REAUTHENTICATION_REQUIRED = TEND_REAUTH_MINUTES > 0  # adding or removing a factor
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env.str("TEND_MFA_TOTP_ISSUER", default="Tend")
# A security key or passkey is a second factor after the password, not a sign-in by itself.
MFA_PASSKEY_LOGIN_ENABLED = False
# WebAuthn needs https; plain http://127.0.0.1 is accepted only with DEBUG (and in tests).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Roles that must enrol a second factor before the desk, reports or admin, when the role
# has no SignInPolicy row of its own (itsm/models/sign_in_policy.py).
TEND_MFA_REQUIRED_ROLES = env.list("TEND_MFA_REQUIRED_ROLES", default=["DSE", "Manager", "Admin"])

# Single sign-on (allauth.socialaccount): OpenID Connect providers from the admin or
# TEND_OIDC_PROVIDERS, SAML 2.0 per organisation from the admin, TEND_SSO_REQUIRED_ROLES;
# the SOCIALACCOUNT_* values and why are in itsm/web/sso_config.py.
vars().update(sso_settings(env, debug=DEBUG))

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
                "itsm.web.context_processors.roles",
                "maintenance.web.context_processors.banner",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tend.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE let web, worker and beat share one file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Tend's reads are many and short: JIT compiling one (which Postgres starts for any plan
    # costed over jit_above_cost, e.g. a year of report facts) takes 20–30 ms of a 100 ms
    # page and gains nothing. Off per connection, whatever the server's setting.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Reports and their exports may read a streaming replica (reports/replica.py): figures are
# read there while it answers, from the primary when it does not.
REPORTS_DATABASE_URL = env.str("REPORTS_DATABASE_URL", default="")
if REPORTS_DATABASE_URL:
    DATABASES["reports"] = env.db_url_config(REPORTS_DATABASE_URL)
    DATABASES["reports"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["reports"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["reports"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASES["reports"]["OPTIONS"].setdefault("options", "-c jit=off")
    # Tests read the replica only where they start one; elsewhere it is the test database.
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["reports.replica.ReportsRouter"]
TEND_REPORTS_LAG_NOTICE_SECONDS = env.int("TEND_REPORTS_LAG_NOTICE_SECONDS", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "itsm.performance.redis_cache.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by every process on the machine, so the login limit holds
    # across gunicorn workers even without Redis.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A session ends TEND_SESSION_MAX_DAYS after sign-in, or after TEND_SESSION_IDLE_MINUTES
# without a request (0: no idle limit); itsm/web/sessions.py.
SESSION_COOKIE_AGE = env.int("TEND_SESSION_MAX_DAYS", default=7) * 24 * 3600
TEND_SESSION_IDLE_MINUTES = env.int("TEND_SESSION_IDLE_MINUTES", default=8 * 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media-not-served/"  # uploads go through a view that checks visibility
FILE_UPLOAD_PERMISSIONS = 0o640

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tend <tend@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An SMTP conversation ends well inside a lease (TEND_LEASE_SECONDS), so a hung server
# never lets a second worker take over a send that is still under way.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Celery: at-least-once delivery; every task is idempotent.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    # kombu's file broker, quick to stop and quiet about the URL's missing host; and a
    # worker timer that, like it, wakes every 0.2 s, so a stop (`make run`'s Ctrl-C), which
    # waits for both, is over before honcho's SIGKILL.
    CELERY_BROKER_TRANSPORT = "itsm.config.celery:FileTransport"
    CELERY_WORKER_TIMER_PRECISION = 0.2
    _queue = VAR_DIR / "celery" / "queue"
    # The file transport does not create its folders; a missing one fails every enqueue.
    for _folder in (_queue, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "itsm.api.auth_token.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "itsm.api.pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": env.str("LOGIN_RATE", default="10/min"),
                               # POST /api/v1/inbound/email/, per client address.
                               "inbound": env.str("INBOUND_RATE", default="600/min")},
    "EXCEPTION_HANDLER": "itsm.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tend API",
    "DESCRIPTION": "Tickets, comments and attachments. Authenticate with "
    "`Authorization: Token <key>`: a personal token from POST /api/v1/auth/tokens/ "
    "(or POST /api/v1/auth/token/ with a username and password).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema enum per shared choice set (impact/urgency, SLA kinds/priorities/statuses).
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "tickets.models.Kind",
        "StatusEnum": "tickets.models.Status",
        "PriorityEnum": "tickets.models.Priority",
        "LevelEnum": "tickets.models.Level",
        "PatchStateEnum": "maintenance.models.patch.PatchState",
        "SeriesKindEnum": "capacity.models.Kind",
        "SeriesStateEnum": "capacity.models.State",
        "StageEnum": "problems.models.Stage",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # The errors every endpoint can give, JSON bodies, times as strings (itsm/api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "itsm.api.schema.error_responses"],
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# No inline script anywhere: htmx and our JS are files under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Production hardening; each can be relaxed by env for a TLS-terminating proxy set-up.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# One handler, on the root. Django's own "django" logger keeps no handler of its own (under
# DEBUG it had one too, so each of its lines came out twice); runserver's access log keeps
# Django's look (configuring "django" resets its children). A refused request (403) logs
# one line without a traceback: itsm/web/errors.py handler403.
_LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "[%(asctime)s] %(levelname)s %(name)s: %(message)s",
                  "datefmt": "%d/%b/%Y %H:%M:%S"},
        "django.server": {"()": "django.utils.log.ServerFormatter",
                          "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": _LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# Tend's own settings.
# Links in e-mails. `make run` sets it from the PORT it serves on; PORT itself is no guide
# here, as honcho gives each process its own (web 8000, worker 8100, beat 8200).
TEND_BASE_URL = env.str("TEND_BASE_URL", default="http://127.0.0.1:8000")
TEND_UPLOAD_MAX_BYTES = env.int("TEND_UPLOAD_MAX_MB", default=10) * 1024 * 1024
TEND_UPLOAD_EXTENSIONS = env.list(
    "TEND_UPLOAD_EXTENSIONS",
    default=["png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv", "json",
             "docx", "xlsx", "pptx", "odt", "ods", "zip", "eml"],
)
TEND_AUTO_CLOSE_DAYS = env.int("TEND_AUTO_CLOSE_DAYS", default=5)
# Report facts kept by the ticket services (tickets/services/facts.py). Off only to measure
# what they cost (bench/facts_filing.py): reports are wrong until rebuild_report_facts runs.
TEND_REPORT_FACTS = env.bool("TEND_REPORT_FACTS", default=True)
# Every claim on background work (an e-mail, an escalation notice) is a lease of this
# length: a worker killed mid-task leaves work that another takes over once it expires.
TEND_LEASE_SECONDS = env.int("TEND_LEASE_SECONDS", default=60)
# The right-hand side of the stable Message-ID each notice carries (default: the domain
# of DEFAULT_FROM_EMAIL), so a duplicate SMTP send is recognisable as the same message.
TEND_MAIL_DOMAIN = env.str("TEND_MAIL_DOMAIN", default="")
# The team a new ticket lands in when neither its category nor its service names one
# (created on first use if no team has that name), so no ticket sits outside every queue.
TEND_TRIAGE_TEAM = env.str("TEND_TRIAGE_TEAM", default="Service Desk").strip() or "Service Desk"
# Problems: a resolved problem closes after this many days without a new linked incident;
# recurrence proposals need TEND_PROBLEM_CLUSTER_MIN incidents in TEND_PROBLEM_CLUSTER_DAYS.
TEND_PROBLEM_QUIET_DAYS = env.int("TEND_PROBLEM_QUIET_DAYS", default=14)
TEND_PROBLEM_CLUSTER_DAYS = env.int("TEND_PROBLEM_CLUSTER_DAYS", default=7)
TEND_PROBLEM_CLUSTER_MIN = env.int("TEND_PROBLEM_CLUSTER_MIN", default=3)
TEND_LOGIN_ATTEMPTS = env.int("TEND_LOGIN_ATTEMPTS", default=5)
TEND_LOGIN_WINDOW_SECONDS = env.int("TEND_LOGIN_WINDOW_SECONDS", default=900)
# Password reset requests (each may send a mail) per address typed and per client.
TEND_PASSWORD_RESET_ATTEMPTS = env.int("TEND_PASSWORD_RESET_ATTEMPTS", default=3)
TEND_PASSWORD_RESET_WINDOW_SECONDS = env.int("TEND_PASSWORD_RESET_WINDOW_SECONDS", default=3600)
# Days audit entries (sign-ins, tokens, webhooks...) are kept; 0 keeps them forever.
TEND_AUDIT_RETENTION_DAYS = env.int("TEND_AUDIT_RETENTION_DAYS", default=400)
if TEND_AUDIT_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("TEND_AUDIT_RETENTION_DAYS must be 0 (keep) or more days.")
# /api/schema/ and /api/docs/ need a sign-in unless an admin opts in.
TEND_API_DOCS_PUBLIC = env.bool("TEND_API_DOCS_PUBLIC", default=False)
# Capacity metrics in (capacity/samples.py, services/ingest.py, services/rollup.py):
# 5-minute buckets kept TEND_METRICS_RAW_DAYS, then hourly until TEND_METRICS_KEEP_DAYS.
TEND_METRICS_RAW_DAYS = env.int("TEND_METRICS_RAW_DAYS", default=14)
TEND_METRICS_KEEP_DAYS = env.int("TEND_METRICS_KEEP_DAYS", default=400)
TEND_METRICS_MAX_BODY_BYTES = env.int("TEND_METRICS_MAX_BODY_BYTES", default=1024 * 1024)
TEND_METRICS_MAX_SAMPLES = env.int("TEND_METRICS_MAX_SAMPLES", default=5000)
# Prometheus metric names stored as kind "custom" (node_exporter's known ones map by themselves).
TEND_METRICS_CUSTOM = env.list("TEND_METRICS_CUSTOM", default=[])
TEND_METRICS_IGNORE_FSTYPES = env.list(
    "TEND_METRICS_IGNORE_FSTYPES",
    default=["tmpfs", "devtmpfs", "overlay", "squashfs", "proc", "sysfs", "nsfs", "ramfs",
             "autofs", "fuse.lxcfs", "devfs", "cgroup", "cgroup2"])
