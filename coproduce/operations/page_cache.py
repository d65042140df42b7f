"""Whole public pages kept for a few seconds for people who are not signed in.

Most people who read the site are not signed in, and what they see of a public page is the same
for all of them. Under a crowd (a consultation in the news, a decision everyone was told about)
each of them would otherwise render the page again. This middleware keeps the rendered page in
the shared cache and serves it to the next such reader, so one process serves many times the
readers (docs/benchmarks.md, "Pages against the ceiling").

What is shared, and what is not:

- Only GET requests for public pages (Wagtail's pages and a consultation's results), from a
  reader with nothing of their own on the site: no session, no sign-in, no answers in
  progress, no message waiting. Any other cookie than the CSRF cookie, the Easy Read choice and
  the language means the page is made for that reader and neither served from nor kept in the
  cache.
- The CSRF token of the page's forms (the Easy Read switch, for one) is the reader's own: the
  kept page holds a placeholder, filled with a token for each reader as the page leaves.
- The reader's Easy Read choice and language are part of the key, as is the whole address.

How long a kept page lives: every change saved through a model (a page published, a decision
rated, an answer hidden) starts a new generation once its transaction commits, and a page kept
in an older generation is never served again (each kept page holds its generation; both are
read in one round trip). A change made without a model's signal (a
`QuerySet.update()`, a migration) shows within `ANONYMOUS_PAGE_CACHE_SECONDS`, the most a kept
page lives (5 by default). 0 turns the cache off; the test settings keep it off but for the
tests of it.
"""

from __future__ import annotations

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.csrf import get_token

from coproduce.easy_read import COOKIE as EASY_READ_COOKIE

logger = logging.getLogger(__name__)

# The views whose pages are the same for every reader who is not signed in.
PUBLIC_VIEWS = {"wagtail_serve", "engagement:consultation_results"}
GENERATION_KEY = "anonymous-page-cache:generation"
# Models whose rows no public page shows and which change all the time: saving them does not
# start a new generation (sessions, sign-in attempts, the room's log, mail and task queues).
QUIET_APPS = {"sessions", "axes", "django_tasks_database"}
QUIET_MODELS = {"deliberation.roomevent", "notifications.outgoingemail"}
TOKEN_PLACEHOLDER = "__coproduce_csrf_token__"  # noqa: S105 - a placeholder, not a secret
_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# Response headers a kept page keeps (the others are made again for each reader).
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")


def _seconds() -> int:
    return int(getattr(settings, "ANONYMOUS_PAGE_CACHE_SECONDS", 0) or 0)


def _own_cookies(request) -> bool:
    """Whether the reader has anything of their own on the site (see the module's notes)."""
    shared = {settings.CSRF_COOKIE_NAME, EASY_READ_COOKIE, settings.LANGUAGE_COOKIE_NAME}
    return any(name not in shared for name in request.COOKIES)


def _key(request) -> str:
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return ":".join(
        [
            "anonymous-page",
            getattr(request, "LANGUAGE_CODE", ""),
            request.COOKIES.get(EASY_READ_COOKIE, ""),
            address,
        ]
    )


class AnonymousPageCacheMiddleware:
    """Serves and keeps whole public pages for readers who are not signed in (the module's
    notes). Innermost in MIDDLEWARE, so that every other middleware (security headers, the
    content security policy, the CSRF cookie) still acts on a page served from the cache.

    A kept page is looked up before Django resolves the address: resolving a Wagtail page's
    address tries every other URL pattern first, which was the largest single cost of serving
    a kept page (docs/benchmarks.md). Only pages of the public views are ever kept, so a page
    found under an address came from such a view; an address that is not one costs a lookup
    that finds nothing. A page made by a public view for such a reader is kept on its way out,
    under the key and generation looked up on its way in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _seconds() and request.method == "GET" and not _own_cookies(request):
            key = _key(request)
            # One round trip for both: the generation now, and the page kept for this key.
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY, 0)
            kept = found.get(key)
            if kept is not None and kept["generation"] == generation:
                return self._served(request, kept)
            request._anonymous_page_lookup = (key, generation)
        response = self.get_response(request)
        keep = getattr(request, "_anonymous_page_cache", None)
        if keep is not None and self._may_keep(request, response):
            key, generation = keep
            cache.set(key, self._kept(response, generation), timeout=_seconds())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        lookup = getattr(request, "_anonymous_page_lookup", None)
        match = request.resolver_match
        if lookup is not None and match is not None and match.view_name in PUBLIC_VIEWS:
            request._anonymous_page_cache = lookup
        return None

    @staticmethod
    def _may_keep(request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        control = response.get("Cache-Control", "")
        if "private" in control or "no-store" in control:
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        session = getattr(request, "session", None)
        return session is None or not (session.modified or session.keys())

    @staticmethod
    def _kept(response, generation: int) -> dict:
        content = _TOKEN_FIELD.sub(rf"\g<1>{TOKEN_PLACEHOLDER}\g<2>", response.content.decode())
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        return {"generation": generation, "content": content, "headers": headers}

    @staticmethod
    def _served(request, kept: dict):
        from django.http import HttpResponse

        content = kept["content"]
        if TOKEN_PLACEHOLDER in content:
            # The reader's own token (and, through the CSRF middleware, their cookie).
            content = content.replace(TOKEN_PLACEHOLDER, get_token(request))
        response = HttpResponse(content)
        for name, value in kept["headers"].items():
            response[name] = value
        return response


# The generation key expires a day after it was first made, so nothing is left behind in Redis
# by a site (or a CI run's key prefix) that has gone. When it lapses the generation reads as 0
# again: pages kept under the old number are not served (a miss), and the next change makes 1.
GENERATION_TIMEOUT = 24 * 3600


def new_generation() -> None:
    """Pages kept before now are not served again."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # The first change since the cache was emptied (or a race with another's first).
        if not cache.add(GENERATION_KEY, 1, timeout=GENERATION_TIMEOUT):
            cache.incr(GENERATION_KEY)


def _changed(sender, **kwargs) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label in QUIET_APPS or meta.label_lower in QUIET_MODELS:
        return
    if not _seconds():
        return
    transaction.on_commit(new_generation, robust=True)


def connect() -> None:
    """Start a new generation at every saved change (called once, by coproduce.home's app)."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_changed, dispatch_uid=f"anonymous-page-cache-{id(signal)}")
