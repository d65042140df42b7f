"""One id per request, in the response header, every log line and the error page.

nginx sends `X-Request-ID` (its `$request_id`, also in its access log); a request that arrives
without one, or with one that is not a plain token, gets a new id here.
"""

import contextvars
import logging
import re
import uuid

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
_current = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    """The id of the request being handled in this context, or "" outside a request."""
    return _current.get()


def request_id_from(value: str | None) -> str:
    """The proxy's id when it is a plain token, else a new random one."""
    if value and _VALID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: sets `request.request_id` and the context every log line reads,
    and echoes the id in the response's `X-Request-ID` (error responses included)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def _start(self, request) -> contextvars.Token:
        request.request_id = request_id_from(request.headers.get(HEADER))
        return _current.set(request.request_id)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        token = self._start(request)
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            return response
        finally:
            _current.reset(token)

    async def __acall__(self, request):
        token = self._start(request)
        try:
            response = await self.get_response(request)
            response[HEADER] = request.request_id
            return response
        finally:
            _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every log record ("-" outside a request).

    Django logs a 4xx or 5xx response (`django.request`) after the middleware has returned, so
    the id is read from the request the record carries when it carries one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current_request_id() or "-"
        return True
