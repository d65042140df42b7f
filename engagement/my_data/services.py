"""A person's data is theirs: download everything held about them, or erase it.

Both are lists of explicit steps. A feature that stores personal data adds its own step to
`EXPORT_SECTIONS` and `ERASURE_STEPS` (with a test), so nothing is forgotten when it grows."""

import re
from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from coproduce.notifications.models import NotificationPreference, OutgoingEmail
from coproduce.passport import selectors as passport_selectors
from coproduce.passport import services as passport_services
from coproduce.passport.models import EQUALITY_PURPOSE, NEEDS_BY_KEY
from deliberation.models import CONTACT_IN_FORMAT, RoomEvent, SessionAttendance
from engagement.consultations.models import Answer, Response
from engagement.decisions.models import (
    Contest,
    DecisionEmail,
    DecisionPage,
    DecisionRating,
    MinorityView,
    Notification,
    RatingCommentReport,
    SignOffResponse,
    Theme,
    sign_off_task_states,
)
from engagement.profiles.models import (
    ExpertProfile,
    ExpressionOfInterest,
    Invitation,
    PaymentClaim,
    ProfileConsent,
)

FORMER_MEMBER = "Former member"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value) -> str:
    return f"{value:.2f}"


# --- Download my data ------------------------------------------------------------------------


def _export_account(user) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
    }


def _export_profile(user) -> dict[str, Any] | None:
    profile = (
        ExpertProfile.objects.filter(user=user)
        .prefetch_related("experience_areas", "skills", "localities", "languages")
        .first()
    )
    if profile is None:
        return None
    return {
        "display_name": profile.display_name,
        "bio": profile.bio,
        "experience_areas": [term.name for term in profile.experience_areas.all()],
        "other_experience": profile.other_experience,
        "skills": [term.name for term in profile.skills.all()],
        "localities": [term.name for term in profile.localities.all()],
        "languages": [term.name for term in profile.languages.all()],
        "availability": profile.availability,
        "availability_notes": profile.availability_notes,
        "preferred_formats": profile.preferred_formats,
        "visibility": profile.visibility,
        "show_involvement_record": profile.show_involvement_record,
        "created_at": _iso(profile.created_at),
        "updated_at": _iso(profile.updated_at),
    }


def _export_consents(user) -> list[dict[str, Any]]:
    return [
        {
            "purpose": consent.purpose,
            "what": str(consent.get_purpose_display()),
            "privacy_notice_version": consent.privacy_notice_version,
            "given_at": _iso(consent.given_at),
            "withdrawn_at": _iso(consent.withdrawn_at),
        }
        for consent in ProfileConsent.objects.filter(user=user).order_by("given_at", "pk")
    ]


def _export_interests(user) -> list[dict[str, Any]]:
    return [
        {
            "opportunity": interest.opportunity.title,
            "message": interest.message,
            "created_at": _iso(interest.created_at),
            # The optional answers given for a draw by lottery, if any.
            "lottery_answers": (
                {
                    "age_band": answers.age_band,
                    "disability": answers.disability,
                    "ethnicity": answers.ethnicity,
                    "area": answers.area.name if answers.area else "",
                    "consented_at": _iso(answers.consented_at),
                }
                if (answers := getattr(interest, "lottery_answers", None))
                else None
            ),
        }
        for interest in ExpressionOfInterest.objects.filter(profile__user=user).select_related(
            "opportunity", "lottery_answers__area"
        )
    ]


def _export_invitations(user) -> list[dict[str, Any]]:
    return [
        {
            "opportunity": invitation.opportunity.title,
            "message": invitation.message,
            "status": invitation.status,
            "created_at": _iso(invitation.created_at),
            "responded_at": _iso(invitation.responded_at),
        }
        for invitation in Invitation.objects.filter(profile__user=user).select_related(
            "opportunity"
        )
    ]


