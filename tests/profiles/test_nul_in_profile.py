"""A NUL character typed into a profile is a form error (Django's CharField refuses it), not a
500 from PostgreSQL, and nothing is stored."""

import pytest

from coproduce.accounts import roles
from engagement.models import ExpertProfile
from tests.profiles.test_profile_editing import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["bio", "display_name", "other_experience"])
def test_a_nul_in_a_profile_field_is_a_form_error(client, role_user, term, field):
    user = role_user(roles.EXPERT, display_name="Sam")
    client.force_login(user)
    response = client.post("/profiles/me/edit/", form_data(term, **{field: "I chair\x00 meetings"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Null characters are not allowed." in html
    assert not ExpertProfile.objects.filter(user=user).exists()
