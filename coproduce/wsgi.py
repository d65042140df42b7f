"""The site's pages over WSGI, for gunicorn (deploy/gunicorn.conf.py) beside the daphne
processes that keep the live rooms' WebSockets (coproduce/asgi.py). nginx sends /ws/ to daphne
and every other request here (deploy/nginx.conf); docs/deployment.md ("Two servers") says why.

Behind nginx every request arrives from nginx's own address, so the person's address (which the
answer throttles and the sign-in lockout count by) is taken from the `X-Forwarded-For` nginx
sets, as daphne's `--proxy-headers` does, and only when the request came from a proxy this
process trusts (loopback by default; `TRUSTED_PROXIES`, comma-separated, for a proxy on
another host)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings.production")

LOOPBACK = ("127.0.0.1", "::1")


def trusted_proxies() -> frozenset[str]:
    named = os.environ.get("TRUSTED_PROXIES", "")
    return frozenset(LOOPBACK) | {address.strip() for address in named.split(",") if address}


class ForwardedFor:
    """WSGI middleware: REMOTE_ADDR from the last address in X-Forwarded-For (the one the
    nearest proxy added, which is the only one it vouches for) when the peer is a trusted proxy;
    otherwise, or without the header, the peer's own address is left."""

    def __init__(self, application, trusted: frozenset[str]):
        self.application = application
        self.trusted = trusted

    def __call__(self, environ, start_response):
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and environ.get("REMOTE_ADDR") in self.trusted:
            client = forwarded.rsplit(",", 1)[-1].strip()
            if client:
                environ["REMOTE_ADDR"] = client
        return self.application(environ, start_response)


application = ForwardedFor(get_wsgi_application(), trusted_proxies())
