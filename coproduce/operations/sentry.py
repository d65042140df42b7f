"""Error and slow-request reports to Sentry, with personal data taken out before sending.

Citizens' emails, names, free text and access needs must not leave the site in an error report.
Sentry collects no personal data by default (no local variables, no request bodies), and
every event still passes through `scrub_event`, which keeps only what finds a fault: the URL
path, the user's numeric id, the exception's type and stack, and the request id.
"""

import datetime
import re

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

from .request_id import current_request_id

EMAIL = re.compile(r"[^\s@<>()\"',;:]+@[^\s@<>()\"',;:]+\.[A-Za-z]{2,}")
# Request headers worth keeping; cookies, tokens and everything else are dropped.
KEPT_HEADERS = {"host", "user-agent", "x-request-id", "x-forwarded-proto", "accept", "referer"}
# Field names whose values are personal or free text wherever they appear in an event.
PERSONAL_KEYS = [
    "email",
    "name",
    "first_name",
    "last_name",
    "full_name",
    "display_name",
    "text",
    "answer",
    "comment",
    "bio",
    "summary",
    "reason",
    "access_needs",
    "other_needs",
    "dietary",
    "interpreter_language",
    "shared_needs",
    "phone",
    "address",
    "postcode",
    "date_of_birth",
]
_scrubber = EventScrubber(denylist=DEFAULT_DENYLIST + PERSONAL_KEYS, recursive=True)


def _without_emails(value):
    return EMAIL.sub("[email]", value) if isinstance(value, str) else value


def scrub_event(event: dict) -> dict:
    """Remove personal data from a Sentry event (error or transaction); returns the event."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
        if "url" in request:
            request["url"] = request["url"].split("?", 1)[0]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = _without_emails(exception.get("value"))
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # The message template stays; the values formatted into it may be anyone's words.
        logentry.pop("params", None)
        logentry.pop("formatted", None)
        logentry["message"] = _without_emails(logentry.get("message"))
    if "message" in event:
        event["message"] = _without_emails(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in values or []:
        crumb.pop("data", None)
        if crumb.get("category") != "query":  # SQL is sent without parameters
            crumb.pop("message", None)
    _scrubber.scrub_event(event)
    event.setdefault("tags", {})
    if current_request_id():
        event["tags"]["request_id"] = current_request_id()
    return event


def before_send(event, hint):
    return scrub_event(event)


def _moment(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.UTC)
    return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def slow_transactions_only(threshold: datetime.timedelta):
    """A `before_send_transaction` that sends only requests slower than `threshold`."""

    def before_send_transaction(event, hint):
        try:
            start = _moment(event["start_timestamp"])
            end = _moment(event["timestamp"])
        except (KeyError, ValueError):
            return scrub_event(event)
        if end - start < threshold:
            return None
        return scrub_event(event)

    return before_send_transaction


def init_sentry(
    *,
    dsn: str,
    environment: str,
    release: str | None,
    traces_sample_rate: float,
    slow_after: datetime.timedelta,
    **options,
) -> None:
    """Start reporting errors and slow transactions to `dsn`, with personal data removed.

    `options` go to `sentry_sdk.init` as they are (the tests pass a `transport`)."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(transaction_style="url")],
        # Personal data collection stays at the SDK's default, off (`send_default_pii`, now
        # deprecated in favour of `data_collection`, is left unset so neither warns).
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
        before_send_transaction=slow_transactions_only(slow_after),
        **options,
    )
