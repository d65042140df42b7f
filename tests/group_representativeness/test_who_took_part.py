"""'Who took part in <group>, <year>': the people who came into the room of a group's sessions in
a year, by their passport's "about you" answers, against a small population checked by hand;
small counts hidden; commissioners and the group's facilitators only; the open data only once
the year is over and when 5 or more people took part."""

import datetime
import json

import pytest
from django.utils import timezone

from coproduce.accounts import roles
from coproduce.passport.services import equality_answers_delete, equality_answers_save
from deliberation.models import SessionParticipant
from engagement.consultations.services import reference_population_upload
from engagement.group_representativeness.selectors import group_year_representativeness
from tests import factories
from tests.disclosure_audit import unprotected
from tests.took_part import AREA_CSV, took_part, wilson_by_hand

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


def _when(year: int, month: int = 6) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, 15, 18, 0))


def _took_part(session, n: int, **answers) -> list:
    return took_part(session, n, members=True, **answers)


@pytest.fixture
def world(role_user):
    reference_population_upload(name="Testshire", csv_text=AREA_CSV, user=None, use=True)
    facilitator = role_user(roles.FACILITATOR)
    group = factories.CoproductionGroupFactory(
        name="Wheelchair budgets group", slug="wheelchairs", facilitators=[facilitator]
    )
    march = factories.SessionFactory(group=group, scheduled_at=_when(LAST_YEAR, 3))
    october = factories.SessionFactory(group=group, scheduled_at=_when(LAST_YEAR, 10))
    regulars = _took_part(march, 12, sex="female", carer="no")
    regulars[0].display_name = "Ottoline Brackenbury"
    regulars[0].save()
    for person in regulars[:4]:  # came twice: counted once
        SessionParticipant.objects.create(session=october, user=person)
    _took_part(october, 6, sex="male", carer="yes")
    _took_part(october, 3, sex="prefer_not")
    _took_part(october, 3)  # keep no answers about themselves
    # Not counted: the facilitator who ran the room, a session of the year before, another group.
    equality_answers_save(user=facilitator, consent=True, sex="male", carer="yes")
    SessionParticipant.objects.create(session=march, user=facilitator)
    earlier = factories.SessionFactory(group=group, scheduled_at=_when(LAST_YEAR - 1))
    _took_part(earlier, 5, sex="male", carer="yes")
    _took_part(factories.SessionFactory(scheduled_at=_when(LAST_YEAR)), 7, sex="male", carer="yes")
    return {"group": group, "facilitator": facilitator, "member": regulars[0]}


def test_the_years_figures_against_a_hand_checked_population(world, django_assert_num_queries):
    with django_assert_num_queries(9):  # reporting year, sessions, reference, people, 5 questions
        figures = group_year_representativeness(group=world["group"], year=LAST_YEAR)
    assert (figures.people, figures.sessions, figures.year_over) == (24, 2, True)
    comparison = figures.comparison
    assert comparison.reference.name == "Testshire"

    sex = next(f for f in comparison.fields if f.name == "sex")
    female, male = sex.groups
    # 12 women, 6 men; 3 prefer not to say and 3 keep no answers: 6 not given, 18 answered.
    assert (female.count, male.count, sex.not_given, sex.answered) == (12, 6, 6, 18)
    assert female.share == pytest.approx(12 / 18)
    assert female.reference_share == pytest.approx(0.6)
    assert female.ratio == pytest.approx((12 / 18) / 0.6)
    assert female.difference == pytest.approx(100 * (12 / 18 - 0.6))
    low, high = wilson_by_hand(12, 18)
    assert (female.low, female.high) == (pytest.approx(low), pytest.approx(high))
    assert female.verdict == "in_line" and male.verdict == "in_line"

    carer = next(f for f in comparison.fields if f.name == "carer")
    yes, no = carer.groups
    assert (yes.count, no.count, carer.not_given, carer.answered) == (6, 12, 6, 18)
    low, high = wilson_by_hand(6, 18)
    assert (yes.low, yes.high) == (pytest.approx(low), pytest.approx(high))
    assert low > 0.1 and yes.verdict == "over"  # a third look after someone, against 10%
    assert no.verdict == "under"

    # No answers at all for age: "not given" (all 24) is hidden, with a zero beside it, or the
    # zeros would say that everyone is in it. No population figures for age here.
    age = next(f for f in comparison.fields if f.name == "age_band")
    assert {g.count for g in age.groups} == {0, None}
    assert age.not_given is None and age.no_reference
    assert comparison.not_compared == {}


def test_withdrawn_answers_stop_counting_at_once(world):
    equality_answers_delete(user=world["member"])
    sex = next(
        f
        for f in group_year_representativeness(
            group=world["group"], year=LAST_YEAR
        ).comparison.fields
        if f.name == "sex"
    )
    assert (sex.groups[0].count, sex.not_given) == (11, 7)


