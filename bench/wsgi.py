"""The site's pages over WSGI with the benchmark's settings (bench/settings.py), for
`python -m bench.pages --server gunicorn`."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from coproduce.wsgi import application  # noqa: E402, F401
