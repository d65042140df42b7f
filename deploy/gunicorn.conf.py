"""gunicorn's settings for Coproduce's pages (deploy/coproduce-pages.service; CI's production
stage and `python -m bench.pages --server gunicorn` use this file too).

Why a WSGI server for the pages: under an ASGI server Django runs each page's synchronous code
in a thread made for that request and crosses between it and the event loop several times; the
same page under gunicorn's threads costs a fraction of the CPU (docs/benchmarks.md). The ASGI
processes (uvicorn, deploy/coproduce-web@.service) keep the live rooms' WebSockets (nginx sends
/ws/ there) and are nginx's backup for pages.

Environment: WEB_CONCURRENCY worker processes (default 2: one per core is the rule, each is one
interpreter and so one core), WEB_THREADS threads each (default 8: a page waits on PostgreSQL and
Redis, and another thread runs meanwhile; keep DATABASE_POOL_MAX_SIZE at least this),
PAGES_BIND (default 127.0.0.1:8000). Reload without dropping a request: `systemctl reload
coproduce-pages` (SIGHUP: new workers with the new code start, the old ones finish what they
are serving)."""

import os

from gunicorn.glogging import Logger

wsgi_app = "coproduce.wsgi:application"
bind = [os.environ.get("PAGES_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
# Longer than nginx keeps an idle upstream connection, so nginx closes first, never gunicorn
# under a request nginx is sending.
keepalive = 75
# nginx gives up on a page after 60 s (proxy_read_timeout); a worker stuck longer is replaced.
timeout = 70
graceful_timeout = 30
# nginx is on this host; its X-Forwarded-Proto says whether the visitor used HTTPS.
forwarded_allow_ips = "127.0.0.1,::1"


# gunicorn's own lines (a worker booted, timed out or exited) as one JSON object each, as
# Django's are in production; no access log (nginx writes it, with the request id and without
# query strings), and none of the per-request work of building one.
class JsonLogger(Logger):
    access_log_enabled = False

    def setup(self, cfg):
        super().setup(cfg)
        from coproduce.operations.log_format import JsonFormatter

        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        return


logger_class = JsonLogger
accesslog = None


def on_starting(server):
    """Say so when a worker's threads outnumber its PostgreSQL connections: the extra threads
    would wait for one (up to DATABASE_POOL_TIMEOUT) under load. Production's pool is 10
    (settings/production.py) unless DATABASE_POOL_MAX_SIZE says otherwise."""
    pool = int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10") or 0)
    if 0 < pool < threads:
        server.log.warning(
            "DATABASE_POOL_MAX_SIZE=%s is less than WEB_THREADS=%s: set the pool to at least "
            "the threads (docs/deployment.md)",
            pool,
            threads,
        )
