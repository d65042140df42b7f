"""The one-click unsubscribe link (RFC 8058). It acts without signing in: the signed token in the
address is the authority, so this view alone is exempt from CSRF (a mail client's POST carries
no cookie or token). GET only shows a confirmation page: mail scanners and link previews open
links, and must not unsubscribe anyone."""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .services import unsubscribe, unsubscribe_read


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_view(request, token: str):
    stop = unsubscribe_read(token)
    if stop is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        unsubscribe(stop)
        return render(request, "notifications/unsubscribed.html", {"stop": stop})
    return render(request, "notifications/unsubscribe_confirm.html", {"stop": stop})
