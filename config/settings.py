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
    "django.middleware.security.SecurityMiddleware",
    "benvung.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "benvung.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "benvung.core.middleware.AuditContextMiddleware",
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
# AXES_FAILURE_LIMIT failures from anywhere, and a client address after as many failures on any
# accounts (password spraying), each for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
# Per account, and per client address and browser together: colleagues behind one office
# address are not all locked out by one person's typing.
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "user_agent"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "benvung.accounts.client.sign_in_name"
AXES_CLIENT_IP_CALLABLE = "benvung.accounts.client.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_FILES_ROOT), "base_url": None},
    },
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
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
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
