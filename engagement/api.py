"""The one open-data API, /api/v1/: every feature's routes (`<feature>/api.py`) assembled into
one django-ninja API that describes itself (`/api/v1/openapi.json`, read by people at
`/api/v1/docs`). Here, once for every route:

- one error shape, RFC 9457 problem details (`application/problem+json`), for unknown ids and
  paths, bad parameters, methods other than GET/HEAD/OPTIONS, and unexpected failures;
- open-data headers: `Access-Control-Allow-Origin: *` and `Cache-Control: public, max-age=300`
  on every answer but a server error;
- the old URLs (/api/consultations/<id>/results/, /api/decisions/…), which redirect to their
  successors with a deprecation notice for one release.

Documented in docs/api.md. Sits at the top, like `urls.py`: it imports the features' API
modules, and nothing imports it but URL configuration."""

from __future__ import annotations

import json
import logging
import re
from functools import wraps
from http import HTTPStatus

from django.core.signals import got_request_exception
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import URLPattern, path, re_path, reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from engagement.consultation_statements.api import router as consultation_statements
from engagement.consultations.api import router as consultations
from engagement.decisions.api import router as decisions
from engagement.group_representativeness.api import router as group_representativeness
from engagement.open_data import OGL_NAME, OGL_URL, ProblemError

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
OPEN_DATA_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Cache-Control": "public, max-age=300",
}
ALLOWED_METHODS = "GET, HEAD, OPTIONS"

# The old URLs answer until this date (one release), then go.
SUNSET = "Mon, 31 May 2027 23:59:59 GMT"

DESCRIPTION = (
    "Open data from Coproduce: consultations, their aggregate results once public, and "
    "published decisions. Read-only; no account, key or cookie. Every dataset is published "
    f"under the {OGL_NAME}. Errors are RFC 9457 problem details. Counts are of people in "
    "aggregate only: no free text, no equality monitoring, nothing about any one person."
)


class OpenDataAPI(NinjaAPI):
    """NinjaAPI whose description says what the wrapper below adds: error bodies are
    `application/problem+json`, and every answer below 500 carries the open-data headers."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        headers = {
            name: {
                "description": f"Always `{value}`",
                "required": True,
                "schema": {"type": "string"},
            }
            for name, value in OPEN_DATA_HEADERS.items()
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation["responses"].items():
                    if int(status) >= 400 and "content" in response:
                        response["content"] = {PROBLEM_JSON: response["content"].popitem()[1]}
                    response["headers"] = headers
        return schema


api = OpenDataAPI(
    title="Coproduce open data",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api_v1",
    docs_url=None,  # ninja's Swagger page loads from a CDN with inline script: see api_docs
    openapi_extra={"info": {"license": {"name": OGL_NAME, "url": OGL_URL}}},
)
api.add_router("", consultations)
api.add_router("", consultation_statements)
api.add_router("", decisions)
api.add_router("", group_representativeness)


# --- Problems ----------------------------------------------------------------------------------


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    detail: str,
    kind: str = "",
    title: str = "",
    errors: list[dict] | None = None,
) -> HttpResponse:
    """An RFC 9457 problem. A `kind` is documented under its anchor on the docs page, which
    its `type` URI points to; without one the type is `about:blank` and the title is the
    HTTP status's own."""
    body = {
        "type": (
            request.build_absolute_uri(reverse("api_v1_docs")) + f"#problem-{kind}"
            if kind
            else "about:blank"
        ),
        "title": title if kind and title else HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_JSON)


@api.exception_handler(ProblemError)
def _problem(request, exc: ProblemError):
    return problem_response(
        request,
        status=exc.status,
        detail=str(exc.detail),
        kind=exc.kind,
        title=str(exc.title),
        errors=exc.errors,
    )


