"""Settings for the benchmark's server processes: production settings, with the channel layer
chosen by BENCH_CHANNEL_LAYER ("pubsub", the default and what production uses, or "core")."""

import os

from coproduce.settings.production import *  # noqa: F403
from coproduce.settings.production import REDIS_URL

_PREFIX = os.environ.get("CHANNEL_LAYER_PREFIX", "bench")

if os.environ.get("BENCH_CHANNEL_LAYER", "pubsub") == "core":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": _PREFIX},
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": _PREFIX},
        }
    }
# Warnings and errors (a request's traceback included) to stderr, which bench/rooms.py's Servers
# keeps in a file (BENCH_SERVER_LOG to keep it after the run).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {"django": {"level": "WARNING", "handlers": ["stderr"], "propagate": False}},
}
# The site's URLs plus the minimal view of bench/pages.py (the ceiling).
ROOT_URLCONF = "bench.urls"
# The per-IP limit on new open responses (engagement/consultations/views/answering.py), set for
# `python -m bench.ingest`, whose clients all come from 127.0.0.1: configured, not switched off.
if os.environ.get("BENCH_OPEN_RESPONSES_PER_HOUR"):
    CONSULTATION_OPEN_RESPONSES_PER_HOUR = int(os.environ["BENCH_OPEN_RESPONSES_PER_HOUR"])
# Smoke runs (`--smoke`) skip collectstatic: static URLs without the manifest's hashes. Only the
# URLs in the HTML differ (nginx serves the files); the full runs collect and use the manifest.
if os.environ.get("BENCH_PLAIN_STATIC"):
    STORAGES = {
        **STORAGES,  # noqa: F405
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
