"""Keeping and deleting a passport. Consent first: nothing is kept without it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.privacy import PRIVACY_NOTICE_VERSION

from .models import EQUALITY_FIELDS, TICKED_NEEDS, EqualityAnswers, Passport


class ConsentRequired(Exception):
    pass


# What `passport_save` accepts besides the ticks.
TEXT_FIELDS = (
    "interpreter_language",
    "dietary",
    "other_needs",
    "contact_method",
    "contact_format",
    "payment_preference",
)


@transaction.atomic
def passport_save(*, user, needs, consent: bool = False, **fields) -> Passport:
    """Create or update the person's passport. A new passport needs their consent, recorded
    with the privacy notice's version; the ticks are the keys in `needs`."""
    passport = Passport.objects.select_for_update().filter(user=user).first()
    if passport is None:
        if not consent:
            raise ConsentRequired(_("Consent to keep your passport is needed."))
        passport = Passport(
            user=user,
            privacy_notice_version=PRIVACY_NOTICE_VERSION,
            consent_given_at=timezone.now(),
        )
    needs = set(needs)
    for key in TICKED_NEEDS:
        setattr(passport, key, key in needs)
    for key in TEXT_FIELDS:
        if key in fields:
            setattr(passport, key, (fields[key] or "").strip())
    if not passport.interpreter:
        passport.interpreter_language = ""
    passport.save()
    return passport


def passport_delete(*, user) -> bool:
    """Withdraw consent: the passport goes at once. Live rooms forget what was shared from it
    (their receiver on the delete)."""
    deleted, _ = Passport.objects.filter(user=user).delete()
    return bool(deleted)


# --- The "about you" section (equality monitoring) --------------------------------------------


@transaction.atomic
def equality_answers_save(*, user, consent: bool = False, **answers) -> EqualityAnswers:
    """Keep or change the person's answers to the equality monitoring questions. The first
    time needs their consent to this section's own purpose (used only for counts of groups of
    people), recorded with the privacy notice's version. A question left out or empty is
    skipped; "prefer_not" is an answer."""
    kept = EqualityAnswers.objects.select_for_update().filter(user=user).first()
    if kept is None:
        if not consent:
            raise ConsentRequired(_("Consent to keep your answers about you is needed."))
        kept = EqualityAnswers(
            user=user,
            privacy_notice_version=PRIVACY_NOTICE_VERSION,
            consent_given_at=timezone.now(),
        )
    for name in EQUALITY_FIELDS:
        setattr(kept, name, (answers.get(name) or "").strip())
    kept.full_clean(exclude=["user"])
    kept.save()
    return kept


def equality_answers_delete(*, user) -> bool:
    """Withdraw the consent: the answers are deleted at once, and stop counting in every
    group's figures, past years' too."""
    deleted, _count = EqualityAnswers.objects.filter(user=user).delete()
    return bool(deleted)
