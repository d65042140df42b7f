"""The directory: words search (PostgreSQL full-text where available), filters, pagination, and
a query count that does not grow with the number of profiles shown."""

import pytest
from django.db import connection

from coproduce.accounts import roles
from engagement.profiles.selectors import directory_search
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commissioner(role_user):
    return role_user(roles.COMMISSIONER)


@pytest.fixture
def people(term):
    return {
        "amara": factories.ExpertProfileFactory(
            display_name="Amara",
            bio="<p>I manage a personal health budget for my wheelchair.</p>",
            experience_areas=[term("personal-health-budgets")],
            skills=[term("chairing-meetings")],
            localities=[term("northshire-county-council")],
            languages=[term("english")],
            available_weekday_daytime=True,
        ),
        "idris": factories.ExpertProfileFactory(
            display_name="Idris",
            bio="<p>Deaf. I train staff in deaf awareness.</p>",
            experience_areas=[term("sensory-impairment")],
            skills=[term("training-and-teaching")],
            localities=[term("eastbridge-city-council")],
            languages=[term("british-sign-language")],
            available_weekday_evenings=True,
        ),
        "chloe": factories.ExpertProfileFactory(
            display_name="Chloe",
            bio="<p>I cared for my mum through dementia.</p>",
            experience_areas=[term("carer"), term("dementia")],
            skills=[term("recruitment-panels")],
            localities=[term("northshire-county-council")],
            languages=[term("english")],
            available_weekends=True,
        ),
    }


def names(profiles) -> set[str]:
    return {profile.display_name for profile in profiles}


def test_words_find_bio_and_taxonomy(commissioner, people):
    assert names(directory_search(viewer=commissioner, query="wheelchair")) == {"Amara"}
    # Matches on a taxonomy term's name too, and on stemmed words on PostgreSQL.
    assert names(directory_search(viewer=commissioner, query="dementia")) == {"Chloe"}
    assert names(directory_search(viewer=commissioner, query="sign language")) == {"Idris"}
    assert names(directory_search(viewer=commissioner, query="nothing like this")) == set()


def test_full_text_ranks_and_stems_on_postgresql(postgres, commissioner, people):
    # "budgets" finds "budget"; "trained" finds "train". Plain substring search would not.
    assert names(directory_search(viewer=commissioner, query="budgets")) == {"Amara"}
    assert names(directory_search(viewer=commissioner, query="trained")) == {"Idris"}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"experience_areas": ["personal-health-budgets"]}, {"Amara"}),
        ({"skills": ["recruitment-panels"]}, {"Chloe"}),
        ({"localities": ["northshire-county-council"]}, {"Amara", "Chloe"}),
        ({"languages": ["british-sign-language"]}, {"Idris"}),
        ({"availability": ["weekday_evenings"]}, {"Idris"}),
        (
            {"localities": ["northshire-county-council"], "experience_areas": ["carer"]},
            {"Chloe"},
        ),
        ({"experience_areas": ["carer", "dementia"]}, {"Chloe"}),
        ({"experience_areas": ["carer", "personal-health-budgets"]}, set()),
    ],
)
def test_filters_through_the_page(client, commissioner, people, term, filters, expected):
    params = {
        key: ([str(term(v).pk) for v in values] if key != "availability" else values)
        for key, values in filters.items()
    }
    client.force_login(commissioner)
    page = client.get("/directory/", params).content.decode()
    for name in ("Amara", "Idris", "Chloe"):
        assert (f">{name}</a>" in page) is (name in expected), name


def test_invalid_filter_values_show_the_error_not_a_crash(client, commissioner, people):
    client.force_login(commissioner)
    response = client.get("/directory/", {"skills": ["not-a-number"]})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()


def test_pagination(client, commissioner):
    for number in range(25):
        factories.ExpertProfileFactory(display_name=f"Person {number:02d}")
    client.force_login(commissioner)
    first = client.get("/directory/").content.decode()
    assert "25 people found" in first
    assert "Person 19" in first and "Person 20" not in first
    second = client.get("/directory/", {"page": 2}).content.decode()
    assert "Person 20" in second and "Person 24" in second
    # A page number past the end shows the last page rather than an error.
    assert client.get("/directory/", {"page": 99}).status_code == 200


def _directory_queries(client, exact_queries):
    with exact_queries("directory"):
        response = client.get("/directory/")
    assert response.status_code == 200


