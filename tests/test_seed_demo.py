"""`manage.py seed_demo`: realistic content, one verified account per role, safe to run again.

Seeding the whole demo takes a while (hundreds of consultation responses go through the real
services), so each test here seeds as few times as its behaviour needs."""

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from coproduce.accounts import roles
from engagement.profiles.selectors import sessions_to_claim

pytestmark = pytest.mark.django_db

DEMO_ROLES = [
    ("participant@example.org", roles.PARTICIPANT),
    ("expert@example.org", roles.EXPERT),
    ("facilitator@example.org", roles.FACILITATOR),
    ("commissioner@example.org", roles.COMMISSIONER),
    ("editor@example.org", roles.EDITOR),
]


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_twice_leaves_the_same_row_counts_and_prints_a_password_once(capsys):
    call_command("seed_demo")
    assert "Password for the demo accounts:" in capsys.readouterr().out
    first = _row_counts()

    call_command("seed_demo")
    assert "Passwords unchanged" in capsys.readouterr().out
    second = _row_counts()
    changed = {
        label: (first[label], second[label]) for label in first if first[label] != second[label]
    }
    assert changed == {}


def test_one_verified_demo_account_per_role_and_the_demo_pages_work(client):
    call_command("seed_demo", password="demo password 2")
    for email, role in DEMO_ROLES:
        user = get_user_model().objects.get(email=email)
        assert user.groups.filter(name=role).exists(), email
        assert EmailAddress.objects.get(user=user).verified, email
        response = client.post("/accounts/login/", {"login": email, "password": "demo password 2"})
        assert response.status_code == 302, email
        client.logout()
    for path in ["/", "/about-co-production/", "/accessibility-statement/", "/privacy-notice/"]:
        assert client.get(path).status_code == 200, path
    # The demo expert took part in the group's past session, paid at the group's rate: the
    # claims page offers to claim for it from attendance.
    expert = get_user_model().objects.get(email="expert@example.org")
    [to_claim] = sessions_to_claim(user=expert)
    assert to_claim.opportunity is not None and to_claim.hours > 0


def test_the_demo_shows_its_progress_keeps_emails_quiet_and_links_follow_the_address(
    capsys, settings, tmp_path
):
    settings.BASE_DIR = tmp_path
    call_command("seed_demo", password="demo password 3", address="http://127.0.0.1:8100")
    out = capsys.readouterr().out
    assert "Demo content 1 of 6: accounts, one per role" in out
    assert "Subject:" not in out  # no email in the terminal
    assert "emails; they are in" in out
    assert "Open http://127.0.0.1:8100/ in a browser.\nDemo accounts" in out
    emails = (tmp_path / "demo-emails.txt").read_text()
    assert "http://127.0.0.1:8100/decisions/" in emails
    assert "http://localhost/" not in emails