def _export_claims(user) -> list[dict[str, Any]]:
    return [
        {
            "opportunity": claim.opportunity.title,
            # The session the claim was made for from the room's record, and the hours it
            # filled in (the session's length), when it was.
            "session": {
                "title": claim.session.title,
                "group": claim.session.group.name,
                "scheduled_at": _iso(claim.session.scheduled_at),
            }
            if claim.session_id
            else None,
            "prefilled_hours": _money(claim.prefilled_hours)
            if claim.prefilled_hours is not None
            else None,
            "worked_on": _iso(claim.worked_on),
            "description": claim.description,
            "hours": _money(claim.hours),
            "hourly_rate": _money(claim.hourly_rate),
            "payment_choice": claim.payment_choice,
            "fee": _money(claim.fee),
            "expenses_amount": _money(claim.expenses_amount),
            "expenses_description": claim.expenses_description,
            "status": claim.status,
            "query_note": claim.query_note,
            "created_at": _iso(claim.created_at),
        }
        for claim in PaymentClaim.objects.filter(claimant=user).select_related(
            "opportunity", "session__group"
        )
    ]


def _export_consultation_responses(user) -> list[dict[str, Any]]:
    responses = (
        Response.objects.filter(respondent=user)
        .select_related("consultation")
        .prefetch_related("answers__question", "answers__choice")
    )
    return [
        {
            "consultation": response.consultation.title,
            "reference": response.reference,
            "status": response.status,
            "submitted_at": _iso(response.submitted_at),
            "email_for_updates": response.email,
            # Saved for later but not fitting their question yet: kept as typed, never counted.
            "unfinished_answers": response.unfinished_answers,
            "answers": [
                {
                    "question": answer.question.text,
                    "choice": answer.choice.label if answer.choice_id else None,
                    "number": answer.number,
                    "text": answer.text,
                }
                for answer in response.answers.all()
            ],
        }
        for response in responses
    ]


def _export_room_contributions(user) -> list[dict[str, Any]]:
    events = RoomEvent.objects.filter(actor=user, type="contribution.created").select_related(
        "session"
    )
    return [
        {
            "session": event.session.title,
            "at": _iso(event.created_at),
            "text": event.payload.get("text", ""),
        }
        for event in events
    ]


def _export_session_attendance(user) -> list[dict[str, Any]]:
    return [
        {
            "session": attendance.session.title,
            "attending": attendance.attending,
            # Which needs from the involvement passport were shared with its facilitators.
            "shared_with_facilitators": [
                str(NEEDS_BY_KEY[key].label)
                for key in attendance.shared_needs
                if key in NEEDS_BY_KEY
            ],
            # Whether they asked to be contacted before it in their format (audio or BSL).
            "contact_before_in_my_format": CONTACT_IN_FORMAT in attendance.shared_needs,
        }
        for attendance in SessionAttendance.objects.filter(user=user).select_related("session")
    ]


def _export_session_places(user) -> list[dict[str, Any]]:
    return [
        {"session": attendance.session.title, "place": attendance.get_place_display()}
        for attendance in SessionAttendance.objects.filter(user=user)
        .exclude(place="")
        .select_related("session")
    ]


def _export_email_choices(user) -> dict[str, Any]:
    preference = NotificationPreference.objects.filter(user=user).first()
    if preference is None:
        return {}
    return {
        field.name: getattr(preference, field.name)
        for field in NotificationPreference._meta.concrete_fields
        if field.name not in {"id", "user"}
    }


def _export_emails(user) -> list[dict[str, Any]]:
    return [
        {
            "subject": email.subject,
            "to": email.to,
            "stored": _iso(email.created_at),
            "sent": _iso(email.sent_at) if email.sent_at else None,
        }
        for email in OutgoingEmail.objects.filter(user=user).order_by("created_at")
    ]


