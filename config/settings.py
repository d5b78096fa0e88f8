"""Settings for Bền Vững, read from the environment.

One module for every environment: a laptop gets safe defaults (SQLite under var/, console
e-mail), production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL. See docs/deploy.md
for the full list of variables.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    """A variable's value, or the content of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")
    # A laptop keeps one generated key so sessions survive restarts.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "benvung.core",
    "benvung.accounts",
    "benvung.directory",
    "benvung.plans",
    "benvung.reporting",
    "benvung.resources",
    "benvung.outreach",
    "benvung.retail",
    "benvung.indicators",
    "benvung.reports",
    "benvung.api",
    "ninja",  # serves the API docs' assets from the project (no CDN)
    "benvung.portal",
    "benvung.devtools",
]

MIDDLEWARE = [
    # First, so its one line per request has the final status and the whole duration.
    "benvung.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "benvung.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "benvung.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "benvung.core.middleware.AuditContextMiddleware",
    # After the messages and the audit context: what it blocks is audited like any request.
    "benvung.accounts.middleware.TwoFactorMiddleware",
    # Axes last, as its documentation asks, so it sees the final response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "benvung.core.forms.FormRenderer"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "benvung.core.context_processors.site",
            ],
        },
    }
]

# --- Database --------------------------------------------------------------------------------
# DATABASE_URL selects the engine; the default is a SQLite file under var/. SQLite runs in WAL
# mode with IMMEDIATE transactions and a busy timeout so that the web server and the task
# worker queue for the write lock instead of failing with "database is locked".
SQLITE_TIMEOUT_SECONDS = int(env("SQLITE_TIMEOUT_SECONDS", "20"))
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'benvung.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "0")))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # The test database is a file beside it, not Django's shared in-memory default, whose
        # concurrent writers fail at once ("database table is locked"): tests with concurrent
        # writers then run on the WAL, IMMEDIATE and busy-timeout set-up the site runs on.
        _file = Path(_db["NAME"])
        _db["TEST"] = {"NAME": str(_file.with_name(f"{_file.stem}_test{_file.suffix}"))}
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_TIMEOUT_SECONDS,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }
_db["ATOMIC_REQUESTS"] = False
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_VALID_DAYS = int(env("INVITATION_VALID_DAYS", "7"))
REPORT_ATTACHMENT_MAX_BYTES = int(env("REPORT_ATTACHMENT_MAX_MB", "10")) * 1024 * 1024
# API: how long a new token is valid by default, and how many requests per token (or signed-in
# user) and per address without sign-in, as "N/s", "N/m", "N/h" or "N/d" (benvung.api.throttling).
API_TOKEN_DAYS = int(env("API_TOKEN_DAYS", "365"))
API_RATE_LIMIT = env("API_RATE_LIMIT", "600/m")
API_ANON_RATE_LIMIT = env("API_ANON_RATE_LIMIT", "120/m")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock-out after repeated failed sign-ins (django-axes): an account is locked after
# AXES_FAILURE_LIMIT failures from anywhere, and a client address after
# AXES_ADDRESS_FAILURE_LIMIT failures on any accounts (password spraying), each for
# AXES_COOLOFF_MINUTES. The address's limit is the higher one because many colleagues of an
# office share one address; benvung/accounts/lockout.py explains how the two limits are kept.
# Wrong two-factor codes count as failures too.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(env("AXES_ADDRESS_FAILURE_LIMIT", str(2 * AXES_FAILURE_LIMIT)))
if AXES_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_ADDRESS_FAILURE_LIMIT must be at least AXES_FAILURE_LIMIT.")
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
# By account, and by client address alone: the browser (User-Agent) is the client's to choose,
# so it is no key (counting per address and browser let a sprayer reset the count, F7). The
# order matters to the handler: the account first, the address second.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "benvung.accounts.lockout.LockoutHandler"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "benvung.accounts.client.sign_in_name"
AXES_CLIENT_IP_CALLABLE = "benvung.core.client.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Two-step sign-in (django-otp, TOTP): these roles must use it; others may. Not read from the
# environment, so no deployment can turn it off. The tests' force_login sessions have no second
# factor: the root conftest empties this list for them, and the tests of the rule restore it.
TWO_FACTOR_REQUIRED_ROLES = ["system_admin", "coordinator"]
OTP_TOTP_ISSUER = "Bền Vững"
# The system administrator may delete a user's device in the admin (a lost phone) but never
# sees its key or the recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Bền Vững <noreply@benvung.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work -------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# /readyz answers 503 when no worker has started a task for this long (the scheduler enqueues a
# heartbeat every minute, so a live, idle worker starts one each minute).
READINESS_WORKER_MINUTES = int(env("READINESS_WORKER_MINUTES", "5"))

