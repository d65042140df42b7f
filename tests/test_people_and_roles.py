"""Editors give and take roles in the admin (People and roles), and nothing above their own:
no administrator rights, no other groups."""

import pytest
from django.contrib.auth.models import Group

from coproduce.accounts import roles

pytestmark = pytest.mark.django_db


def _roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_an_editor_finds_people_and_roles_in_the_admin_settings_menu(client, editor):
    client.force_login(editor)
    admin = client.get("/admin/").content.decode()
    assert "People and roles" in admin
    people = client.get("/admin/people/")
    assert people.status_code == 200
    assert editor.email in people.content.decode()


def test_an_editor_gives_a_role_and_takes_it_away(client, editor, participant):
    client.force_login(editor)
    url = f"/admin/people/{participant.pk}/roles/"
    reply = client.post(url, {"roles": [roles.PARTICIPANT, roles.COMMISSIONER]})
    assert reply.status_code == 302
    assert _roles(participant) == {roles.PARTICIPANT, roles.COMMISSIONER}
    assert participant.has_perm("engagement.post_opportunity")

    client.post(url, {"roles": [roles.PARTICIPANT]})
    participant = type(participant).objects.get(pk=participant.pk)
    assert _roles(participant) == {roles.PARTICIPANT}
    assert not participant.has_perm("engagement.post_opportunity")


def test_nothing_above_an_editors_own_role_can_be_given(client, editor, participant):
    other = Group.objects.create(name="Site administrators")
    client.force_login(editor)
    url = f"/admin/people/{participant.pk}/roles/"
    reply = client.post(url, {"roles": [other.name], "is_superuser": "on"})
    assert reply.status_code == 200
    assert "Choose from the roles given." in reply.content.decode()
    participant.refresh_from_db()
    assert not participant.is_superuser
    assert _roles(participant) == {roles.PARTICIPANT}


def test_an_editor_cannot_take_away_their_own_editor_role(client, editor):
    client.force_login(editor)
    reply = client.post(f"/admin/people/{editor.pk}/roles/", {"roles": [roles.PARTICIPANT]})
    assert reply.status_code == 200
    assert "Ask another editor" in reply.content.decode()
    assert roles.EDITOR in _roles(editor)


@pytest.mark.parametrize("role", [roles.COMMISSIONER, roles.FACILITATOR])
def test_other_admin_roles_cannot_give_roles(client, role_user, participant, role):
    client.force_login(role_user(role))
    assert "People and roles" not in client.get("/admin/").content.decode()
    # The admin's own refusal: back to the dashboard with "Sorry, you do not have permission".
    refused = client.get("/admin/people/")
    assert (refused.status_code, refused.url) == (302, "/admin/")
    reply = client.post(f"/admin/people/{participant.pk}/roles/", {"roles": [roles.EDITOR]})
    assert (reply.status_code, reply.url) == (302, "/admin/")
    assert roles.EDITOR not in _roles(participant)
