"""Wagtail admin and page hooks for consultations: what the consultation pages show, the
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
from wagtail.snippets.views.snippets import SnippetViewSet

from coproduce.page_context import hook_name
from engagement.consultations import pages
from engagement.consultations.models import (
    ConsultationIndexPage,
    ConsultationPage,
    FormatRequest,
)
from engagement.consultations.views import questionnaire_admin, waves

hooks.register(hook_name(ConsultationIndexPage), pages.consultation_index_context)
hooks.register(hook_name(ConsultationPage), pages.consultation_context)


@hooks.register("register_admin_urls")
def register_questionnaire_urls():
    return [
        path(
            "consultations/<int:page_id>/questionnaire/start/",
            questionnaire_admin.questionnaire_start,
            name="engagement_questionnaire_start",
        ),
        path(
            "consultations/<int:page_id>/next-wave/",
            waves.next_wave,
            name="engagement_next_wave",
        ),
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


def _wave_buttons(page, user):
    page = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if not isinstance(page, ConsultationPage) or page.pk is None:
        return
    if not user.has_perm("engagement.change_questionnaire", page):
        return
    yield Button(
        _("Run the next wave"),
        reverse("engagement_next_wave", args=[page.pk]),
        icon_name="repeat",
        priority=36,
    )
    if page.series_key and user.has_perm("engagement.compare_waves"):
        yield Button(
            _("Compare the waves"),
            reverse("engagement:series_compare", args=[page.series_key]),
            icon_name="view",
            priority=37,
        )


@hooks.register("register_page_listing_more_buttons")
def questionnaire_listing_button(page, user, next_url=None):
    yield from _questionnaire_button(page, user)
    yield from _wave_buttons(page, user)


@hooks.register("register_page_header_buttons")
def questionnaire_header_button(page, user, view_name, next_url=None):
    yield from _questionnaire_button(page, user)
    yield from _wave_buttons(page, user)


@hooks.register("before_delete_page")
def refuse_to_delete_consultations_with_responses(request, page):
    """A consultation people have answered is a record: unpublish it instead."""
    if not isinstance(page.specific, ConsultationPage):
        return None
    count = page.specific.response_count()
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
