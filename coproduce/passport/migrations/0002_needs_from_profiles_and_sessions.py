"""Move the access needs kept in two places into one involvement passport per person.

Forward:
- a profile's `access_needs` text (kept under the "access needs" consent) goes to the passport's
  "anything else" words, and leaves the profile;
- a session attendance's ticked `support_needs` codes become the passport's ticks, and its
  `other_needs` words join the passport's "anything else";
- what an attendance had shared becomes its `shared_needs`, need by need. Its words are shared
  only when they are the passport's only words (otherwise one session's facilitators would read
  what the person told another session, or their profile).
A passport's consent is the earliest of the access needs consent and the attendances that shared.

Backward: the ticks and words go back to the attendances that share them and the words to the
profile (when its access needs consent is in force); the passports made here are deleted.
"""

from django.db import migrations

# The old per-session codes and the passport field each became.
CODE_TO_FIELD = {
    "bsl_interpreter": "bsl_interpreter",
    "interpreter": "interpreter",
    "captions": "live_captions",
    "easy_read": "easy_read",
    "large_print": "large_print",
    "breaks": "breaks",
    "carer": "carer_attending",
}
FIELD_TO_CODE = {field: code for code, field in CODE_TO_FIELD.items()}
PRIVACY_NOTICE_VERSION = "2026-11"


def _join(texts):
    seen = []
    for text in texts:
        text = (text or "").strip()
        if text and text not in seen:
            seen.append(text)
    return "\n\n".join(seen)


def forward(apps, schema_editor):
    Passport = apps.get_model("passport", "Passport")
    ExpertProfile = apps.get_model("engagement", "ExpertProfile")
    ProfileConsent = apps.get_model("engagement", "ProfileConsent")
    SessionAttendance = apps.get_model("deliberation", "SessionAttendance")

    people = {}  # user id -> {"consent": datetime, "codes": set, "texts": [], "profile": text}

    consents = {
        c.user_id: c.given_at
        for c in ProfileConsent.objects.filter(purpose="access_needs", withdrawn_at__isnull=True)
    }
    for profile in ExpertProfile.objects.exclude(access_needs="").order_by("pk"):
        if profile.user_id not in consents or not profile.access_needs.strip():
            continue  # never kept without consent: leave it where it is
        person = people.setdefault(profile.user_id, {"consents": [], "codes": set(), "texts": []})
        person["consents"].append(consents[profile.user_id])
        person["texts"].append(profile.access_needs)
        person["profile"] = profile.pk

    shared = SessionAttendance.objects.filter(share_needs=True).order_by("updated_at", "pk")
    for attendance in shared:
        codes = {c for c in attendance.support_needs if c in CODE_TO_FIELD}
        if not codes and not attendance.other_needs.strip():
            continue
        person = people.setdefault(attendance.user_id, {"consents": [], "codes": set(), "texts": []})
        person["consents"].append(attendance.updated_at)
        person["codes"] |= codes
        person["texts"].append(attendance.other_needs)

    for user_id, person in people.items():
        other = _join(person["texts"])
        Passport.objects.update_or_create(
            user_id=user_id,
            defaults={
                **{CODE_TO_FIELD[code]: True for code in person["codes"]},
                "other_needs": other,
                "privacy_notice_version": PRIVACY_NOTICE_VERSION,
                "consent_given_at": min(person["consents"]),
            },
        )
        if "profile" in person:
            ExpertProfile.objects.filter(pk=person["profile"]).update(access_needs="")

    words = {p.user_id: p.other_needs for p in Passport.objects.all()}
    for attendance in shared:
        keys = [CODE_TO_FIELD[c] for c in attendance.support_needs if c in CODE_TO_FIELD]
        own = attendance.other_needs.strip()
        if own and words.get(attendance.user_id) == own:
            keys.append("other_needs")
        attendance.shared_needs = keys
        attendance.save(update_fields=["shared_needs"])


def backward(apps, schema_editor):
    Passport = apps.get_model("passport", "Passport")
    ExpertProfile = apps.get_model("engagement", "ExpertProfile")
    ProfileConsent = apps.get_model("engagement", "ProfileConsent")
    SessionAttendance = apps.get_model("deliberation", "SessionAttendance")

    passports = {p.user_id: p for p in Passport.objects.all()}
    for attendance in SessionAttendance.objects.exclude(shared_needs=[]):
        passport = passports.get(attendance.user_id)
        if passport is None:
            continue
        keys = set(attendance.shared_needs)
        attendance.support_needs = [
            FIELD_TO_CODE[field]
            for field in FIELD_TO_CODE
            if field in keys and getattr(passport, field)
        ]
        attendance.other_needs = passport.other_needs if "other_needs" in keys else ""
        attendance.share_needs = True
        attendance.shared_needs = []
        attendance.save(
            update_fields=["support_needs", "other_needs", "share_needs", "shared_needs"]
        )
    consented = set(
        ProfileConsent.objects.filter(
            purpose="access_needs", withdrawn_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    for user_id, passport in passports.items():
        if user_id in consented and passport.other_needs:
            ExpertProfile.objects.filter(user_id=user_id, access_needs="").update(
                access_needs=passport.other_needs
            )
    Passport.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("passport", "0001_passport"),
        ("deliberation", "0006_attendance_shared_needs"),
        ("engagement", "0008_response_unfinished_answers"),
    ]

    operations = [migrations.RunPython(forward, backward)]
