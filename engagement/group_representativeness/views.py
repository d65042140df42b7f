"""'Who took part in <group>, <year>': for commissioners and the group's facilitators. Thin:
check the permission, call the selector, render."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from coproduce.disclosure import HIDDEN_MARK, HIDDEN_NOTE
from coproduce.permissions import require_perm
from coproduce.reporting_year import reporting_years_for_request
from deliberation.models import CoproductionGroup
from engagement.consultations.representativeness import INTERVAL_METHOD

from . import selectors

PERMISSION = "deliberation.view_who_took_part"


def _group(request, slug: str) -> CoproductionGroup:
    group = get_object_or_404(CoproductionGroup, slug=slug)
    require_perm(request.user, PERMISSION, group)
    return group


def _year_or_404(year: int) -> int:
    if not selectors.year_is_valid(year):
        raise Http404
    return year


@login_required
@require_GET
def latest_year(request, slug: str):
    """The group's most recent reporting year with sessions (this year when it has none)."""
    group = _group(request, slug)
    reporting = reporting_years_for_request(request)
    years = selectors.group_years(group=group, years=reporting)
    year = years[0] if years else reporting.current()
    return redirect("engagement:group_who_took_part", slug=group.slug, year=year)


@login_required
@require_GET
def who_took_part(request, slug: str, year: int):
    group = _group(request, slug)
    year = _year_or_404(year)
    reporting = reporting_years_for_request(request)
    figures = selectors.group_year_representativeness(group=group, year=year, years=reporting)
    return render(
        request,
        "engagement/group_representativeness/who_took_part.html",
        {
            "group": group,
            "year": year,
            "figures": figures,
            "comparison": figures.comparison,
            "years": [
                {"year": other, "label": reporting.label(other)}
                for other in selectors.group_years(group=group, years=reporting)
            ],
            "interval_method": INTERVAL_METHOD,
            "hidden_mark": HIDDEN_MARK,
            "hidden_note": HIDDEN_NOTE,
            "not_given_label": selectors.NOT_GIVEN_LABEL,
            "can_manage": request.user.has_perm("engagement.manage_reference_populations"),
        },
    )


@login_required
@require_GET
def who_took_part_json(request, slug: str, year: int):
    """The page's figures as published, as JSON."""
    group = _group(request, slug)
    year = _year_or_404(year)
    figures = selectors.group_year_representativeness(
        group=group, year=year, years=reporting_years_for_request(request)
    )
    response = JsonResponse(figures.as_dict(), json_dumps_params={"indent": 2})
    response["Cache-Control"] = "private, no-store"
    return response
