"""The involvement report's "People who took part in the linked sessions, against who lives
here": everyone who came into the room of the decision's linked sessions that took place, once
each, not the facilitators, by their passport's "about you" answers, against a small population
checked by hand; the same disclosure control as a group's year; shown (on the page and in the
evidence pack) only when 5 or more people took part, the group page's open-data rule."""

import pytest

from coproduce.accounts import roles
from coproduce.passport.services import equality_answers_delete, equality_answers_save
from deliberation.models import SessionParticipant
from engagement.consultations.services import reference_population_upload
from engagement.decisions.selectors import linked_sessions_representativeness
from tests import factories
from tests.disclosure_audit import unprotected
from tests.took_part import AREA_CSV, wilson_by_hand
from tests.took_part import took_part as came_in

pytestmark = pytest.mark.django_db


def _field(took_part, name):
    return next(f for f in took_part.comparison.fields if f.name == name)


@pytest.fixture
def world(role_user):
    reference_population_upload(name="Testshire", csv_text=AREA_CSV, user=None, use=True)
    facilitator = role_user(roles.FACILITATOR)
    group = factories.CoproductionGroupFactory(facilitators=[facilitator])
    options = factories.SessionFactory(group=group, title="Wheelchair budgets: options")
    repairs = factories.SessionFactory(group=group, title="Wheelchair budgets: repairs")
    cancelled = factories.SessionFactory(group=group, title="Called off", cancelled=True)
    women = came_in(options, 10, sex="female", carer="no")
    for person in women[:4]:  # came to both sessions: counted once
        SessionParticipant.objects.create(session=repairs, user=person)
    came_in(repairs, 6, sex="male", carer="yes")
    came_in(repairs, 5)  # keep no answers about themselves
    # Not counted: the facilitator who ran the room, a cancelled session, an unlinked one.
    equality_answers_save(user=facilitator, consent=True, sex="male", carer="yes")
    SessionParticipant.objects.create(session=options, user=facilitator)
    came_in(cancelled, 3, sex="male", carer="yes")
    came_in(factories.SessionFactory(group=group), 7, sex="male", carer="yes")
    decision = factories.make_decision(
        title="Wheelchair budgets", sessions=[options, repairs, cancelled]
    )
    return {"decision": decision, "member": women[0], "group": group}


def test_a_hand_checked_example_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(7):  # reference, people, 5 questions' counts
        took_part = linked_sessions_representativeness(decision=world["decision"])
    assert (took_part.people, took_part.publishable) == (21, True)
    assert took_part.comparison.reference.name == "Testshire"

    sex = _field(took_part, "sex")
    female, male = sex.groups
    # 10 women, 6 men, 5 keep no answers: 5 not given, 16 answered.
    assert (female.count, male.count, sex.not_given, sex.answered) == (10, 6, 5, 16)
    assert female.share == pytest.approx(10 / 16)
    assert female.ratio == pytest.approx((10 / 16) / 0.6)
    assert female.difference == pytest.approx(100 * (10 / 16 - 0.6))
    low, high = wilson_by_hand(10, 16)
    assert (female.low, female.high) == (pytest.approx(low), pytest.approx(high))
    assert female.verdict == "in_line"

    carer = _field(took_part, "carer")
    yes, no = carer.groups
    assert (yes.count, no.count, carer.not_given) == (6, 10, 5)
    low, _high = wilson_by_hand(6, 16)
    assert low > 0.1 and yes.verdict == "over"
    # No population figures for age in this reference: said so, as on the group page.
    assert _field(took_part, "age_band").no_reference

    # More people and sessions: still seven queries.
    more = factories.SessionFactory(group=world["group"])
    came_in(more, 30, sex="female", carer="no")
    world["decision"].sessions.add(more)
    world["decision"].save()
    with django_assert_num_queries(7):
        assert linked_sessions_representativeness(decision=world["decision"]).people == 51


def test_the_report_and_the_pack_show_it_to_anyone(client, world):
    decision = world["decision"]
    html = client.get(f"/decisions/{decision.pk}/involvement-report/").text
    assert "People who took part in the linked sessions, against who lives here" in html
    assert "People who took part: 21." in html
    assert "62%" in html  # women: 10 of 16, 62.5% shown to the nearest whole (half to even)
    assert "More than in the population" in html  # carers
    assert "Not given (no answers kept, prefer not to say, or no comparable answer)" in html
    assert 'id="rep-sessions-sex-caption"' in html
    assert world["member"].email not in html

    pack = client.get(f"/decisions/{decision.pk}/involvement-report.json").json()
    section = pack["who_took_part"]["session_representativeness"]
    assert (section["people"], section["figures_shown"]) == (21, True)
    sex = next(f for f in section["fields"] if f["field"] == "sex")
    assert [g["people"] for g in sex["groups"]] == [10, 6]
    assert sex["not_given_or_not_comparable"] == 5
    assert "responses" not in section


def test_withdrawn_consent_stops_counting_at_once(world):
    equality_answers_delete(user=world["member"])
    took_part = linked_sessions_representativeness(decision=world["decision"])
    sex = _field(took_part, "sex")
    assert took_part.people == 21  # still took part, now "not given"
    assert (sex.groups[0].count, sex.not_given) == (9, 6)


def test_small_counts_are_hidden_and_nothing_gives_them_away(client):
    session = factories.SessionFactory()
    came_in(session, 3, carer="yes")
    came_in(session, 9, carer="no")
    came_in(session, 2)
    decision = factories.make_decision(sessions=[session])
    took_part = linked_sessions_representativeness(decision=decision)
    assert took_part.people == 14
    for field in took_part.comparison.fields:
        assert not unprotected(field.table.as_dict(), known={(len(field.groups) + 1, 1): 14})
        for g in field.groups:
            assert g.count is None or g.count == 0 or g.count >= 5
            if g.count is None:
                assert g.share is None and g.low is None and g.ratio is None
    carer = _field(took_part, "carer")
    assert carer.groups[0].count is None  # 3 carers

    pack = client.get(f"/decisions/{decision.pk}/involvement-report.json").json()
    section = pack["who_took_part"]["session_representativeness"]
    for field in section["fields"]:
        shown = [g["people"] for g in field["groups"]] + [field["not_given_or_not_comparable"]]
        assert not any(n in (1, 2, 3, 4) for n in shown if n is not None)
    published = next(f for f in section["fields"] if f["field"] == "carer")
    assert published["groups"][0]["people"] is None
    assert published["groups"][0]["share"] is None


def test_fewer_than_five_people_nothing_is_shown(client):
    session = factories.SessionFactory()
    came_in(session, 4, sex="male", carer="yes")
    decision = factories.make_decision(sessions=[session])
    html = client.get(f"/decisions/{decision.pk}/involvement-report/").text
    assert "Fewer than 5 people took part in the linked sessions, so no figures are shown" in html
    assert "rep-sessions-" not in html
    section = client.get(f"/decisions/{decision.pk}/involvement-report.json").json()[
        "who_took_part"
    ]["session_representativeness"]
    assert section["people"] is None and section["figures_shown"] is False
    assert "fields" not in section and "Fewer than 5" in section["why_not_shown"]

    # Five is enough.
    came_in(session, 1, sex="male", carer="yes")
    html = client.get(f"/decisions/{decision.pk}/involvement-report/").text
    assert "People who took part: 5." in html


def test_a_decision_without_sessions_says_so(client):
    decision = factories.make_decision()
    html = client.get(f"/decisions/{decision.pk}/involvement-report/").text
    assert "No co-production sessions are linked to this decision." in html
