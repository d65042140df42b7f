"""Easy Read, switched by the reader and remembered.

Pages that carry an Easy Read version beside the standard one (consultations, their questions,
decision summaries, session agendas and transcript summaries) show it when the reader asked for
it. The choice is made with a plain form (`/easy-read/`, works without JavaScript), kept in the
session and in a year-long cookie so it survives signing out, and can be overridden for one page
with `?format=easy-read` or `?format=standard` (links that can be shared). Imports no feature."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

COOKIE = "easy_read"
SESSION_KEY = "easy_read"
ONE_YEAR = 365 * 24 * 60 * 60


def wants_easy_read(request) -> bool:
    """Whether this reader wants Easy Read where a page has it."""
    fmt = request.GET.get("format")
    if fmt == "easy-read":
        return True
    if fmt == "standard":
        return False
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        return bool(session[SESSION_KEY])
    return request.COOKIES.get(COOKIE) == "1"


def context(request) -> dict:
    """Template context processor: `easy_read_on` for every template."""
    return {"easy_read_on": wants_easy_read(request)}


@require_http_methods(["GET", "POST"])
def switch(request):
    """Turn Easy Read on or off, then go back to the page the reader was on. A GET (the
    address opened or bookmarked) changes nothing and goes back to the page, not an error."""
    data = request.POST if request.method == "POST" else request.GET
    target = data.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if request.method != "POST":
        return HttpResponseRedirect(target)
    on = request.POST.get("easy_read") == "on"
    # The page's own ?format= would undo the choice just made: drop it.
    if "format=" in target:
        path, _, query = target.partition("?")
        kept = [part for part in query.split("&") if not part.startswith("format=")]
        target = path + ("?" + "&".join(kept) if kept else "")
    request.session[SESSION_KEY] = on
    response = HttpResponseRedirect(target)
    response.set_cookie(
        COOKIE,
        "1" if on else "0",
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