def test_small_counts_are_hidden_and_no_share_gives_them_away(role_user):
    group = factories.CoproductionGroupFactory()
    session = factories.SessionFactory(group=group, scheduled_at=_when(LAST_YEAR))
    _took_part(session, 3, carer="yes")
    _took_part(session, 9, carer="no")
    _took_part(session, 2)
    figures = group_year_representativeness(group=group, year=LAST_YEAR)
    for field in figures.comparison.fields:
        people = len(field.groups) + 1
        assert not unprotected(field.table.as_dict(), known={(people, 1): 14})
        for g in field.groups:
            if g.count is None:
                assert g.share is None and g.low is None and g.ratio is None
    carer = next(f for f in figures.comparison.fields if f.name == "carer")
    assert carer.groups[0].count is None
    published = next(f for f in figures.as_dict()["fields"] if f["field"] == "carer")
    assert published["groups"][0]["people"] is None
    assert published["groups"][0]["share"] is None


def test_commissioner_sees_the_page_with_the_figures_and_no_one_by_one_answers(
    client, world, commissioner
):
    client.force_login(commissioner)
    response = client.get(f"/groups/wheelchairs/who-took-part/{LAST_YEAR}/")
    assert response.status_code == 200
    page = response.text
    assert f"Who took part in Wheelchair budgets group, {LAST_YEAR}" in page
    assert "Not given (no answers kept, prefer not to say, or no comparable answer)" in page
    assert "67%" in page and "Within what chance allows" in page  # women: 12 of 18
    assert "More than in the population" in page  # carers
    assert world["member"].email not in page and world["member"].display_name not in page
    # The latest year with sessions is where the link from the group's page lands.
    latest = client.get("/groups/wheelchairs/who-took-part/")
    assert latest.status_code == 302
    assert latest["Location"].endswith(f"/who-took-part/{LAST_YEAR}/")
    twin = client.get(f"/groups/wheelchairs/who-took-part/{LAST_YEAR}.json")
    assert twin["Cache-Control"] == "private, no-store"
    data = json.loads(twin.content)
    assert (data["people"], data["year"], data["sessions"]) == (24, LAST_YEAR, 2)
    assert "responses" not in data


@pytest.mark.parametrize(
    "who, status",
    [
        ("commissioner", 200),
        ("facilitator", 200),
        ("member", 403),
        ("participant", 403),
        ("other_facilitator", 403),
        ("editor", 403),
    ],
)
def test_only_commissioners_and_the_groups_facilitators(client, world, role_user, who, status):
    people = {
        "commissioner": lambda: role_user(roles.COMMISSIONER),
        "facilitator": lambda: world["facilitator"],
        "member": lambda: world["member"],
        "participant": lambda: role_user(roles.PARTICIPANT),
        "other_facilitator": lambda: role_user(roles.FACILITATOR),
        "editor": lambda: role_user(roles.EDITOR),
    }
    client.force_login(people[who]())
    for path in (
        f"/groups/wheelchairs/who-took-part/{LAST_YEAR}/",
        f"/groups/wheelchairs/who-took-part/{LAST_YEAR}.json",
        "/groups/wheelchairs/who-took-part/",
    ):
        assert client.get(path).status_code in ((200, 302) if status == 200 else (status,))
    group_page = client.get("/groups/wheelchairs/").text
    assert ("/who-took-part/" in group_page) == (status == 200)


def test_signed_out_people_are_asked_to_sign_in_and_bad_addresses_are_404(client, world):
    response = client.get(f"/groups/wheelchairs/who-took-part/{LAST_YEAR}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "/who-took-part/" not in client.get("/groups/wheelchairs/").text
    client.force_login(world["facilitator"])
    assert client.get("/groups/no-such-group/who-took-part/2025/").status_code == 404
    assert client.get("/groups/wheelchairs/who-took-part/99999999999/").status_code == 404
    assert client.get("/groups/wheelchairs/who-took-part/1066/").status_code == 404
    assert client.post(f"/groups/wheelchairs/who-took-part/{LAST_YEAR}/").status_code == 405


def test_the_open_data_only_once_the_year_is_over_and_with_five_people(client, world):
    response = client.get(f"/api/v1/groups/wheelchairs/representativeness/{LAST_YEAR}")
    assert response.status_code == 200
    data = response.json()
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["people"] == 24
    sex = next(f for f in data["fields"] if f["field"] == "sex")
    assert [g["people"] for g in sex["groups"]] == [12, 6]
    assert sex["not_given_or_not_comparable"] == 6

    this_year = timezone.localdate().year
    factories.SessionFactory(group=world["group"], scheduled_at=timezone.now())
    response = client.get(f"/api/v1/groups/wheelchairs/representativeness/{this_year}")
    assert response.status_code == 403
    assert response.json()["type"].endswith("#problem-year-not-over")

    # The year before: 5 people took part, just enough.
    assert (
        client.get(f"/api/v1/groups/wheelchairs/representativeness/{LAST_YEAR - 1}").json()[
            "people"
        ]
        == 5
    )
    small = factories.CoproductionGroupFactory(slug="small")
    _took_part(factories.SessionFactory(group=small, scheduled_at=_when(LAST_YEAR)), 4, sex="male")
    response = client.get(f"/api/v1/groups/small/representativeness/{LAST_YEAR}")
    assert response.status_code == 403
    assert response.json()["type"].endswith("#problem-too-few-people")
    assert "fields" not in response.json()
    assert client.get("/api/v1/groups/nope/representativeness/2020").status_code == 404
    # A year that cannot have figures is a path that does not exist.
    assert client.get("/api/v1/groups/small/representativeness/1066").status_code == 404
