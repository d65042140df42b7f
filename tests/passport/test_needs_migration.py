"""Migration passport 0002 moves access needs kept in two places (a profile's words, each
session attendance's ticked codes and words) into one involvement passport per person, and back
again: tested both ways on a real database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.migrations import back_to_latest_after, latest, migrate

# PostgreSQL only: on SQLite, unapplying deliberation 0007 copies the attendance table without
# the columns of a parallel branch that stays applied (tests/migrations.py says how).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres"),
]

BEFORE = [
    ("passport", "0001_passport"),
    ("deliberation", "0006_attendance_shared_needs"),
    ("engagement", "0008_response_unfinished_answers"),
]
PROFILE_WORDS = "Step-free access, and papers a week ahead."
SESSION_WORDS = "My carer Jo comes with me."


def test_needs_move_into_passports_and_back():
    both = factories.ExpertProfileFactory(display_name="Ama")  # profile words and a session
    session_only = factories.UserFactory(display_name="Ben")
    not_shared = factories.UserFactory(display_name="Cai")
    no_consent = factories.ExpertProfileFactory(display_name="Dee")
    session = factories.SessionFactory()
    later = factories.SessionFactory(group=session.group)
    with back_to_latest_after():
        old = migrate(BEFORE)
        Profile = old.get_model("engagement", "ExpertProfile")
        Consent = old.get_model("engagement", "ProfileConsent")
        Attendance = old.get_model("deliberation", "SessionAttendance")
        given = timezone.now() - timedelta(days=30)
        Consent.objects.create(
            user_id=both.user_id,
            purpose="access_needs",
            privacy_notice_version="2026-11",
            given_at=given,
        )
        Profile.objects.filter(pk=both.pk).update(access_needs=PROFILE_WORDS)
        Profile.objects.filter(pk=no_consent.pk).update(access_needs="Kept without consent")
        Attendance.objects.create(
            session_id=session.pk,
            user_id=both.user_id,
            support_needs=["bsl_interpreter", "captions", "unknown-code"],
            other_needs=SESSION_WORDS,
            share_needs=True,
        )
        Attendance.objects.create(
            session_id=later.pk,
            user_id=session_only.pk,
            support_needs=["interpreter", "carer"],
            other_needs=SESSION_WORDS,
            share_needs=True,
        )
        Attendance.objects.create(
            session_id=session.pk, user_id=not_shared.pk, support_needs=[], share_needs=False
        )

        new = migrate(latest())
        Passport = new.get_model("passport", "Passport")
        Attendance = new.get_model("deliberation", "SessionAttendance")
        Profile = new.get_model("engagement", "ExpertProfile")
        passports = {p.user_id: p for p in Passport.objects.all()}
        assert set(passports) == {both.user_id, session_only.pk}
        ama = passports[both.user_id]
        assert (ama.bsl_interpreter, ama.live_captions, ama.interpreter) == (True, True, False)
        assert ama.other_needs == f"{PROFILE_WORDS}\n\n{SESSION_WORDS}"
        assert ama.consent_given_at == given  # the earliest consent
        assert ama.privacy_notice_version == "2026-11"
        ben = passports[session_only.pk]
        assert (ben.interpreter, ben.carer_attending, ben.interpreter_language) == (
            True,
            True,
            "",
        )
        assert ben.other_needs == SESSION_WORDS
        shared = {a.user_id: a.shared_needs for a in Attendance.objects.all()}
        # Ama's words merged with her profile's: not shared without her choosing again.
        assert shared[both.user_id] == ["bsl_interpreter", "live_captions"]
        assert shared[session_only.pk] == ["interpreter", "carer_attending", "other_needs"]
        assert shared[not_shared.pk] == []
        field_names = {f.name for f in Profile._meta.get_fields()}
        assert "access_needs" not in field_names

        old = migrate(BEFORE)
        Profile = old.get_model("engagement", "ExpertProfile")
        Attendance = old.get_model("deliberation", "SessionAttendance")
        assert not old.get_model("passport", "Passport").objects.exists()
        profiles = dict(Profile.objects.values_list("pk", "access_needs"))
        # Migrating forward left the profile without consent alone; its column then went,
        # so backward it comes back empty.
        assert profiles[no_consent.pk] == ""
        assert profiles[both.pk] == f"{PROFILE_WORDS}\n\n{SESSION_WORDS}"
        rows = {
            a.user_id: (a.support_needs, a.other_needs, a.share_needs)
            for a in Attendance.objects.all()
        }
        assert rows[both.user_id] == (["bsl_interpreter", "captions"], "", True)
        assert rows[session_only.pk] == (["interpreter", "carer"], SESSION_WORDS, True)
        assert rows[not_shared.pk] == ([], "", False)
