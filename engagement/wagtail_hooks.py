"""Wagtail admin for engagement: the expertise taxonomy (snippets managed by Editors), the
questionnaire start screen (templates and copying), refusing to delete consultations that have
responses, format requests as a snippet listing."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from engagement.models import (
    ConsultationPage,
    DecisionRating,
    ExperienceArea,
    FormatRequest,
    Language,
    Locality,
    Response,
    Skill,
)
from engagement.selectors.profiles import PROFILE_RELATIONS
from engagement.services.profiles import profile_refresh_search_text
from engagement.views import questionnaire_admin


class ExperienceAreaViewSet(SnippetViewSet):
    model = ExperienceArea
    icon = "tag"
    menu_label = "Experience areas"
    list_display = ["name", "slug", "description"]
    search_fields = ["name", "description"]


class SkillViewSet(SnippetViewSet):
    model = Skill
    icon = "pick"
    menu_label = "Skills"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class LocalityViewSet(SnippetViewSet):
    model = Locality
    icon = "site"
    menu_label = "Localities"
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]


class LanguageViewSet(SnippetViewSet):
    model = Language
    icon = "globe"
    menu_label = "Languages"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class ExpertiseTaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Expertise taxonomy"
    menu_icon = "tag"
    menu_order = 300
    items = (ExperienceAreaViewSet, SkillViewSet, LocalityViewSet, LanguageViewSet)


register_snippet(ExpertiseTaxonomyGroup)


@hooks.register("after_edit_snippet")
def refresh_directory_after_term_edit(request, instance):
    # The directory searches a denormalised copy of each profile's term names; a renamed term
    # must be found under its new name.
    if isinstance(instance, ExperienceArea | Skill | Locality | Language):
        for profile in instance.profiles.prefetch_related(*PROFILE_RELATIONS):
            profile_refresh_search_text(profile=profile)


# --- Consultations: the questionnaire start screen (templates and copying), deleting
# consultations that have responses refused, format requests as a snippet listing.

# Consultations: answering


@hooks.register("register_admin_urls")
def register_questionnaire_urls():
    return [
        path(
            "consultations/<int:page_id>/questionnaire/start/",
            questionnaire_admin.questionnaire_start,
            name="engagement_questionnaire_start",
        )
    ]


def _questionnaire_button(page, user):
    page = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if not isinstance(page, ConsultationPage):
        return
    if not user.has_perm("engagement.change_questionnaire", page):
        return
    if not page.permissions_for_user(user).can_edit():
        return
    yield Button(
        _("Questions from a template or another consultation"),
        reverse("engagement_questionnaire_start", args=[page.pk]),
        icon_name="list-ul",
        priority=35,
    )


@hooks.register("register_page_listing_more_buttons")
def questionnaire_listing_button(page, user, next_url=None):
    yield from _questionnaire_button(page, user)


@hooks.register("register_page_header_buttons")
def questionnaire_header_button(page, user, view_name, next_url=None):
    yield from _questionnaire_button(page, user)


@hooks.register("before_delete_page")
def refuse_to_delete_consultations_with_responses(request, page):
    """A consultation people have answered is a record: unpublish it instead."""
    if not isinstance(page.specific, ConsultationPage):
        return None
    count = Response.objects.filter(consultation_id=page.pk).count()
    if not count:
        return None
    messages.error(
        request,
        ngettext(
            "“%(title)s” cannot be deleted: %(count)d person has responded to it, and their "
            "response is a record we must keep. You can unpublish it instead.",
            "“%(title)s” cannot be deleted: %(count)d people have responded to it, and their "
            "responses are a record we must keep. You can unpublish it instead.",
            count,
        )
        % {"title": page.title, "count": count},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


class FormatRequestViewSet(SnippetViewSet):
    model = FormatRequest
    icon = "doc-full"
    menu_label = _("Format requests")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["consultation", "format", "name", "contact", "requested_at", "handled_at"]
    list_filter = ["format"]
    ordering = ["-requested_at"]


register_snippet(FormatRequestViewSet)


# --- Decisions ---------------------------------------------------------------------------------
# The co-produced sign-off task (engagement.models.CoproducedSignOffTask) is a Wagtail task
# type: Wagtail lists it under Settings → Workflow tasks without registration. Every decision
# uses the "Co-produced sign-off" workflow (made by migration 0005), wherever it sits.


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