@api.exception_handler(ValidationError)
def _invalid_parameters(request, exc: ValidationError):
    errors = [
        {
            "parameter": ".".join(str(part) for part in error["loc"][1:]) or error["loc"][0],
            "location": str(error["loc"][0]),
            "detail": error["msg"],
        }
        for error in exc.errors
    ]
    if any(error["location"] == "path" for error in errors):
        # An id out of range names nothing that could exist.
        return problem_response(request, status=404, detail=_("There is nothing with that id."))
    return problem_response(
        request,
        status=400,
        kind="invalid-parameters",
        title=_("Invalid parameters"),
        detail=_("One or more query parameters are not valid: see `errors`."),
        errors=errors,
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(request, status=404, detail=_("There is nothing at this address."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem_response(request, status=exc.status_code, detail=str(exc))


@api.exception_handler(Exception)
def _server_error(request, exc):
    # Logged with its traceback and signalled as Django signals any failed request (error
    # reporters listen to it); the body says nothing of it.
    logger.exception("Open-data API failed on %s", request.path)
    got_request_exception.send(sender=None, request=request)
    return problem_response(
        request, status=500, detail=_("Something went wrong on our side. Try again later.")
    )


# --- Headers, HEAD and OPTIONS, 405 -------------------------------------------------------------


def open_data(view):
    """Wrap one of the API's views: HEAD answers as GET without a body, OPTIONS (a CORS
    preflight) answers what is allowed, any other method is a 405 problem, and every answer
    below 500 carries the open-data headers."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            del response["Content-Type"]
            response["Allow"] = ALLOWED_METHODS
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method in ("GET", "HEAD"):
            head = request.method == "HEAD"
            request.method = "GET"  # ninja's routes are GET; a HEAD is that without the body
            response = view(request, *args, **kwargs)
            if head:
                request.method = "HEAD"
                response.content = b""
        else:
            response = problem_response(
                request,
                status=405,
                detail=_("This API is read-only: use GET."),
            )
            response["Allow"] = ALLOWED_METHODS
        if response.status_code < 500:
            for name, value in OPEN_DATA_HEADERS.items():
                response[name] = value
        return response

    wrapper.csrf_exempt = True
    return wrapper


@open_data
def unknown_path(request: HttpRequest, rest: str = ""):
    """Anything under /api/v1/ that is not a route: a 404 problem, not the site's HTML page."""
    return problem_response(request, status=404, detail=_("There is nothing at this address."))


@open_data
def api_root(request: HttpRequest):
    """/api/v1/ itself: people go to the docs page."""
    return HttpResponseRedirect(reverse("api_v1_docs"))


def api_urlpatterns() -> list[URLPattern]:
    """ninja's URL patterns, each view wrapped in `open_data`, the root sent to the docs."""
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if pattern.name == "api-root":
            pattern.callback = api_root
        else:
            pattern.callback = open_data(pattern.callback)
    return patterns


# --- The docs page -----------------------------------------------------------------------------


def _type_html(schema: dict) -> SafeString:
    """A JSON schema's type in words, other schemas linked: "array of <a>Topic</a>",
    "string (date) or null"."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return format_html('<a href="#schema-{}">{}</a>', name, name)
    if "anyOf" in schema:
        return mark_safe(" or ".join(_type_html(option) for option in schema["anyOf"]))  # noqa: S308
    if "enum" in schema:
        return format_html(
            "one of {}",
            format_html_join(", ", "<code>{}</code>", ((value,) for value in schema["enum"])),
        )
    kind = schema.get("type", "any")
    if kind == "array":
        return format_html("array of {}", _type_html(schema.get("items", {})))
    if "format" in schema:
        return format_html("{} ({})", kind, schema["format"])
    return format_html("{}", kind)


def _prose_html(text: str) -> SafeString:
    """A description from the code: escaped, with `backticks` as code."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))  # noqa: S308


def _limits(schema: dict) -> str:
    words = []
    for key, text in (
        ("minimum", _("at least %s")),
        ("maximum", _("at most %s")),
        ("maxLength", _("up to %s characters")),
        ("pattern", _("matching %s")),
    ):
        if key in schema:
            words.append(text % schema[key])
    if "default" in schema and schema["default"] is not None:
        words.append(_("default %s") % schema["default"])
    return ", ".join(words)


def _response_schema_name(response: dict) -> str:
    for media in response.get("content", {}).values():
        return media["schema"].get("$ref", "").rsplit("/", 1)[-1]
    return ""


def docs_context(schema: dict) -> dict:
    """The description, arranged for the docs page: each operation with its parameters and
    responses, then each schema with its fields."""
    operations = []
    for route, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": route,
                    "anchor": operation["operationId"],
                    "summary": operation.get("summary", ""),
                    "description": _prose_html(operation.get("description", "")),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": _type_html(parameter["schema"]),
                            "limits": _limits(parameter["schema"]),
                            "description": _prose_html(
                                parameter.get("description", "")
                                or parameter["schema"].get("description", "")
                            ),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "responses": [
                        {
                            "status": status,
                            "description": response["description"],
                            "content_type": next(iter(response.get("content", {})), ""),
                            "type": _response_schema_name(response),
                        }
                        for status, response in operation["responses"].items()
                    ],
                }
            )
    components = schema["components"]["schemas"]
    # Only the bodies responses use (ninja also lists the query parameters' models).
    shown, waiting = set(), [r["type"] for o in operations for r in o["responses"]]
    while waiting:
        name = waiting.pop()
        if name in components and name not in shown:
            shown.add(name)
            waiting.extend(re.findall(r"#/components/schemas/(\w+)", json.dumps(components[name])))
    schemas = []
    for name, component in components.items():
        if name not in shown:
            continue
        required = set(component.get("required", []))
        schemas.append(
            {
                "name": name,
                "description": _prose_html(component.get("description", "")),
                "fields": [
                    {
                        "name": field_name,
                        "type": _type_html(field_schema),
                        "required": field_name in required,
                        "description": _prose_html(field_schema.get("description", "")),
                    }
                    for field_name, field_schema in component.get("properties", {}).items()
                ],
            }
        )
    return {"info": schema["info"], "operations": operations, "schemas": schemas}


@require_safe
def api_docs(request: HttpRequest):
    """The API described for people, on the site's own layout, from the same description as
    openapi.json: no script, so it works under the Content-Security-Policy."""
    schema = api.get_openapi_schema()
    context = docs_context(schema) | {
        "openapi_url": reverse("api_v1:openapi-json"),
        "old_urls": OLD_URLS_DOC,
        "sunset": SUNSET,
    }
    return render(request, "engagement/api/docs.html", context)


# --- The old URLs --------------------------------------------------------------------------------


def deprecated(successor: str):
    """A view for an old URL: a permanent redirect (308: the method is kept) to `successor`,
    the v1 route's name, with `Deprecation`, `Sunset` and `Link` headers (and, through
    `open_data`, the open-data headers, HEAD, OPTIONS and 405), so a script following
    redirects keeps working and its owner can see why."""

    @open_data
    def view(request: HttpRequest, **kwargs):
        url = request.build_absolute_uri(reverse(successor, kwargs=kwargs))
        if request.GET:
            url += "?" + request.GET.urlencode()
        response = HttpResponsePermanentRedirect(url)
        response.status_code = 308
        response["Deprecation"] = "true"
        response["Sunset"] = SUNSET
        docs = request.build_absolute_uri(reverse("api_v1_docs"))
        response["Link"] = f'<{url}>; rel="successor-version", <{docs}>; rel="deprecation"'
        return response

    return view


OLD_URLS_DOC = [
    ("/api/consultations/<id>/results/", "/api/v1/consultations/<id>/results"),
    ("/api/decisions/", "/api/v1/decisions"),
    ("/api/decisions/<id>/", "/api/v1/decisions/<id>"),
]

old_urlpatterns = [
    path(
        "api/consultations/<int:consultation_id>/results/",
        deprecated("api_v1:consultation_results"),
        name="api_consultation_results",
    ),
    path("api/decisions/", deprecated("api_v1:decision_list"), name="api_decision_list"),
    path(
        "api/decisions/<int:decision_id>/",
        deprecated("api_v1:decision_detail"),
        name="api_decision_detail",
    ),
]

# Mounted at the site's root by coproduce/urls.py.
urlpatterns = [
    path("api/v1/docs", api_docs, name="api_v1_docs"),
    path("api/v1/", (api_urlpatterns(), "ninja", "api_v1")),
    # (?s:…): any character, line breaks too (a plain `.` stops at one, and such an address
    # fell through to the site's HTML page).
    re_path(r"^api/v1/(?P<rest>(?s:.*))$", unknown_path),
]
