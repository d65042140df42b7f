"""The statements questions' part of the consultation's results page (the consultation's
results view asks every `consultation_results_blocks` hook for HTML to add)."""

from django.template.loader import render_to_string
from wagtail import hooks

from deliberation.opinions import selectors as opinions

from . import selectors


@hooks.register("consultation_results_blocks")
def statements_results(*, consultation, request):
    found = selectors.consultation_statement_results(consultation=consultation)
    if not found:
        return ""
    can_moderate = request.user.has_perm(
        "engagement.moderate_consultation_statements", consultation
    )
    blocks = [
        {
            "question": question,
            "activity": activity,
            "results": results,
            "statements": (
                opinions.activity_statements(activity=activity) if can_moderate and activity else []
            ),
        }
        for question, activity, results in found
    ]
    return render_to_string(
        "engagement/consultation_statements/results.html",
        {"consultation": consultation, "blocks": blocks, "can_moderate": can_moderate},
        request=request,
    )
