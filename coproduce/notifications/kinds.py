"""The kinds of email the product sends, and which preference switches each off. No model
imports: every feature may name a kind."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """Every email people can stop carries one of these kinds, in its one-click unsubscribe
    link and `List-Unsubscribe` header (RFC 8058)."""

    DECISIONS = "decisions", _("decisions on things you took part in")
    INVITATIONS = "invitations", _("invitations to take part")
    REMINDERS = "reminders", _("reminders before sessions")
    SESSIONS = "sessions", _("your places at sessions (registration, waiting list, changes)")
    CLAIMS = "claims", _("your involvement payment claims")
    RECEIPTS = "receipts", _("receipts for responses you send")
    DIGEST = "digest", _("the weekly digest")


# The preference field that turns each kind of email off. The digest's link stops the digest
# and every kind it gathers (people who asked for a digest wanted fewer emails, not more).
PREFERENCE_FIELD = {
    Kind.DECISIONS: "decision_emails",
    Kind.INVITATIONS: "invitation_emails",
    Kind.REMINDERS: "reminder_emails",
    Kind.SESSIONS: "session_emails",
    Kind.CLAIMS: "claim_emails",
    Kind.RECEIPTS: "receipt_emails",
}

# Kinds that a weekly digest gathers instead of sending one by one. Reminders and changes to a
# session someone is coming to are time-bound, so they are always sent when due.
DIGESTIBLE = frozenset({Kind.DECISIONS, Kind.INVITATIONS, Kind.CLAIMS, Kind.RECEIPTS})

# Emails a person asked for a moment ago (a link to finish a response, sign-in codes, password
# resets) or that go to the organisation, not to a person (a request for another format). They
# carry no unsubscribe link: stopping them would stop the thing the person just asked for.
TRANSACTIONAL = "transactional"
