"""Your involvement passport (/my/passport/): see it, change it, or withdraw consent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import EqualityAnswersForm, PassportForm
from .models import EQUALITY_PURPOSE


def _next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
def passport(request):
    passport = selectors.passport_for(user=request.user)
    form = PassportForm(
        request.POST or None,
        initial=PassportForm.initial_for(passport),
        has_consent=passport is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.passport_save(user=request.user, **data)
        messages.success(request, _("Your involvement passport is saved."))
        return redirect(_next(request) or "passport:passport")
    return render(
        request,
        "passport/passport.html",
        {
            "form": form,
            "passport": passport,
            "next": _next(request),
            "equality_answers": selectors.equality_answers_for(user=request.user),
        },
    )


@login_required
@require_POST
def passport_delete(request):
    if services.passport_delete(user=request.user):
        messages.success(
            request,
            _("Your involvement passport is deleted. Nothing from it is shared any more."),
        )
    return redirect("passport:passport")


@login_required
def equality_answers(request):
    """The passport's "about you" section: answer, change, or see what is kept."""
    kept = selectors.equality_answers_for(user=request.user)
    form = EqualityAnswersForm(
        request.POST or None,
        initial=EqualityAnswersForm.initial_for(kept),
        has_consent=kept is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.equality_answers_save(user=request.user, **data)
        messages.success(request, _("Your answers about you are saved."))
        return redirect("passport:passport")
    return render(
        request,
        "passport/equality_answers.html",
        {"form": form, "answers": kept, "purpose": EQUALITY_PURPOSE},
    )


@login_required
@require_POST
def equality_answers_delete(request):
    if services.equality_answers_delete(user=request.user):
        messages.success(
            request,
            _("Your answers about you are deleted. They no longer count in any figures."),
        )
    return redirect("passport:passport")
