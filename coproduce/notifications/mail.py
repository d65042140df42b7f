"""The one way the product sends email: `send_email` stores the email in the caller's
transaction and queues the background task once that commits. Nothing here sends inside a
request, and a rolled-back change announces nothing."""

from collections.abc import Iterable

from django.db import transaction

from .kinds import TRANSACTIONAL, Kind
from .models import OutgoingEmail
from .services import Attachment, email_store
from .tasks import send_outgoing_email

__all__ = ["TRANSACTIONAL", "Attachment", "Kind", "send_email"]


def send_email(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    user=None,
    attachments: Iterable[Attachment] = (),
    dedupe_key: str | None = None,
) -> OutgoingEmail | None:
    """Owe `to` an email of this kind; sent by a background task after commit. Returns the
    stored row, or None if the person turned this kind off (or `dedupe_key` was used before)."""
    email = email_store(
        kind=kind,
        to=to,
        subject=subject,
        body=body,
        user=user,
        attachments=attachments,
        dedupe_key=dedupe_key,
    )
    if email is not None and not email.held_for_digest:
        email_id = email.pk
        transaction.on_commit(lambda: send_outgoing_email.enqueue(email_id=email_id))
    return email
