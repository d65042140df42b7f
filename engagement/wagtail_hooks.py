"""Wagtail admin screens for engagement."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from engagement.models import DecisionRating

# Decisions ---------------------------------------------------------------------------------
# The co-produced sign-off task (engagement.models.CoproducedSignOffTask) is a Wagtail task
# type: Wagtail lists it under Settings → Workflow tasks without registration. Every decision
# uses the "Co-produced sign-off" workflow (made by migration 0003), wherever it sits.


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