def _export_passport(user) -> dict[str, Any] | None:
    passport = passport_selectors.passport_for(user=user)
    if passport is None:
        return None
    return {
        "needs": [str(need.label) for need in passport.needs if not need.is_text],
        "interpreter_language": passport.interpreter_language,
        "dietary": passport.dietary,
        "other_needs": passport.other_needs,
        "contact_method": str(passport.get_contact_method_display()),
        "contact_format": str(passport.get_contact_format_display()),
        "payment_preference": str(passport.get_payment_preference_display()),
        "privacy_notice_version": passport.privacy_notice_version,
        "consent_given_at": _iso(passport.consent_given_at),
        "updated_at": _iso(passport.updated_at),
    }


def _export_equality_answers(user) -> dict[str, Any] | None:
    # The passport's "about you" section: the person's own answers, which nobody else sees.
    answers = passport_selectors.equality_answers_for(user=user)
    if answers is None:
        return None
    return {
        "answers": [
            {"question": question, "answer": answer or None}
            for question, answer in answers.described()
        ],
        "purpose": str(EQUALITY_PURPOSE),
        "privacy_notice_version": answers.privacy_notice_version,
        "consent_given_at": _iso(answers.consent_given_at),
        "updated_at": _iso(answers.updated_at),
    }


def _export_decision_ratings(user) -> list[dict[str, Any]]:
    return [
        {"decision": rating.decision.title, "score": rating.score, "comment": rating.comment}
        for rating in DecisionRating.objects.filter(user=user).select_related("decision")
    ]


def _export_rating_reports(user) -> list[dict[str, Any]]:
    return [
        {
            "decision": report.rating.decision.title,
            "reason": report.get_reason_display(),
            "reported_at": _iso(report.created_at),
        }
        for report in RatingCommentReport.objects.filter(reporter=user).select_related(
            "rating__decision"
        )
    ]


def _export_decision_contests(user) -> list[dict[str, Any]]:
    return [
        {
            "decision": contest.decision.title,
            "about": contest.about,
            "point": contest.item_text,
            "reason": contest.reason,
            "answer": contest.answer,
        }
        for contest in Contest.objects.filter(user=user).select_related("decision")
    ]


def _export_decision_sign_offs(user) -> list[dict[str, Any]]:
    return [
        {
            "decision": response.decision.title,
            "answer": response.verdict,
            "comment": response.comment,
            "named": response.named,
            "at": _iso(response.created_at),
        }
        for response in SignOffResponse.objects.filter(user=user).select_related("decision")
    ]


EXPORT_SECTIONS: list[tuple[str, Callable[[Any], Any]]] = [
    ("account", _export_account),
    ("rating_comment_reports", _export_rating_reports),
    ("expertise_profile", _export_profile),
    ("consents", _export_consents),
    ("involvement_passport", _export_passport),
    ("equality_monitoring_answers", _export_equality_answers),
    ("expressions_of_interest", _export_interests),
    ("invitations", _export_invitations),
    ("payment_claims", _export_claims),
    ("consultation_responses", _export_consultation_responses),
    ("room_contributions", _export_room_contributions),
    ("session_attendance", _export_session_attendance),
    ("decision_ratings", _export_decision_ratings),
    ("decision_contests", _export_decision_contests),
    ("decision_sign_offs", _export_decision_sign_offs),
    ("session_places", _export_session_places),
    ("email_choices", _export_email_choices),
    ("emails", _export_emails),
]