# --- Language, time and numbers --------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# Vietnamese number and date display (1.234,5; 01/12/2025) lives in config/formats/vi.
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_NAME = "benvung_language"
# Like the session cookie: sent on links from elsewhere (Lax), over HTTPS only when the session
# cookie is (below), and out of JavaScript's reach (no script reads it).
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Files people attach to reports are private: outside MEDIA_ROOT, served only by a view that
# checks who asks.
PRIVATE_FILES_ROOT = Path(env("PRIVATE_FILES_ROOT", str(VAR_DIR / "private")))
# STORAGE_BACKEND=s3 keeps both in an S3-compatible object store instead (docs/deploy.md,
# "Several nodes"): every application node and worker then sees the same files, and nothing
# lives on a node's own disk.
STORAGE_BACKEND = env("STORAGE_BACKEND", "local").strip().lower()
if STORAGE_BACKEND == "s3":
    _s3 = {
        "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
        # Empty values fall back to boto3's own chain (instance roles, ~/.aws).
        "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env("AWS_S3_REGION_NAME") or None,
        "access_key": env("AWS_S3_ACCESS_KEY_ID") or env("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env("AWS_S3_SECRET_ACCESS_KEY") or env("AWS_SECRET_ACCESS_KEY") or None,
        # "path" for stores without a DNS name per bucket (MinIO, Ceph RGW on an IP address).
        "addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None,
        # Like the file system storage: a new name rather than overwriting another file.
        "file_overwrite": False,
    }
    if not _s3["bucket_name"]:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    _default_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": env("AWS_S3_MEDIA_PREFIX", "media")},
    }
    _private_storage: dict[str, object] = {
        # No URL ever: the permission-checking views stream these files (core/storage.py).
        "BACKEND": "benvung.core.storage.PrivateS3Storage",
        "OPTIONS": {
            **_s3,
            "location": env("AWS_S3_PRIVATE_PREFIX", "private"),
            "default_acl": "private",
        },
    }
elif STORAGE_BACKEND == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_FILES_ROOT), "base_url": None},
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be local or s3.")
STORAGES = {
    "default": _default_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security --------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies of our own stand in front of the application (each appends to
# X-Forwarded-For); 0 means clients connect directly and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = int(
    env("TRUSTED_PROXY_COUNT", "1" if env_bool("BEHIND_PROXY", False) else "0")
)

# --- Logging ---------------------------------------------------------------------------------
# Standard error (the journal), one JSON object per line in production (LOG_FORMAT=json, the
# default when DEBUG is off) or plain text. Every request logs one line (benvung.request: method,
# path, status, duration, user id, client address) and every line logged while serving it has
# its request id. A client error (4xx, e.g. a 403) is that one line, without a traceback.
LOG_FORMAT = env("LOG_FORMAT", "plain" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
# The X-Request-ID of a request is believed only when our own proxy sets it (it must overwrite
# any the client sent); otherwise each request gets a generated id.
TRUST_REQUEST_ID_HEADER = env_bool("TRUST_REQUEST_ID_HEADER", TRUSTED_PROXY_COUNT > 0)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "benvung.core.logs.RequestIdFilter"},
        "client_error": {"()": "benvung.core.logs.ClientErrorFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "benvung.core.logs.JsonLineFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["client_error"]},
        "django.security.csrf": {"filters": ["client_error"]},
        # Axes logs every sign-in at INFO; failures and lock-outs are in the audit trail.
        "axes": {"level": "WARNING"},
    },
}

# --- The province this installation serves ---------------------------------------------------
# The current (post-1 July 2025) province code of the vietnam-provinces package.
PROVINCE_CODE = env("PROVINCE_CODE", "75")

# --- Public portal ---------------------------------------------------------------------------
# Background tiles of the coverage map, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# (respect the tile server's usage policy). Empty (the default): no tiles are loaded and the
# markers are drawn on a plain background; the map page alone then allows that server in its
# Content-Security-Policy img-src.
PORTAL_MAP_TILE_URL = env("PORTAL_MAP_TILE_URL", "")
