"""Who is answering: the person signed in, or, for an open consultation, this browser (a signed
cookie holding a random token; only its hash is stored). Used by the answering views and by the
consultation page, which offers "continue your response"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from engagement.consultations.models import ConsultationPage, Response
from engagement.consultations.selectors import response_for
from engagement.consultations.services import browser_key_for

BROWSER_COOKIE_SALT = "engagement.consultation-browser"
RESUME_LINK_MAX_AGE = 60 * 60 * 24 * 180


def _browser_cookie_name(consultation: ConsultationPage) -> str:
    return f"consultation-{consultation.pk}"


def browser_token(request: HttpRequest, consultation: ConsultationPage) -> str:
    return request.get_signed_cookie(
        _browser_cookie_name(consultation), default="", salt=BROWSER_COOKIE_SALT
    )


def set_browser_token(
    http_response: HttpResponse, request: HttpRequest, consultation: ConsultationPage, token: str
) -> None:
    http_response.set_signed_cookie(
        _browser_cookie_name(consultation),
        token,
        salt=BROWSER_COOKIE_SALT,
        max_age=RESUME_LINK_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def current_response(request: HttpRequest, consultation: ConsultationPage) -> Response | None:
    """The response this person (signed in) or this browser (open mode) has started."""
    token = "" if request.user.is_authenticated else browser_token(request, consultation)
    return response_for(
        consultation=consultation,
        user=request.user,
        browser_key=browser_key_for(token) if token else "",
    )
