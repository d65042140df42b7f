"""Sign-in throttling: one mechanism (django-axes) for every way to sign in.

Failures are counted per account *and* internet address together, so an attacker's failures
from one address lock only that pair: the account holder signing in from anywhere else is not
locked out. docs/security.md explains the choice."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOCKOUT_TEMPLATE = "account/lockout.html"


def username_for_lockout(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account a sign-in attempt is for, as axes counts it: the email address, lower-cased
    and trimmed, because allauth finds the account whatever the case (so `Alice@…` and `alice@…`
    share one count). Read from the credentials given to `authenticate` (allauth passes
    `email`, Django's own forms `username`), else from the posted form."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value:
        data = request.POST if request is not None else {}
        value = data.get("login") or data.get("email") or data.get("username")
    if not value or not isinstance(value, str):
        return None
    return value.strip().lower()


def lockout_minutes(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request)
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page shown instead of signing in while an account is locked for this address: the
    site's layout, a plain explanation, and 429 Too Many Requests. (axes' asynchronous middleware
    passes the credentials where the original response belongs, so neither is relied on.)"""
    return render(
        request,
        LOCKOUT_TEMPLATE,
        {"lockout_minutes": lockout_minutes(request)},
        status=429,
    )


def sign_in_locked_out(*, request: HttpRequest, email: str | None) -> bool:
    """Whether sign-in to the account `email` is refused for this request's address."""
    return not AxesProxyHandler.is_allowed(request, {"email": email})


def sign_in_failed(*, request: HttpRequest, email: str | None) -> None:
    """Count a failed sign-in that did not go through `authenticate` (a wrong one-time code):
    Django's own signal, so axes counts it exactly as it counts a wrong password."""
    user_login_failed.send(sender=__name__, credentials={"email": email}, request=request)


def sign_in_failures_forgotten(*, email: str) -> int:
    """Forget every counted failure for an account (after its password was reset by email,
    which proves the person holds the address)."""
    return AxesProxyHandler.reset_attempts(username=email.strip().lower())
