"""Wagtail admin and page hooks for decisions: what the decision pages show, and the ratings as
a read-only snippet listing.

The co-produced sign-off task (`workflow.CoproducedSignOffTask`) is a Wagtail task type: Wagtail
lists it under Settings → Workflow tasks without registration. Every decision uses the
"Co-produced sign-off" workflow (made by migration 0005), wherever it sits."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from coproduce.page_context import hook_name
from engagement.decisions import pages
from engagement.decisions.admin_forms import SUBMISSION_CHECK_HOOK
from engagement.decisions.evidence import decision_evidence, decision_submission_problems
from engagement.decisions.models import DecisionIndexPage, DecisionPage, DecisionRating

hooks.register(hook_name(DecisionIndexPage), pages.decision_index_context)
hooks.register(hook_name(DecisionPage), pages.decision_context)
# The decision editor refuses to submit a draft whose record does not support its level.
hooks.register(SUBMISSION_CHECK_HOOK, decision_submission_problems)


@hooks.register("before_publish_page")
def refuse_unsupported_level(request, page):
    """Publishing from the editor (a signed-off revision, republished): refused, saying what is
    missing, if the record no longer supports the declared level."""
    page = page.specific
    if not isinstance(page, DecisionPage):
        return None
    revision = page.get_latest_revision()
    draft = revision.as_object() if revision is not None else page
    evidence = decision_evidence(decision=draft, revision_id=revision.pk if revision else None)
    if evidence.supports_declared:
        return None
    messages.error(
        request,
        _("This decision cannot be published as “%(level)s”: %(missing)s")
        % {"level": draft.get_involvement_level_display(), "missing": " ".join(evidence.missing)},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


class DecisionRatingViewSet(SnippetViewSet):
    """What people said about whether each decision reflects what they said. Read it; the
    ratings belong to the people who gave them, so the admin cannot make or change one."""

    model = DecisionRating
    icon = "pick"
    menu_label = _("Decision ratings")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["decision", "score", "comment", "updated_at"]
    list_filter = ["score"]
    inspect_view_enabled = True


register_snippet(DecisionRatingViewSet)
