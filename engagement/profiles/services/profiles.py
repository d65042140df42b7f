"""Write paths for expertise profiles and consent."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from coproduce.passport import services as passport_services
from engagement.profiles.models import (
    PRIVACY_NOTICE_VERSION,
    ExperienceArea,
    ExpertProfile,
    Language,
    Locality,
    PreferredFormat,
    ProfileConsent,
    Skill,
)


class ConsentRequired(Exception):
    """The person has not agreed to what they are asking to do."""


def _search_text(profile: ExpertProfile) -> str:
    # Access needs are deliberately left out: the directory must never match on them.
    parts = [profile.display_name, strip_tags(profile.bio), profile.other_experience]
    for related in ("experience_areas", "skills", "localities", "languages"):
        parts.extend(term.name for term in getattr(profile, related).all())
    return " ".join(part for part in parts if part)


def consent_give(*, user, purpose: str) -> ProfileConsent:
    """Record consent for `purpose` under the current privacy notice. Idempotent: a consent
    already in force is returned as it is."""
    with transaction.atomic():
        existing = (
            ProfileConsent.objects.select_for_update()
            .filter(user=user, purpose=purpose, withdrawn_at__isnull=True)
            .first()
        )
        if existing:
            return existing
        return ProfileConsent.objects.create(
            user=user,
            purpose=purpose,
            privacy_notice_version=PRIVACY_NOTICE_VERSION,
            given_at=timezone.now(),
        )


@transaction.atomic
def consent_withdraw(*, user, purpose: str) -> None:
    """Withdraw consent. What it covered stops at once: withdrawing the profile consent makes
    the profile visible to the person only; withdrawing the access needs consent deletes the
    access needs. The consent record stays, marked withdrawn."""
    now = timezone.now()
    ProfileConsent.objects.filter(user=user, purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    if purpose == ProfileConsent.Purpose.PROFILE:
        ExpertProfile.objects.filter(user=user).update(
            visibility=ExpertProfile.Visibility.PRIVATE, updated_at=now
        )
    elif purpose == ProfileConsent.Purpose.ACCESS_NEEDS:
        # Access needs now live in the involvement passport (coproduce.passport).
        passport_services.passport_delete(user=user)


@transaction.atomic
def profile_save(
    *,
    user,
    display_name: str,
    bio: str = "",
    experience_areas: Iterable[ExperienceArea] = (),
    other_experience: str = "",
    skills: Iterable[Skill] = (),
    localities: Iterable[Locality] = (),
    languages: Iterable[Language] = (),
    availability: Iterable[str] = (),
    availability_notes: str = "",
    preferred_formats: Iterable[str] = (),
    visibility: str = ExpertProfile.Visibility.PRIVATE,
    show_involvement_record: bool = False,
    consent_to_profile: bool = False,
) -> ExpertProfile:
    """Create or update the person's expertise profile.

    Keeping a profile needs consent, recorded here; so do access needs (without that consent
    they are not stored). The bio is stored as typed and cleaned on output."""
    has_profile_consent = ProfileConsent.objects.filter(
        user=user, purpose=ProfileConsent.Purpose.PROFILE, withdrawn_at__isnull=True
    ).exists()
    if consent_to_profile:
        consent_give(user=user, purpose=ProfileConsent.Purpose.PROFILE)
    elif not has_profile_consent:
        raise ConsentRequired(_("Consent to keep a profile is needed."))

    availability = set(availability)
    valid_formats = set(PreferredFormat.values)
    profile, _created = ExpertProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"display_name": display_name}
    )
    profile.display_name = display_name
    profile.bio = bio
    profile.other_experience = other_experience
    profile.available_weekday_daytime = "weekday_daytime" in availability
    profile.available_weekday_evenings = "weekday_evenings" in availability
    profile.available_weekends = "weekends" in availability
    profile.availability_notes = availability_notes
    profile.preferred_formats = [f for f in preferred_formats if f in valid_formats]
    profile.visibility = visibility
    profile.show_involvement_record = show_involvement_record
    profile.save()
    profile.experience_areas.set(experience_areas)
    profile.skills.set(skills)
    profile.localities.set(localities)
    profile.languages.set(languages)
    profile.search_text = _search_text(profile)
    profile.save(update_fields=["search_text"])
    return profile


def profile_refresh_search_text(*, profile: ExpertProfile) -> None:
    """Rebuild what the directory searches, e.g. after an Editor renames a taxonomy term."""
    profile.search_text = _search_text(profile)
    profile.save(update_fields=["search_text"])
