"""Settings for a deployed site. Passes `manage.py check --deploy` with no warnings.

Required in the environment: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

import datetime
import os

from django.core.exceptions import ImproperlyConfigured

from coproduce.operations.sentry import init_sentry

from .base import *  # noqa: F403
from .base import DATABASES, database_pool, env_bool

DEBUG = False
# A pool of open PostgreSQL connections per server process (DATABASE_POOL_MAX_SIZE, default 10).
database_pool(DATABASES["default"], default_max_size=10)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50 characters or more.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Hashed, compressed static files; a source map a package names but does not ship is
# dropped from the reference rather than failing collectstatic (coproduce/operations/storage.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "coproduce.operations.storage.StaticFilesStorage"},
}

# Operations (docs/deployment.md) ------------------------------------------------------------
# Load balancers probe over plain HTTP inside the network: no redirect to HTTPS for them.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "text"  # noqa: F405
# Reports of errors and slow requests, with personal data removed before they leave.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    init_sentry(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0.2")),
        slow_after=datetime.timedelta(milliseconds=int(os.environ.get("SENTRY_SLOW_MS", "1000"))),
    )
