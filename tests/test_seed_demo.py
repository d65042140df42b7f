"""`manage.py seed_demo`: realistic content, one verified account per role, safe to run again."""

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from coproduce.accounts import roles

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_twice_leaves_the_same_row_counts(capsys):
    call_command("seed_demo", password="demo password 1")
    first = _row_counts()
    call_command("seed_demo")
    second = _row_counts()
    changed = {
        label: (first[label], second[label]) for label in first if first[label] != second[label]
    }
    assert changed == {}


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("participant@example.org", roles.PARTICIPANT),
        ("expert@example.org", roles.EXPERT),
        ("facilitator@example.org", roles.FACILITATOR),
        ("commissioner@example.org", roles.COMMISSIONER),
        ("editor@example.org", roles.EDITOR),
    ],
)
def test_one_verified_demo_account_per_role_with_the_given_password(client, email, role):
    call_command("seed_demo", password="demo password 2")
    user = get_user_model().objects.get(email=email)
    assert user.groups.filter(name=role).exists()
    assert EmailAddress.objects.get(user=user).verified
    response = client.post("/accounts/login/", {"login": email, "password": "demo password 2"})
    assert response.status_code == 302


def test_without_a_password_one_random_password_is_printed_once(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    assert "Password for the demo accounts:" in first
    call_command("seed_demo")
    assert "Passwords unchanged" in capsys.readouterr().out


def test_demo_pages_are_published_and_reachable(client):
    call_command("seed_demo", password="x")
    for path in ["/", "/about-co-production/", "/accessibility-statement/", "/privacy-notice/"]:
        assert client.get(path).status_code == 200, path
