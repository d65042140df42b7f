"""What the consultation pages show beyond their own fields: the filtered, paged list of
consultations, and on one consultation its documents, topics, status and the visitor's own
response. Registered as `page_context` hooks in `wagtail_hooks.py` (see
`coproduce.page_context`)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator

from coproduce.easy_read import wants_easy_read
from engagement.consultations.forms import ConsultationFilterForm
from engagement.consultations.models import ConsultationIndexPage, ConsultationPage
from engagement.consultations.respondent import current_response
from engagement.consultations.selectors import consultation_listing

CONSULTATIONS_PER_PAGE = 10


def consultation_index_context(*, page: ConsultationIndexPage, request) -> dict:
    form = ConsultationFilterForm(request.GET or None)
    filters = form.filters()
    paginator = Paginator(consultation_listing(index=page, **filters), CONSULTATIONS_PER_PAGE)
    return {
        "filter_form": form,
        "filters": filters,
        "consultations": paginator.get_page(request.GET.get("page")),
        "paginator": paginator,
        "query_without_page": urlencode(filters),
    }


def consultation_context(*, page: ConsultationPage, request) -> dict:
    return {
        "easy_read": wants_easy_read(request) and bool(page.easy_read),
        "documents": list(page.documents.select_related("document")),
        "topic_list": list(page.topics.all()),
        "status": page.status,
        "response": current_response(request, page),
        "can_enter_assisted": request.user.has_perm("engagement.enter_assisted_response", page),
    }
