"""Refusals and bad requests on the site's own layout, saying what to do next.

Django's own 400 handler renders its template without the request, so the page would lose the
organisation's name, the header and the signed-in person's links; these views render with it.
A request refused for its Host header is rendered without it: asking that request for its host
again would fail again."""

from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception=None) -> HttpResponse:
    if isinstance(exception, DisallowedHost):
        return HttpResponseBadRequest(render_to_string("400.html"))
    return render(request, "400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def too_many_requests(request, *, retry_after_seconds: int | None = None) -> HttpResponse:
    """The 429 page for any limit on how often something may be done; `Retry-After` tells
    browsers and scripts when to try again."""
    minutes = -(-retry_after_seconds // 60) if retry_after_seconds else None
    response = render(request, "429.html", {"retry_after_minutes": minutes}, status=429)
    if retry_after_seconds:
        response["Retry-After"] = str(retry_after_seconds)
    return response
