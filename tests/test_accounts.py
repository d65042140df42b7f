"""Accounts: sign up, verify email, log in, log in by code, password reset, admin access."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from coproduce.accounts import roles

pytestmark = pytest.mark.django_db
PASSWORD = "a long and memorable passphrase"


def _link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_verify_email_then_log_in(client, home_page):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.person@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.person@example.org")
    assert user.groups.filter(name=roles.PARTICIPANT).exists()
    assert not EmailAddress.objects.get(user=user).verified

    # Unverified: logging in sends the person back to verify.
    client.logout()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    confirm_url = _link_in(mail.outbox[-1])
    client.post(confirm_url)
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_errors_use_the_error_summary_and_keep_the_email(client, home_page):
    response = client.post(
        reverse("account_signup"),
        {"email": "kept@example.org", "password1": "short", "password2": "different"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html
    assert "There is a problem" in html
    assert 'value="kept@example.org"' in html
    assert 'aria-describedby="id_password1-hint id_password1-error"' in html


def test_log_in_with_a_one_time_code(client, participant):
    response = client.post(reverse("account_request_login_code"), {"email": participant.email})
    assert response.status_code == 302
    code = re.search(
        r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE
    ).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(participant.pk)


def test_account_emails_are_signed_with_the_organisation_name(client, participant):
    from wagtail.models import Site

    from coproduce.home.models import OrganisationSettings

    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.organisation_name = "Northshire Health and Care Partnership"
    organisation.save()
    client.post(reverse("account_request_login_code"), {"email": participant.email})
    body = mail.outbox[-1].body
    assert "From Northshire Health and Care Partnership" in body
    assert "testserver" not in body


def test_a_wrong_code_does_not_log_in(client, participant):
    response = client.post(reverse("account_request_login_code"), {"email": participant.email})
    client.post(response["Location"], {"code": "WRONG1"})
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, participant):
    client.post(reverse("account_reset_password"), {"email": participant.email})
    reset_url = _link_in(mail.outbox[-1])
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    new = "another long passphrase here"
    client.post(form_url, {"password1": new, "password2": new})
    participant.refresh_from_db()
    assert participant.check_password(new)


def test_log_out(client, participant):
    client.force_login(participant)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_email_login_ignores_case(client, participant):
    client.post(
        reverse("account_login"),
        {"login": participant.email.upper(), "password": "correct horse battery staple"},
    )
    assert client.session["_auth_user_id"] == str(participant.pk)


def test_email_is_unique_whatever_the_case(participant):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create_user(email=participant.email.upper(), password="x")


@pytest.mark.parametrize(
    ("role", "can_use_admin"),
    [
        (roles.PARTICIPANT, False),
        (roles.EXPERT, False),
        # Facilitators manage their co-production groups and sessions there (deliberation).
        (roles.FACILITATOR, True),
        (roles.SUPPORT_WORKER, False),
        (roles.COMMISSIONER, True),
        (roles.EDITOR, True),
    ],
)
def test_admin_access_follows_the_role(client, role_user, role, can_use_admin):
    client.force_login(role_user(role))
    response = client.get("/admin/")
    assert (response.status_code == 200) is can_use_admin


def test_admin_login_is_the_site_sign_in_and_a_superuser_gets_in(client, home_page):
    root = get_user_model().objects.create_superuser(email="root@example.org", password=PASSWORD)
    # One sign-in form: like everyone, a superuser made at the command line verifies the address.
    EmailAddress.objects.create(user=root, email=root.email, verified=True, primary=True)
    response = client.get("/admin/login/")
    assert response["Location"] == reverse("account_login") + "?next=/admin/"
    response = client.post(
        response["Location"], {"login": "root@example.org", "password": PASSWORD}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_roles_exist_as_groups():
    from django.contrib.auth.models import Group

    assert set(roles.ALL_ROLES) <= set(Group.objects.values_list("name", flat=True))
