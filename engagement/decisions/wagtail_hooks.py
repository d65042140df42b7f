"""Wagtail admin and page hooks for decisions: what the decision pages show, and the ratings as
a read-only snippet listing.

The co-produced sign-off task (`workflow.CoproducedSignOffTask`) is a Wagtail task type: Wagtail
lists it under Settings → Workflow tasks without registration. Every decision uses the
"Co-produced sign-off" workflow (made by migration 0005), wherever it sits."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from coproduce.page_context import hook_name
from engagement.decisions import pages
from engagement.decisions.models import DecisionIndexPage, DecisionPage, DecisionRating

hooks.register(hook_name(DecisionIndexPage), pages.decision_index_context)
hooks.register(hook_name(DecisionPage), pages.decision_context)


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
