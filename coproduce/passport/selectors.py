"""Reading passports."""

from django.db.models import Count

from .models import EQUALITY_FIELDS, EqualityAnswers, Passport


def passport_for(*, user) -> Passport | None:
    """This person's passport, or None when they keep none."""
    if not user.is_authenticated:
        return None
    return Passport.objects.filter(user=user).first()


def passports_by_user(*, user_ids) -> dict[int, Passport]:
    return {p.user_id: p for p in Passport.objects.filter(user_id__in=list(user_ids))}


def equality_answers_for(*, user) -> EqualityAnswers | None:
    """This person's own answers about themselves, or None when they keep none."""
    if not user.is_authenticated:
        return None
    return EqualityAnswers.objects.filter(user=user).first()


def equality_answer_counts(*, user_ids) -> dict[str, dict[str, int]]:
    """How many of these people gave each answer, question by question (skipped questions are
    left out): counts only, for comparisons that go through disclosure control. Nobody's
    answers leave this function one by one. `user_ids` may be a queryset of ids (one grouped
    query per question)."""
    base = EqualityAnswers.objects.filter(user_id__in=user_ids)
    return {
        name: {
            row[name]: row["n"]
            for row in base.exclude(**{name: ""}).values(name).annotate(n=Count("pk")).order_by()
        }
        for name in EQUALITY_FIELDS
    }
