"""The header leads each person to the parts of this feature their role uses."""

import pytest

from coproduce.accounts import roles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (None, ["Opportunities"], ["Your profile", "Find experts", "Claims"]),
        (roles.PARTICIPANT, ["Opportunities"], ["Your profile", "Find experts", "Claims"]),
        (roles.EXPERT, ["Opportunities", "Your profile"], ["Find experts", "Claims"]),
        (roles.FACILITATOR, ["Opportunities", "Find experts", "Claims"], ["Your profile"]),
        (roles.COMMISSIONER, ["Opportunities", "Find experts", "Claims"], ["Your profile"]),
    ],
)
def test_header_links_by_role(client, role_user, role, expected, absent):
    if role:
        client.force_login(role_user(role))
    header = client.get("/opportunities/").content.decode().split("</header>")[0]
    for label in expected:
        assert f">{label}</a>" in header, label
    for label in absent:
        assert f">{label}</a>" not in header, label
