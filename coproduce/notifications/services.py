"""Storing, sending and stopping emails. Features call `coproduce.notifications.mail.send_email`
(which stores the row here and queues the task); the task calls `outgoing_email_send`."""

import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.passport.models import ContactFormat, Passport

from .kinds import DIGESTIBLE, PREFERENCE_FIELD, TRANSACTIONAL, Kind
from .models import EmailSuppression, NotificationPreference, OutgoingEmail

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "coproduce.notifications.unsubscribe"
# After this many failed tries an email is given up (and logged as an error): about a day with
# the back-off below.
MAX_ATTEMPTS = 8


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 ... minutes, at most 4 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


# --- Preferences ------------------------------------------------------------------------------


def preference_for(*, user) -> NotificationPreference:
    """A person's choices (unsaved defaults if they never chose)."""
    if user is None or not user.is_authenticated:
        return NotificationPreference()
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def preference_set(*, user, **choices: bool) -> NotificationPreference:
    """Save some of a person's choices (the names are NotificationPreference's fields)."""
    allowed = {*PREFERENCE_FIELD.values(), "weekly_digest"}
    unknown = set(choices) - allowed
    if unknown:
        raise ValueError(f"Unknown preferences: {sorted(unknown)}")
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={name: bool(value) for name, value in choices.items()}
    )
    return preference


def _account_for(email: str):
    return get_user_model().objects.filter(email__iexact=email).first()


def email_wanted(*, kind: str, to: str, user=None) -> bool:
    """Whether this kind of email may go to this address (transactional emails always may)."""
    if kind == TRANSACTIONAL:
        return True
    user = user or _account_for(to)
    if kind == Kind.DIGEST:
        return user is not None and preference_for(user=user).weekly_digest
    if user is not None:
        return getattr(preference_for(user=user), PREFERENCE_FIELD[kind])
    return not EmailSuppression.objects.filter(email__iexact=to, kind=kind).exists()


def _digest_wanted(*, kind: str, user) -> bool:
    return kind in DIGESTIBLE and user is not None and preference_for(user=user).weekly_digest


# --- Unsubscribing ----------------------------------------------------------------------------


def unsubscribe_token(*, email: str, kind: str) -> str:
    """A signed token naming an address and a kind. It never expires: an unsubscribe link in
    an old email must still work (RFC 8058 asks for that)."""
    return signing.dumps([email.lower(), str(kind)], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, email: str, kind: str) -> str:
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token(email=email, kind=kind)])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@dataclass(frozen=True)
class UnsubscribeRequest:
    email: str
    kind: Kind


def unsubscribe_read(token: str) -> UnsubscribeRequest | None:
    """What a token asks to stop, or None if it was not made by us (or names no known kind)."""
    try:
        email, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in Kind.values or not isinstance(email, str):
        return None
    return UnsubscribeRequest(email=email, kind=Kind(kind))


@transaction.atomic
def unsubscribe(request: UnsubscribeRequest) -> None:
    """Stop this kind of email to this address. Idempotent: doing it twice changes nothing."""
    user = _account_for(request.email)
    if user is not None:
        if request.kind == Kind.DIGEST:
            # Someone who asked for fewer emails and now wants none of the digest's kinds.
            preference_set(
                user=user,
                weekly_digest=False,
                **{PREFERENCE_FIELD[kind]: False for kind in DIGESTIBLE},
            )
        else:
            preference_set(user=user, **{PREFERENCE_FIELD[request.kind]: False})
        # Held emails of a kind now stopped are left out of the digest when it is built.
        return
    try:
        with transaction.atomic():
            EmailSuppression.objects.create(email=request.email, kind=request.kind)
    except IntegrityError:
        pass  # already stopped


# --- Storing and sending ----------------------------------------------------------------------


def email_store(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    user=None,
    attachments: Iterable[Attachment] = (),
    dedupe_key: str | None = None,
) -> OutgoingEmail | None:
    """Store an email owed to `to`. Returns None if the person turned this kind off, or (with
    a `dedupe_key`) if it was stored before. Held for the weekly digest if they chose one."""
    if not to or not email_wanted(kind=kind, to=to, user=user):
        return None
    user = user or (None if kind == TRANSACTIONAL else _account_for(to))
    fields = {
        "kind": kind,
        "to": to,
        "user": user,
        "subject": subject[:300],
        "body": body,
        "attachments": [
            {"filename": a.filename, "content": a.content, "mimetype": a.mimetype}
            for a in attachments
        ],
        "dedupe_key": dedupe_key,
        "held_for_digest": _digest_wanted(kind=kind, user=user),
    }
    if dedupe_key is None:
        return OutgoingEmail.objects.create(**fields)
    try:
        with transaction.atomic():
            return OutgoingEmail.objects.create(**fields)
    except IntegrityError:
        return None


# --- The person's format -----------------------------------------------------------------------

# The large print alternative's type sizes, in points: body text at 18pt, headings larger.
# Tests parse the HTML for these numbers.
LARGE_PRINT_BODY_PT = 18
LARGE_PRINT_HEADING_PT = 24


def contact_format_for(*, to: str, user=None) -> str:
    """The format this person asked for in their involvement passport (standard without one).
    One query: by the account when known, else by the address."""
    if user is not None:
        found = Passport.objects.filter(user=user)
    else:
        found = Passport.objects.filter(user__email__iexact=to)
    return found.values_list("contact_format", flat=True).first() or ContactFormat.STANDARD


def _paragraphs(text: str) -> list[list[str]]:
    """Plain text as paragraphs (split at blank lines) of lines."""
    return [
        [line.strip() for line in block.splitlines() if line.strip()]
        for block in re.split(r"\n\s*\n", text.strip())
        if block.strip()
    ]


