"""The managed taxonomy: seeded by a data migration, managed by Editors as Wagtail snippets."""

import pytest

from coproduce.accounts import roles
from engagement.models import ExperienceArea, Language, Locality, Skill
from engagement.profiles.selectors import directory_search
from engagement.profiles.wagtail_hooks import refresh_directory_after_term_edit
from tests import factories

pytestmark = pytest.mark.django_db


def test_migration_seeds_starting_values():
    assert (
        ExperienceArea.objects.filter(
            slug__in=["personal-health-budgets", "continuing-healthcare", "mental-health", "carer"]
        ).count()
        == 4
    )
    assert Skill.objects.filter(slug="recruitment-panels").exists()
    assert (
        Locality.objects.filter(kind="icb").exists() and Locality.objects.filter(kind="la").exists()
    )
    assert Language.objects.filter(name="British Sign Language").exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(roles.EDITOR, True), (roles.COMMISSIONER, False), (roles.EXPERT, False)],
)
def test_editors_manage_the_taxonomy_in_the_admin(client, role_user, role, allowed):
    client.force_login(role_user(role))
    response = client.get("/admin/snippets/engagement/experiencearea/")
    if allowed:
        assert response.status_code == 200
        assert "Personal health budgets" in response.content.decode()
        add = client.post(
            "/admin/snippets/engagement/experiencearea/add/",
            {"name": "Brain injury", "slug": "brain-injury", "description": ""},
        )
        assert add.status_code == 302
        assert ExperienceArea.objects.filter(slug="brain-injury").exists()
    else:
        assert response.status_code in (302, 403)


def test_renaming_a_term_refreshes_directory_search(role_user, term):
    area = term("dementia")
    factories.ExpertProfileFactory(display_name="Tara", experience_areas=[area])
    area.name = "Memory loss and dementia"
    area.save()
    refresh_directory_after_term_edit(None, area)
    viewer = role_user(roles.COMMISSIONER)
    assert [p.display_name for p in directory_search(viewer=viewer, query="memory")] == ["Tara"]
