from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from wagtail.models import Page

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    """Site search over live, public pages (Wagtail's search backend; full-text on PostgreSQL)."""
    query = request.GET.get("q", "")
    error = None
    if "\x00" in query:
        # PostgreSQL cannot hold a NUL in text, so it cannot be searched for: say so, and offer
        # the rest of the words back in the box.
        error = _("Your search contains a character that cannot be searched for. Remove it.")
        query = query.replace("\x00", "")
    query = query.strip()[:MAX_QUERY_LENGTH]
    results = Page.objects.none()
    if query and not error:
        results = Page.objects.live().public().specific().search(query)
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page_of_results = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        page_of_results = paginator.page(1)
    return render(
        request,
        "home/search.html",
        {"query": query, "error": error, "results": page_of_results, "paginator": paginator},
    )
