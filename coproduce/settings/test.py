"""Settings for the test suite: fast hashing, in-memory mail, immediate tasks.

DATABASE_URL and REDIS_URL are honoured when set (CI always sets them), so the same suite runs
against the embedded defaults on a laptop and against PostgreSQL and Redis in CI.
"""

import os

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a server process started by a test sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME", "")}
# Opinion groups are recomputed as soon as a vote commits, so tests see the update at once
# (tests/opinions/test_live.py covers the throttled timer with its own value).
OPINIONS_REFRESH_SECONDS = 0
OPINIONS_ANALYSE_IN_PROCESS = False
# Tests change data and read pages back at once, some through QuerySet.update(), which the
# page cache only sees when a kept page runs out; its own tests turn it on
# (tests/test_page_cache.py).
ANONYMOUS_PAGE_CACHE_SECONDS = 0
