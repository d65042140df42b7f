"""Settings shared by every environment.

Every value that differs between machines comes from the environment (12-factor). With nothing
set, the site runs on SQLite and the in-memory channel layer so a newcomer needs only Python.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # daphne first: its runserver serves HTTP and WebSockets through the ASGI application.
    "daphne",
    "coproduce.accounts",
    "coproduce.passport",
    "coproduce.home",
    "coproduce.notifications",
    "engagement",
    "deliberation",
    "wagtailnhsukfrontend",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
]

MIDDLEWARE = [
    # Outermost: every response, error pages included, carries the request id (operations).
    "coproduce.operations.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # As django-axes asks, after every middleware that acts on a sign-in: turns a locked
    # sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Public pages for people not signed in, kept a few seconds in the shared cache;
    # every other middleware still acts on a page served from it (coproduce/operations/
    # page_cache.py). It never touches a sign-in (GET of public pages only).
    "coproduce.operations.page_cache.AnonymousPageCacheMiddleware",
    # After the page cache, so a kept page skips it: before a Wagtail page is served, the site
    # and its header and footer from the shared cache (coproduce/home/chrome.py).
    "coproduce.home.chrome.SiteChromeMiddleware",
]
# The most seconds a public page is kept for people not signed in (any saved change ends it
# sooner; docs/deployment.md); 0 turns it off.
ANONYMOUS_PAGE_CACHE_SECONDS = int(os.environ.get("ANONYMOUS_PAGE_CACHE_SECONDS", "5"))

ROOT_URLCONF = "coproduce.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "coproduce.easy_read.context",
                "coproduce.home.chrome.context",
            ],
        },
    },
]

# Every form renders with NHS.UK frontend markup (labels, hints, error messages wired to the
# input by aria-describedby) without each template repeating it.
FORM_RENDERER = "coproduce.form_rendering.NHSUKFormRenderer"

ASGI_APPLICATION = "coproduce.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}


def database_pool(database: dict, default_max_size: int) -> None:
    """Give PostgreSQL a pool of open connections per server process (psycopg_pool, through
    Django's `OPTIONS["pool"]`), sized by DATABASE_POOL_MAX_SIZE (0: no pool). Without one,
    every trip to the database from a room or a request opens a connection and closes it
    (about 11 ms on loopback, measured in docs/benchmarks.md), because a kept connection
    (`DATABASE_CONN_MAX_AGE`) is not shared between an ASGI server's threads and they pile up.
    A pooled connection goes back to the pool when Django closes it; the pool hands out only
    healthy ones, checked by our backend (`coproduce.postgresql`) without a round trip to the
    server when the socket can tell."""
    max_size = int(os.environ.get("DATABASE_POOL_MAX_SIZE", str(default_max_size)))
    if max_size <= 0 or database["ENGINE"] != "django.db.backends.postgresql":
        return
    if database.get("CONN_MAX_AGE"):
        raise ImproperlyConfigured(
            "DATABASE_CONN_MAX_AGE must be 0 when DATABASE_POOL_MAX_SIZE is set: the pool keeps "
            "the connections."
        )
    database["ENGINE"] = "coproduce.postgresql"
    database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")), max_size),
        "max_size": max_size,
        # Seconds a request or a room waits for a free connection before it fails.
        "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
    }


# Off by default (the first run uses SQLite); production turns it on (settings/production.py).
database_pool(DATABASES["default"], default_max_size=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # RedisPubSubChannelLayer: measured faster than the core layer for room fan-out
    # (docs/benchmarks.md); both share rooms across server processes.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "coproduce"),
            },
        }
    }
    # Fails open: with Redis away, pages are served from the database and this process's
    # memory instead of answering 500 (coproduce/cache.py, docs/reliability.md).
    CACHES = {
        "default": {
            "BACKEND": "coproduce.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "coproduce"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in while the account is locked for this address (see below).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# Accounts (django-allauth): email is the login; verification is required; people who find
# passwords hard can sign in with a one-time code sent by email instead.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "coproduce.accounts.adapter.AccountAdapter"

# Sign-in throttling: one lock, django-axes, on every way in (docs/security.md). Failures are
# counted per account AND address, so an attacker elsewhere cannot lock the holder out; allauth's
# own failed-login limit (per account, from everywhere) is off so that there is only one.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "coproduce.accounts.throttle.username_for_lockout"
AXES_LOCKOUT_CALLABLE = "coproduce.accounts.throttle.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "login", "email", "code"]
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not kept: personal data, no need
ACCOUNT_RATE_LIMITS = {"login_failed": False}
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"  # coproduce.accounts.views.admin_login
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_RESET_ENABLED = False  # allauth's reset is the one

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coproduce <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# GOV.UK Notify instead of SMTP: set EMAIL_BACKEND to
# coproduce.notifications.notify_backend.NotifyEmailBackend and these (docs/deployment.md).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "")
NOTIFY_REPLY_TO_ID = os.environ.get("NOTIFY_REPLY_TO_ID", "")

# The NHS.UK typeface. NHS.UK frontend's CSS names Frutiger, served from assets.nhs.uk; the
# licence covers NHS organisations only (not councils or social care providers), and fetching it
# tells a third party who visits. Off by default: the site asks for no web font and text is in
# Arial, the fallback NHS.UK frontend intends. An NHS organisation turns it on with the font's
# origin, NHS_FONT_HOST=https://assets.nhs.uk; the policy below then allows fonts from there.
NHS_FONT_HOST = os.environ.get("NHS_FONT_HOST", "").strip().rstrip("/")
if NHS_FONT_HOST and (
    not NHS_FONT_HOST.startswith("https://") or "/" in NHS_FONT_HOST.removeprefix("https://")
):
    raise ImproperlyConfigured(
        "NHS_FONT_HOST must be an https origin such as https://assets.nhs.uk, "
        f"not {NHS_FONT_HOST!r}"
    )

# Content-Security-Policy: no inline script or style anywhere on the public site. The Wagtail
# and Django admin screens still use inline script and style, so they are left out of the
# header (they are staff-only and behind login).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, *([NHS_FONT_HOST] if NHS_FONT_HOST else [])],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Background work (notification fan-out when a decision is published) runs as django-tasks,
# stored in the database and run by `manage.py db_worker`. Tests use the immediate backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# The organisation running the site, until an Editor names it in the admin (Settings →
# Organisation settings); the admin calls the site by the same name.
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "").strip() or "Coproduce"
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "").strip() or ORGANISATION_NAME
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# No Gravatar: the admin would send a hash of each person's email to another host, and where
# that host cannot be reached (or is blocked) every avatar is a broken image.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Operations (docs/deployment.md): logs, error emails, health checks.
# LOG_FORMAT=json writes one JSON object per line (production's default); every line carries
# the request id. ADMINS (comma-separated emails) are mailed a report of every 500.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
ADMINS = [(email, email) for email in env_list("ADMINS")]
DEFAULT_EXCEPTION_REPORTER_FILTER = "coproduce.operations.reporting.NoPersonalDataFilter"
DEFAULT_EXCEPTION_REPORTER = "coproduce.operations.reporting.NoPersonalDataReporter"
# /health/ready/ fails when the oldest background task ready to run has waited this long.
HEALTH_TASK_MAX_AGE = int(os.environ.get("HEALTH_TASK_MAX_AGE", "900"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "coproduce.operations.request_id.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "coproduce.operations.log_format.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        "django.request": {"handlers": ["mail_admins"], "level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
        # One line per background task and page save is noise at INFO.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # The rooms' server in production (uvicorn) sets up its own plain-text handlers before
        # it loads the site; theirs are replaced, so its lines are JSON like the rest. Its
        # loggers' levels are reset by this configuration (their `--log-level` with them):
        # warnings only, as daphne's `-v 0` gave (nginx logs every request).
        "uvicorn": {"handlers": [], "propagate": True, "level": "WARNING"},
        "uvicorn.access": {"handlers": [], "propagate": True},
    },
}

# Statement voting: recompute a live activity's opinion groups at most this often (seconds).
OPINIONS_REFRESH_SECONDS = float(os.environ.get("OPINIONS_REFRESH_SECONDS", "3"))
# A room connection whose server process died (no heartbeat) stops counting as present after
# this long; the room hears `presence.left` within a second more (deliberation/presence.py).
ROOM_PRESENCE_TTL_SECONDS = float(os.environ.get("ROOM_PRESENCE_TTL_SECONDS", "20"))
# ...in a worker process of its own (deliberation/opinions/services.py, opinions_analyse).
OPINIONS_ANALYSE_IN_PROCESS = os.environ.get("OPINIONS_ANALYSE_IN_PROCESS", "1") == "1"
