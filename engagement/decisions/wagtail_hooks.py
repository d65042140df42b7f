"""Wagtail admin and page hooks for decisions: what the decision pages show, and the ratings as
a read-only snippet listing.

The co-produced sign-off task (`workflow.CoproducedSignOffTask`) is a Wagtail task type: Wagtail
lists it under Settings → Workflow tasks without registration. Every decision uses the
"Co-produced sign-off" workflow (made by migration 0005), wherever it sits.

Every way the admin publishes a decision, or acts on its sign-off, says what is missing when
the record does not support the declared level, and keeps what was typed: the editor's publish
(`before_publish_page`), bulk publish from a listing (`before_bulk_action`), and the workflow
task's approve and ask-for-changes screen (`DecisionWorkflowActionView`, through
`DecisionPageViewSet`, Wagtail's per-page-type views), and the admin API's publish action
(`construct_admin_api`: a `400` naming what is missing)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError as APIValidationError
from wagtail import hooks
from wagtail.admin.api.actions.publish import PublishPageAPIAction
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from coproduce.page_context import hook_name
from engagement.decisions import pages
from engagement.decisions.admin_forms import SUBMISSION_CHECK_HOOK
from engagement.decisions.evidence import decision_evidence, decision_submission_problems
from engagement.decisions.models import DecisionIndexPage, DecisionPage, DecisionRating
from engagement.decisions.workflow import SignOffRefused

hooks.register(hook_name(DecisionIndexPage), pages.decision_index_context)
hooks.register(hook_name(DecisionPage), pages.decision_context)
# The decision editor refuses to submit a draft whose record does not support its level.
hooks.register(SUBMISSION_CHECK_HOOK, decision_submission_problems)


def publication_problem(page) -> str | None:
    """Why this decision's latest revision cannot be published now, or None (any other page)."""
    page = page.specific
    if not isinstance(page, DecisionPage):
        return None
    revision = page.get_latest_revision()
    draft = revision.as_object() if revision is not None else page
    evidence = decision_evidence(decision=draft, revision_id=revision.pk if revision else None)
    if evidence.supports_declared:
        return None
    return _("“%(title)s” cannot be published as “%(level)s”: %(missing)s") % {
        "title": draft.title,
        "level": draft.get_involvement_level_display(),
        "missing": " ".join(evidence.missing),
    }


@hooks.register("before_publish_page")
def refuse_unsupported_level(request, page):
    """Publishing from the editor (a signed-off revision, republished): refused, saying what is
    missing, if the record no longer supports the declared level. The editor has already saved
    what was typed as a new revision, so nothing is lost."""
    problem = publication_problem(page)
    if problem is None:
        return None
    messages.error(request, problem)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_publish_of_unsupported_levels(request, action_type, objects, action):
    """Bulk publish from a page listing skips `before_publish_page`: the same check, for every
    decision selected, and for the unpublished decisions under a selected page when its
    descendants are published too. Nothing is published if any is refused."""
    if action_type != "publish":
        return None
    pages = list(objects)
    form = getattr(action, "cleaned_form", None)
    if form is not None and form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages.extend(page.get_descendants().not_live().type(DecisionPage))
    problems = [problem for page in pages if (problem := publication_problem(page))]
    if not problems:
        return None
    for problem in problems:
        messages.error(request, problem)
    return redirect(action.next_url)


class CheckedPublishPageAPIAction(PublishPageAPIAction):
    """The admin API's publish (`POST /admin/api/main/pages/<id>/action/publish/`) calls
    Wagtail's publish action directly, past `before_publish_page`: the same check, answered
    `400` with what is missing, and nothing published."""

    def execute(self, instance, data):
        problem = publication_problem(instance)
        if problem is not None:
            raise APIValidationError({"involvement_level": [problem]})
        return super().execute(instance, data)


class PagesAdminAPIWithDecisionChecks(PagesAdminAPIViewSet):
    actions = {**PagesAdminAPIViewSet.actions, "publish": CheckedPublishPageAPIAction}


@hooks.register("construct_admin_api")
def check_decisions_published_through_the_admin_api(router):
    router.register_endpoint("pages", PagesAdminAPIWithDecisionChecks)


class DecisionWorkflowActionView(WorkflowActionView):
    """Wagtail's own screen for acting on a decision's sign-off task (the dashboard's "Awaiting
    your review" buttons and their comment dialog). The task refuses with `SignOffRefused` when
    the person already answered, or when the confirmation that completes the quorum cannot
    publish because the record does not support the level; nothing of the action is stored.
    The refusal is shown: in the dialog, with the comment still in it; without the dialog, as
    a message on the page the person came from, repeating the comment they typed."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except SignOffRefused as refused:
            message = " ".join(refused.messages)
        comment = request.POST.get("comment", "").strip()
        is_dialog = request.headers.get("x-requested-with") == "XMLHttpRequest"
        if is_dialog and self.form_class is not None:
            form = self.form_class(request.POST)
            form.is_valid()
            form.add_error(None, ValidationError(message))
            return self.render_modal_form(request, form)
        if comment:
            messages.error(
                request,
                format_html(
                    "{} {} <q>{}</q>",
                    message,
                    _("Nothing was recorded. Your comment was:"),
                    comment,
                ),
            )
        else:
            messages.error(request, format_html("{} {}", message, _("Nothing was recorded.")))
        return redirect(self.redirect_url)


class DecisionPageViewSet(PageViewSet):
    """Decisions' own admin views where Wagtail's need more: the workflow action screen."""

    model = DecisionPage
    workflow_action_view_class = DecisionWorkflowActionView
    # The explorer keeps its usual listing of the decision log's children.
    parent_models = []


@hooks.register("register_admin_viewset")
def register_decision_page_viewset():
    return DecisionPageViewSet("decision_pages")


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
