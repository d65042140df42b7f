"""Expertise profiles (one's own, and others' as their visibility allows), consents, the
involvement record and the directory. Each view checks permission through the rules in
`engagement.profiles.rules`, parses input with a form, and calls a service or selector."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.permissions import require_perm
from coproduce.reporting_year import reporting_years_for_request
from engagement.profiles import selectors
from engagement.profiles.forms import (
    DirectoryFilterForm,
    ProfileForm,
)
from engagement.profiles.models import (
    ExpertProfile,
    ProfileConsent,
)
from engagement.profiles.services import profiles as profile_services

DIRECTORY_PAGE_SIZE = 20


# --- Profiles --------------------------------------------------------------------------------


def _render_profile(request, profile, *, is_own):
    record = None
    if is_own or profile.show_involvement_record:
        record = selectors.involvement_record(user=profile.user)
    return render(
        request,
        "engagement/profiles/profile_detail.html",
        {
            "profile": profile,
            "is_own": is_own,
            "record": record,
            "show_record": bool(record) and (is_own or profile.show_involvement_record),
        },
    )


@login_required
def my_profile(request):
    profile = selectors.own_profile(user=request.user)
    if profile is None:
        if request.user.has_perm("engagement.keep_profile"):
            return redirect("engagement:profile_edit")
        raise PermissionDenied
    profile = selectors.profile_for_viewing(pk=profile.pk)
    return _render_profile(request, profile, is_own=True)


def profile_detail(request, pk: int):
    try:
        profile = selectors.profile_for_viewing(pk=pk)
    except ExpertProfile.DoesNotExist:
        raise Http404 from None
    # A profile the viewer may not see does not exist for them: 404, not 403, so its
    # existence is not revealed.
    if not request.user.has_perm("engagement.view_profile", profile):
        raise Http404
    return _render_profile(request, profile, is_own=profile.user_id == request.user.pk)


@login_required
def profile_edit(request):
    require_perm(request.user, "engagement.keep_profile")
    profile = selectors.own_profile(user=request.user)
    consents = selectors.active_consent_purposes(user=request.user)
    form_kwargs = {
        "has_profile_consent": ProfileConsent.Purpose.PROFILE in consents,
    }
    if request.method == "POST":
        form = ProfileForm(request.POST, **form_kwargs)
        if form.is_valid():
            profile_services.profile_save(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your profile has been saved."))
            return redirect("engagement:my_profile")
    else:
        initial = (
            ProfileForm.initial_for(profile)
            if profile
            else {"display_name": request.user.public_name if request.user.display_name else ""}
        )
        form = ProfileForm(initial=initial, **form_kwargs)
    return render(
        request,
        "engagement/profiles/profile_form.html",
        {"form": form, "is_new": profile is None},
    )


@login_required
def consents(request):
    records = selectors.consent_history(user=request.user)
    return render(request, "engagement/profiles/consents.html", {"consents": records})


@login_required
@require_POST
def consent_withdraw(request, purpose: str):
    if purpose not in ProfileConsent.Purpose.values:
        raise Http404
    profile_services.consent_withdraw(user=request.user, purpose=purpose)
    if purpose == ProfileConsent.Purpose.PROFILE:
        messages.success(request, _("Consent withdrawn. Only you can see your profile now."))
    else:
        messages.success(
            request, _("Consent withdrawn. Your access and support needs have been deleted.")
        )
    return redirect("engagement:consents")


@login_required
def involvement_record(request):
    record = selectors.involvement_record(user=request.user)
    years = reporting_years_for_request(request)
    ledger = selectors.involvement_ledger(user=request.user, years=years)
    return render(
        request,
        "engagement/profiles/involvement_record.html",
        {"record": record, "ledger": ledger, "reporting_years": years},
    )


@login_required
def involvement_record_download(request):
    profile = selectors.own_profile(user=request.user)
    record = selectors.involvement_record(user=request.user)
    response = render(
        request,
        "engagement/profiles/involvement_record_download.html",
        {
            "record": record,
            "name": profile.display_name if profile else request.user.public_name,
            "today": timezone.localdate(),
        },
    )
    response["Content-Disposition"] = 'attachment; filename="involvement-record.html"'
    return response


# --- Directory -------------------------------------------------------------------------------


DIRECTORY_FILTERS = "engagement/profiles/_directory_filters.html"
# What the filters are rendered from: a change to any of them is a new key.
DIRECTORY_FILTERS_TEMPLATES = (
    DIRECTORY_FILTERS,
    "forms/error_summary.html",
    "forms/nhsuk_field.html",
    "forms/field_hint_and_errors.html",
    "django/forms/widgets/checkbox_select.html",
    "django/forms/widgets/nhsuk_choices.html",
    "django/forms/widgets/input.html",
)
# Kept rendered filters are keyed on the terms themselves (selectors.taxonomy_fingerprint), so
# this is only how long an unread one takes up space.
DIRECTORY_FILTERS_TIMEOUT = 24 * 3600


def _unfiltered_filters_html(form: DirectoryFilterForm) -> str:
    """The search and filters with nothing chosen, rendered once per language, set of terms and
    version of the templates: the same for everyone who may use the directory, rendered
    without the request. Costs one query (the terms' fingerprint) instead of one per kind of
    term and the rendering of every checkbox."""
    sources = hashlib.sha256()
    for name in DIRECTORY_FILTERS_TEMPLATES:
        sources.update(get_template(name).template.source.encode())
    key = ":".join(
        (
            "directory-filters",
            get_language() or "",
            selectors.taxonomy_fingerprint(),
            sources.hexdigest()[:16],
        )
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string(DIRECTORY_FILTERS, {"form": form})
        cache.set(key, html, DIRECTORY_FILTERS_TIMEOUT)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escaped it


@login_required
def directory(request):
    require_perm(request.user, "engagement.use_directory")
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = selectors.directory_search(
        viewer=request.user,
        query=filters.get("q", ""),
        experience_areas=filters.get("experience_areas", ()),
        skills=filters.get("skills", ()),
        localities=filters.get("localities", ()),
        languages=filters.get("languages", ()),
        availability=filters.get("availability", ()),
    )
    paginator = Paginator(profiles, DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.with_term_names(page.object_list)
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "engagement/profiles/directory.html",
        {
            "form": form,
            # With anything asked for (words, filters, a page), the form shows it: rendered here.
            "filters_html": None if request.GET else _unfiltered_filters_html(form),
            "profiles": page,
            "paginator": paginator,
            "querystring": query_without_page.urlencode(),
        },
    )
