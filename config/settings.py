"""Settings for Inspection Findings.

One module for every environment: local runs get safe defaults, production
differs only by environment variables and refuses to start without them.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for: a deployment that forgets a variable fails closed. `make run` and
# `make test` set DJANGO_DEBUG=true for local work.
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY when DJANGO_DEBUG is off "
            "(for local development set DJANGO_DEBUG=true, as make run and make test do)."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    # Before the apps, so that the Admins role (recommendations.roles) gets its permissions.
    "auditlog",
    "pdus",
    "ratings",
    "inspections",
    "inspections.explorer",
    "inspections.ingest",
    "recommendations",
]

MIDDLEWARE = [
    "config.head.HeadWithoutBodyMiddleware",
    "config.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.request_size.RequestSizeLimitMiddleware",
    "inspections.web.audit.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Themes are tagged where records are written, so that pages only read.
    "inspections.explorer.tagging.TagWrittenRecordsMiddleware",
    # Last, so that every other middleware's headers go on a page served from the cache.
    "config.page_cache.PageCacheMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "inspections.web.navigation.service_navigation",
                "inspections.web.context.service_information",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Embedded SQLite unless DATABASE_URL points elsewhere (e.g. PostgreSQL). A connection
# is kept for a minute and checked before reuse, so one the server dropped is replaced
# rather than failing the request that finds it.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes write one file: readers never block the writer (WAL), a writer
    # waits its turn rather than failing (timeout), and a transaction that will write
    # takes the write lock when it begins (IMMEDIATE), so it cannot deadlock on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# What must hold across server processes (the sign-in throttle, cached pages) lives in
# Redis when DJANGO_REDIS_URL is set; otherwise in this process's memory (local work).
REDIS_URL = os.environ.get("DJANGO_REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "inspection-findings"),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions read from that cache (Redis, shared by every server process; written through
# to the database, so one lost from the cache is read again): a signed-in page asks the
# database nothing for its session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Signed-out pages served from that cache until the published data changes
# (config/page_cache.py); DJANGO_PAGE_CACHE=false renders every page (to time the rendering).
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic gathers files here for production; locally WhiteNoise serves them
# straight from the apps and static/, so there is no folder to warn about.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.storage.StaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "recommendations:tracker"
LOGOUT_REDIRECT_URL = "pdus:overview"
# Where tracking e-mails (the overdue digest) go; the console unless configured.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "tracker@localhost")

# Where build_fixtures reads the published report texts by default.
REPORTS_DIR = Path(os.environ.get("REPORTS_DIR", BASE_DIR.parent / "shared" / "reports"))

API_PAGE_SIZE = 50

# Production hardening: on whenever DEBUG is off, so `check --deploy` is clean. Only
# DJANGO_HTTPS=false (a server on this machine's loopback, with no TLS in front: make
# serve's default) turns the HTTPS-only parts off.
if not DEBUG:
    if "DATABASE_URL" not in os.environ:
        raise ImproperlyConfigured("Set DATABASE_URL when DJANGO_DEBUG is off.")
    if not REDIS_URL:
        raise ImproperlyConfigured(
            "Set DJANGO_REDIS_URL when DJANGO_DEBUG is off: server processes share the "
            "sign-in throttle through it."
        )
    HTTPS = env_bool("DJANGO_HTTPS", True)
    SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = (
        int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 31536000)) if HTTPS else 0
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
    SECURE_HSTS_PRELOAD = HTTPS
    SESSION_COOKIE_SECURE = HTTPS
    CSRF_COOKIE_SECURE = HTTPS

# Trust a proxy's word that the request came over HTTPS only when one is configured to
# set it (e.g. DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO); a client could
# otherwise send the header itself.
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"], "https")

# Content-Security-Policy (django-csp): everything from this site only, and no inline
# script: templates load scripts from static/js/, and charts carry their figures in
# JSON data blocks (ratings/charts.py figure_html) that static/js/charts.js draws.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # plotly.js adds an empty <style> element, allowed by its hash rather than by
        # 'unsafe-inline' (which would let in any injected style), and fills it through
        # the CSSOM (insertRule), which CSP does not restrict. (The full bundle added the
        # map library's CSS too; the basic one vendored has no maps.) A new plotly.js may
        # add another: tests/browser/test_content_security_policy.py then fails, and
        # Chromium's message in it names the hash needed.
        "style-src": [SELF, "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Everything to standard error, one JSON object a line; request lines at INFO when
# DJANGO_REQUEST_LOG is on (make serve turns it on).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.requestlog.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "inspection_findings.requests": {
            "level": "INFO" if env_bool("DJANGO_REQUEST_LOG", False) else "WARNING",
        },
    },
}

# Sign-in throttling (recommendations/throttling.py), for every way in: each password
# check goes through this backend. After this many attempts for one username from one
# address, sign-in is refused for the period; counted in the default cache (Redis when
# DJANGO_REDIS_URL is set, so every server process counts together).
AUTHENTICATION_BACKENDS = ["recommendations.throttling.ThrottledModelBackend"]
LOGIN_THROTTLE_ATTEMPTS = int(os.environ.get("DJANGO_LOGIN_THROTTLE_ATTEMPTS", 5))
LOGIN_THROTTLE_SECONDS = int(os.environ.get("DJANGO_LOGIN_THROTTLE_SECONDS", 15 * 60))
# Links in the overdue digest e-mails (send_overdue_digests) start with this address.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000")
# Where the public contact and accessibility pages tell people to write.
CONTACT_EMAIL = os.environ.get("DJANGO_CONTACT_EMAIL", "inspection-findings@example.org")

# Audit log (django-auditlog): every change to the registered models (each app's apps.py)
# with who made it, old → new, read by admins on a record's History page in the admin.
# Values are kept as text, a password only as "(hidden)" (inspections/web/audit.py).
AUDITLOG_STORE_JSON_CHANGES = False

# PDF reading limits (inspections/ingest/parsing/pdf.py): each uploaded PDF is read in a child
# process stopped past these, so a PDF built to inflate to gigabytes or to keep the reader
# busy is refused with a message instead of holding a worker.
PDF_READ_CPU_SECONDS = int(os.environ.get("DJANGO_PDF_READ_CPU_SECONDS", 8))
PDF_READ_MEMORY_MB = int(os.environ.get("DJANGO_PDF_READ_MEMORY_MB", 512))
PDF_READ_TIMEOUT_SECONDS = int(os.environ.get("DJANGO_PDF_READ_TIMEOUT_SECONDS", 10))
# `make demo`: a database of generated data (inspections/ingest/demo.py), with a banner on
# every page saying so. Only then will build_demo_data run, and load_published_data not.
DEMO = env_bool("DJANGO_DEMO", False)
