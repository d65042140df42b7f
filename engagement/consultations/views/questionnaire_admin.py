"""Wagtail admin: start a consultation's questionnaire from a template or copy an earlier
consultation's questions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from engagement.consultations.forms import QuestionnaireStartForm
from engagement.consultations.models import ConsultationPage
from engagement.consultations.services import (
    QuestionnaireLocked,
    questionnaire_apply_template,
    questionnaire_copy,
)


def questionnaire_start(request: HttpRequest, page_id: int) -> HttpResponse:
    """Replace the consultation's questions with a template's or another consultation's."""
    target = get_object_or_404(ConsultationPage, pk=page_id)
    if not (
        request.user.has_perm("engagement.change_questionnaire", target)
        and target.permissions_for_user(request.user).can_edit()
    ):
        raise PermissionDenied
    form = QuestionnaireStartForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        kind, _sep, rest = form.cleaned_data["starting_point"].partition(":")
        try:
            if kind == "template":
                template, version = rest.split(":")
                questionnaire_apply_template(
                    target=target, template=template, version=version, user=request.user
                )
            else:
                source = get_object_or_404(ConsultationPage, pk=int(rest))
                questionnaire_copy(source=source, target=target, user=request.user)
        except QuestionnaireLocked as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The questions are in place. Check them on the Questionnaire tab."),
            )
            return redirect("wagtailadmin_pages:edit", target.pk)
    return TemplateResponse(
        request,
        "engagement/consultations/admin/questionnaire_start.html",
        {"page": target, "form": form, "header_title": _("Start the questionnaire")},
    )
