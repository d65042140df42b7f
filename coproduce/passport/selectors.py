"""Reading passports."""

from .models import Passport


def passport_for(*, user) -> Passport | None:
    """This person's passport, or None when they keep none."""
    if not user.is_authenticated:
        return None
    return Passport.objects.filter(user=user).first()


def passports_by_user(*, user_ids) -> dict[int, Passport]:
    return {p.user_id: p for p in Passport.objects.filter(user_id__in=list(user_ids))}