def large_print_html(
    *, subject: str, body: str, unsubscribe_url: str = "", kind_label: str = ""
) -> str:
    """The large print alternative of a plain text email: the same words in 18pt type, black
    on white, one column, the subject as the heading and web addresses as links."""
    return render_to_string(
        "notifications/email_large_print.html",
        {
            "subject": subject,
            "paragraphs": _paragraphs(body),
            "url": unsubscribe_url,
            "kind_label": kind_label,
            "body_pt": LARGE_PRINT_BODY_PT,
            "heading_pt": LARGE_PRINT_HEADING_PT,
            "small_heading_pt": LARGE_PRINT_BODY_PT + 2,
        },
    )


def email_message(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    attachments: Iterable[dict] = (),
    connection=None,
    user=None,
    contact_format: str | None = None,
) -> EmailMultiAlternatives:
    """The message as sent: with a one-click unsubscribe link in the text and the
    `List-Unsubscribe` / `List-Unsubscribe-Post` headers (RFC 8058), unless transactional.
    Every email is built here, so this is the one place that follows the person's format:
    for large print it carries an HTML alternative in large type beside the plain text
    (`contact_format`, when not given, is read from the passport of `user` or of the
    address)."""
    headers = {}
    url = ""
    text = body
    if kind != TRANSACTIONAL:
        url = unsubscribe_url(email=to, kind=kind)
        text = render_to_string(
            "notifications/email_footer.txt",
            {"body": body.rstrip(), "url": url, "kind_label": Kind(kind).label},
        )
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=headers, connection=connection
    )
    if contact_format is None:
        contact_format = contact_format_for(to=to, user=user)
    if contact_format == ContactFormat.LARGE_PRINT:
        message.attach_alternative(
            large_print_html(
                subject=subject,
                body=body,
                unsubscribe_url=url,
                kind_label=str(Kind(kind).label) if url else "",
            ),
            "text/html",
        )
    for attachment in attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


@dataclass(frozen=True)
class SendOutcome:
    sent: bool
    retry_after: timedelta | None = None


def outgoing_email_send(*, email_id: int) -> SendOutcome:
    """Send one stored email, once. A failure is logged, counted and given back for the next
    try (`retry_after` says when); after MAX_ATTEMPTS it is given up and logged as an error."""
    claim = uuid.uuid4().hex
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, sent_at__isnull=True, gave_up_at__isnull=True, held_for_digest=False
    ).update(sent_at=timezone.now(), claim=claim)
    if not claimed:
        return SendOutcome(sent=False)  # sent already, held for the digest, or given up
    email = OutgoingEmail.objects.get(pk=email_id)
    if not email_wanted(kind=email.kind, to=email.to, user=email.user):
        # Turned off between storing and sending: keep the row as handled, send nothing.
        OutgoingEmail.objects.filter(pk=email_id).update(last_error="stopped by the person")
        return SendOutcome(sent=False)
    try:
        with get_connection() as connection:
            email_message(
                kind=email.kind,
                to=email.to,
                subject=email.subject,
                body=email.body,
                attachments=email.attachments,
                connection=connection,
                user=email.user,
            ).send()
    except Exception as error:
        attempts = email.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS
        OutgoingEmail.objects.filter(pk=email_id, claim=claim).update(
            sent_at=None,
            claim="",
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            gave_up_at=timezone.now() if gave_up else None,
        )
        if gave_up:
            logger.error(
                "Gave up sending email %s (%s) after %s attempts",
                email_id,
                email.kind,
                attempts,
                exc_info=True,
            )
            return SendOutcome(sent=False)
        logger.warning(
            "Could not send email %s (%s), attempt %s; will retry",
            email_id,
            email.kind,
            attempts,
            exc_info=True,
        )
        return SendOutcome(sent=False, retry_after=retry_delay(attempts))
    return SendOutcome(sent=True)


def pending_email_ids(*, older_than: timedelta = timedelta(minutes=1)) -> list[int]:
    """Emails still owed (not sent, not held, not given up), for the periodic sweep that
    catches a task that never ran or a retry whose time has come."""
    cutoff = timezone.now() - older_than
    return list(
        OutgoingEmail.objects.filter(
            sent_at__isnull=True,
            gave_up_at__isnull=True,
            held_for_digest=False,
            created_at__lte=cutoff,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


# --- The weekly digest ------------------------------------------------------------------------


def digest_build(*, user, now=None) -> OutgoingEmail | None:
    """Gather a person's held emails into one digest email (stored, to be sent by the task).
    The held rows are marked digested in the same transaction, so each goes out once."""
    now = now or timezone.now()
    with transaction.atomic():
        held = list(
            OutgoingEmail.objects.select_for_update()
            .filter(user=user, held_for_digest=True, digested_at__isnull=True)
            .order_by("created_at", "pk")
        )
        wanted = [e for e in held if email_wanted(kind=e.kind, to=e.to, user=user)]
        OutgoingEmail.objects.filter(pk__in=[e.pk for e in held]).update(digested_at=now)
        if not wanted:
            return None
        body = render_to_string("notifications/digest.txt", {"emails": wanted})
        return OutgoingEmail.objects.create(
            kind=Kind.DIGEST,
            to=user.email,
            user=user,
            subject=_("Your weekly update: %(count)s new") % {"count": len(wanted)},
            body=body,
        )


def digest_recipients() -> list:
    return list(
        get_user_model()
        .objects.filter(
            pk__in=OutgoingEmail.objects.filter(
                held_for_digest=True, digested_at__isnull=True
            ).values("user_id")
        )
        .order_by("pk")
    )