def test_query_count_does_not_grow_with_profiles(client, commissioner, term, exact_queries):
    client.force_login(commissioner)
    area, skill = term("mental-health"), term("peer-support")
    factories.ExpertProfileFactory(experience_areas=[area], skills=[skill])
    client.get("/directory/")  # warm the per-process caches (site, settings) first
    _directory_queries(client, exact_queries)
    for _ in range(15):
        factories.ExpertProfileFactory(
            experience_areas=[area], skills=[skill], localities=[term("eastbridge-city-council")]
        )
    _directory_queries(client, exact_queries)


def test_postgresql_has_the_full_text_index_the_search_uses(postgres, commissioner, people):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["engagement_expertprofile_search_gin"],
        )
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "to_tsvector('english'::regconfig" in definition
    # The query's expression is the indexed one, so the planner can use it.
    sql = str(directory_search(viewer=commissioner, query="wheelchair").query)
    assert (
        'to_tsvector(english::regconfig, COALESCE("engagement_expertprofile"."search_text"' in sql
    )


# --- The filters with nothing chosen, kept rendered ----------------------------------------


def _filters(html: str) -> str:
    start = html.index('role="search"')
    return html[start : html.index("</form>", start)]


def test_the_unfiltered_filters_come_rendered_and_match_a_fresh_render(
    client, commissioner, people, monkeypatch
):
    client.force_login(commissioner)
    first = client.get("/directory/").content.decode()
    assert 'name="experience_areas"' in _filters(first)

    def not_again(*args, **kwargs):
        raise AssertionError("the filters were rendered again")

    monkeypatch.setattr("engagement.profiles.views.profiles.render_to_string", not_again)
    second = client.get("/directory/").content.decode()
    assert _filters(second) == _filters(first)
    monkeypatch.undo()
    # With something chosen, the form is rendered for the request and shows the choice.
    chosen = client.get("/directory/", {"q": "wheelchair"}).content.decode()
    assert 'value="wheelchair"' in _filters(chosen)
    assert 'value="wheelchair"' not in _filters(second)


@pytest.mark.parametrize("change", ["added", "renamed through the model", "renamed by update"])
def test_a_change_to_the_terms_shows_in_the_filters_at_once(
    client, commissioner, people, term, change
):
    from engagement.profiles.models import Skill

    client.force_login(commissioner)
    assert "Chairing meetings" in _filters(client.get("/directory/").content.decode())
    if change == "added":
        Skill.objects.create(name="Reading contracts aloud", slug="reading-contracts-aloud")
        expected = "Reading contracts aloud"
    elif change == "renamed through the model":
        skill = term("chairing-meetings")
        skill.name = "Chairing panels"
        skill.save()
        expected = "Chairing panels"
    else:  # no signal is sent: the key is the terms themselves
        Skill.objects.filter(slug="chairing-meetings").update(name="Chairing groups")
        expected = "Chairing groups"
    assert expected in _filters(client.get("/directory/").content.decode())


def test_an_edited_or_hidden_profile_shows_at_once(client, commissioner, people):
    from engagement.profiles.models import ExpertProfile

    client.force_login(commissioner)
    assert "Amara" in client.get("/directory/").content.decode()
    amara = people["amara"]
    amara.display_name = "Amara Okafor"
    amara.save()
    html = client.get("/directory/").content.decode()
    assert "Amara Okafor" in html and "3 people found" in html
    ExpertProfile.objects.filter(pk=amara.pk).update(visibility="private")
    html = client.get("/directory/").content.decode()
    assert "Amara" not in html and "2 people found" in html


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.EXPERT])
def test_kept_filters_never_reach_someone_who_may_not_use_the_directory(
    client, commissioner, people, role_user, role
):
    client.force_login(commissioner)
    assert 'name="experience_areas"' in client.get("/directory/").content.decode()
    client.force_login(role_user(role))
    response = client.get("/directory/")
    assert response.status_code == 403
    assert 'name="experience_areas"' not in response.content.decode()
    client.logout()
    response = client.get("/directory/")
    assert response.status_code == 302


def test_each_card_shows_its_terms_by_name_or_none_given(client, commissioner, people):
    chloe = people["chloe"]
    no_terms = factories.ExpertProfileFactory(display_name="Zed")
    client.force_login(commissioner)
    html = client.get("/directory/").content.decode()
    areas = ", ".join(area.name for area in chloe.experience_areas.order_by("name"))
    assert "," in areas and f"<strong>Lived experience:</strong> {areas}</p>" in html
    card = html[html.index(f"/profiles/{no_terms.pk}/") :]
    card = card[: card.index("</li>")]
    assert card.count("none given") == 3 and "Languages:" not in card
