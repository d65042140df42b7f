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