def person_export(*, user) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data, one section per kind of record."""
    data: dict[str, Any] = {"exported_at": _iso(timezone.now())}
    for name, export in EXPORT_SECTIONS:
        data[name] = export(user)
    return data


# --- Delete my account -----------------------------------------------------------------------


def _erase_profile(user, identifiers: list[str]) -> None:
    # Interests and invitations go with the profile (cascade): they are about the person.
    ExpertProfile.objects.filter(user=user).delete()
    ProfileConsent.objects.filter(user=user).delete()


def _scrub_claims(user, identifiers: list[str]) -> None:
    # Claims are finance records and stay, attributed to the anonymised account; words others
    # wrote about the person in them lose the person's name and email.
    claims = PaymentClaim.objects.filter(Q(claimant=user) | Q(recorded_by=user))
    for claim in claims:
        changed = False
        for field_name in ("description", "expenses_description", "query_note"):
            text = getattr(claim, field_name)
            for identifier in identifiers:
                scrubbed = _replace_case_insensitive(text, identifier, FORMER_MEMBER)
                changed = changed or scrubbed != text
                text = scrubbed
            setattr(claim, field_name, text)
        if changed:
            claim.save(update_fields=["description", "expenses_description", "query_note"])


def _replace_case_insensitive(text: str, old: str, new: str) -> str:
    # Whole words only, so erasing "Sam" leaves "samples" alone.
    return re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new, text, flags=re.IGNORECASE)


def _scrub_contributions(user, identifiers: list[str]) -> None:
    # Answers, room contributions and ratings stay (they shaped decisions), attributed to the
    # anonymised account; the person's own name and email leave them, and so does the email
    # they gave for updates on a consultation. Unfinished answers (saved for later, never
    # counted) shaped nothing, so they go altogether.
    Response.objects.filter(respondent=user).update(
        email="", wants_updates=False, unfinished_answers={}
    )
    for answer in Answer.objects.filter(response__respondent=user).exclude(text=""):
        text = _scrub(answer.text, identifiers)
        if text != answer.text:
            answer.text = text
            answer.save(update_fields=["text"])
    for event in RoomEvent.objects.filter(actor=user, type="contribution.created"):
        text = event.payload.get("text", "")
        scrubbed = _scrub(text, identifiers)
        if scrubbed != text:
            event.payload = {**event.payload, "text": scrubbed}
            event.save(update_fields=["payload"])
    for rating in DecisionRating.objects.filter(user=user).exclude(comment=""):
        comment = _scrub(rating.comment, identifiers)
        if comment != rating.comment:
            rating.comment = comment
            rating.save(update_fields=["comment"])
    # Contests and sign-offs stay too (they are the evidence for a decision's level), without
    # the person's name: a sign-off they chose to sign by name is shown by role from now on.
    for contest in Contest.objects.filter(user=user):
        reason = _scrub(contest.reason, identifiers)
        if reason != contest.reason:
            contest.reason = reason
            contest.save(update_fields=["reason"])
    SignOffResponse.objects.filter(user=user).update(named=False)
    for response in SignOffResponse.objects.filter(user=user).exclude(comment=""):
        comment = _scrub(response.comment, identifiers)
        if comment != response.comment:
            response.comment = comment
            response.save(update_fields=["comment"])


def _scrub_json(value, identifiers: list[str]):
    """Every string in a stored JSON value (a page revision, a log entry), scrubbed."""
    if isinstance(value, str):
        return _scrub(value, identifiers)
    if isinstance(value, list):
        return [_scrub_json(item, identifiers) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_json(item, identifiers) for key, item in value.items()}
    return value


def _scrub_rows(queryset, field_names: tuple[str, ...], identifiers: list[str]) -> None:
    # An UPDATE per changed row, not save(): a page's save() would validate and log it.
    for row in queryset.only("pk", *field_names):
        changes = {}
        for field_name in field_names:
            old = getattr(row, field_name)
            new = _scrub_json(old, identifiers)
            if new != old:
                changes[field_name] = new
        if changes:
            type(row)._base_manager.filter(pk=row.pk).update(**changes)


def _scrub_decision_voice(user, identifiers: list[str]) -> None:
    # Issue 14's evidence stays (it is what proves a decision's level), without the person's
    # name: on the decisions the person signed off, dissented from, contested or was coded
    # into a theme of, their name leaves every text others read or the record keeps. A dissent
    # recorded by name ("Sam Oduya, a member of the co-production group") becomes "Former
    # member, …", in the published minority view and in every stored revision of the page;
    # so do the commissioner's answers, theme notes, and Wagtail's own copies of sign-off
    # comments (task states and page history).
    decision_ids = (
        set(SignOffResponse.objects.filter(user=user).values_list("decision_id", flat=True))
        | set(Contest.objects.filter(user=user).values_list("decision_id", flat=True))
        | set(
            Theme.objects.filter(
                Q(codes__answer__response__respondent=user) | Q(codes__contribution__actor=user)
            ).values_list("decision_id", flat=True)
        )
    )
    if not decision_ids:
        return
    _scrub_rows(
        DecisionPage.objects.filter(pk__in=decision_ids),
        ("changes_answer", "update_note", "involvement_justification", "why", "summary"),
        identifiers,
    )
    _scrub_rows(
        MinorityView.objects.filter(decision__in=decision_ids),
        ("view", "held_by", "response"),
        identifiers,
    )
    _scrub_rows(Contest.objects.filter(user=user), ("reason", "answer"), identifiers)
    _scrub_rows(
        SignOffResponse.objects.filter(decision__in=decision_ids),
        ("comment", "answer"),
        identifiers,
    )
    _scrub_rows(
        Theme.objects.filter(decision__in=decision_ids), ("name", "description"), identifiers
    )
    page_ids = [str(pk) for pk in decision_ids]
    _scrub_rows(
        sign_off_task_states().filter(workflow_state__object_id__in=page_ids),
        ("comment",),
        identifiers,
    )
    _scrub_rows(Revision.page_revisions.filter(object_id__in=page_ids), ("content",), identifiers)
    _scrub_rows(PageLogEntry.objects.filter(page_id__in=decision_ids), ("data",), identifiers)


def _erase_needs_and_notices(user, identifiers: list[str]) -> None:
    # Access needs are special-category data: the passport and every choice to share from it
    # are gone, and so are the passport's "about you" answers (ethnicity, disability). So are
    # the person's notices and the record of where decision emails went.
    passport_services.passport_delete(user=user)
    passport_services.equality_answers_delete(user=user)
    SessionAttendance.objects.filter(user=user).update(shared_needs=[])
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    # Emails still owed to the person are not sent; those sent keep no address or content.
    OutgoingEmail.objects.filter(Q(user=user) | Q(to__in=identifiers)).delete()
    DecisionEmail.objects.filter(Q(user=user) | Q(email__in=identifiers)).update(
        email=f"former-member-{user.pk}@erased.invalid"
    )


def _scrub(text: str, identifiers: list[str]) -> str:
    for identifier in identifiers:
        text = _replace_case_insensitive(text, identifier, FORMER_MEMBER)
    return text


def _erase_sessions(user, identifiers: list[str]) -> None:
    # Sign the person out everywhere. Session rows only hold the user id, but an old session
    # must not keep an erased account signed in.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


def _erase_account(user, identifiers: list[str]) -> None:
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"former-member-{user.pk}@erased.invalid"
    user.display_name = FORMER_MEMBER
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


ERASURE_STEPS: list[Callable[[Any, list[str]], None]] = [
    _erase_profile,
    _scrub_claims,
    _scrub_contributions,
    _scrub_decision_voice,
    _erase_needs_and_notices,
    _erase_sessions,
    _erase_account,  # last: the steps before it may need the original identifiers
]


def _identifiers(user) -> list[str]:
    names = {user.email, user.display_name, user.first_name, user.last_name}
    names.update(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    names.update(ExpertProfile.objects.filter(user=user).values_list("display_name", flat=True))
    full_name = f"{user.first_name} {user.last_name}".strip()
    names.add(full_name)
    # Longest first, so "Sam Whitfield" is replaced before "Sam".
    return sorted((n for n in names if n and len(n) > 1), key=len, reverse=True)


@transaction.atomic
def person_erase(*, user) -> None:
    """Erase the person's personal data. What they contributed stays, attributed to "Former
    member"; the account can no longer be used. Runs every step in `ERASURE_STEPS` in one
    transaction, so a failure erases nothing rather than half."""
    identifiers = _identifiers(user)
    for step in ERASURE_STEPS:
        step(user, identifiers)
