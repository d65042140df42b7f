"""Every voice credited (issue 14): contests by people who took part, answered publicly; themes
coded on the coding screen; "you said" points citing many themes, answers and contributions,
with each person whose words are cited told once; a cited question's figure from the results;
ratings split by who took part, comments moderated; the evidence pack as JSON."""

import datetime as dt
import json
import re
import zlib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from deliberation import services as room_services
from deliberation.models import RoomEvent
from engagement.decisions.services import (
    decision_contest,
    decision_rate,
    theme_create,
    themes_apply,
)
from engagement.models import (
    Contest,
    DecisionRating,
    EqualityMonitoring,
    Notification,
    Theme,
    YouSaidItem,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(db):
    return factories.make_consultation(
        title="Wheelchair budgets",
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )


@pytest.fixture
def people(role_user):
    return [role_user(email=f"person{n}@example.org", display_name=f"Person {n}") for n in range(6)]


@pytest.fixture
def answered(consultation, people):
    """People 0-3 answered the consultation (free text), wanting to hear back."""
    texts = [
        "Repairs take months.",
        "Nobody repairs powered chairs nearby.",
        "I waited 14 weeks for a repair.",
        "Information about budgets is hard to find.",
    ]
    return [
        factories.make_response(consultation, respondent=people[n], wants_updates=True, text=t)
        for n, t in enumerate(texts)
    ]


@pytest.fixture
def session(people, facilitator):
    """Person 4 spoke in a linked session."""
    group = factories.CoproductionGroupFactory(members=[people[4]], facilitators=[facilitator])
    session = factories.SessionFactory(group=group, title="Repairs")
    room_services.contribution_create(
        session=session, author=people[4], text="Repairs ruin my independence.", client_id="p4"
    )
    return session


def _decision(consultation, session, **fields):
    return factories.make_decision(
        consultations=[consultation], sessions=[session], slug="repairs", **fields
    )


# --- Contest --------------------------------------------------------------------------------


def test_a_participant_contests_once_and_the_commissioner_answers_publicly(
    client, consultation, answered, session, people, commissioner
):
    decision = _decision(
        consultation,
        session,
        items=[{"you_said": "Repairs are slow.", "outcome": "done", "we_did": "10 days."}],
    )
    client.force_login(people[0])
    page = client.get(decision.url).content.decode()
    assert "Send my challenge" in page
    item = decision.you_said_items.get()
    sent = client.post(
        f"/decisions/{decision.pk}/contest/",
        {"about": str(item.pk), "reason": "10 days is not what we asked for: we said 5."},
    )
    assert sent.status_code == 302
    again = client.post(
        f"/decisions/{decision.pk}/contest/", {"about": "level", "reason": "And the level."}
    )
    assert again.status_code == 400
    assert "You have already contested this decision." in again.content.decode()
    assert Contest.objects.count() == 1

    # Someone who spoke in a linked session may contest the level too.
    decision_contest(decision=decision, user=people[4], reason="We only met once.")

    client.force_login(commissioner)
    contest = Contest.objects.get(user=people[0])
    client.post(
        f"/decisions/{decision.pk}/contests/{contest.pk}/answer/",
        {"answer": "The repair services cannot promise 5 days yet; we report every quarter."},
    )
    client.logout()
    html = client.get(decision.url).content.decode()
    assert "2 challenges, 1 answered." in html
    assert "10 days is not what we asked for: we said 5." in html
    assert "The repair services cannot promise 5 days yet" in html
    assert "Person 0" not in html

    data = client.get(f"/api/v1/decisions/{decision.pk}").json()
    assert data["contests"]["count"] == 2
    assert data["contests"]["answered"] == 1


def test_someone_who_did_not_take_part_cannot_contest(
    client, consultation, answered, session, people, participant
):
    decision = _decision(consultation, session)
    client.force_login(participant)
    assert "Send my challenge" not in client.get(decision.url).content.decode()
    assert (
        client.post(
            f"/decisions/{decision.pk}/contest/", {"about": "level", "reason": "Wrong."}
        ).status_code
        == 403
    )
    # A response not sent does not count either.
    factories.make_response(consultation, respondent=people[5], submitted=False)
    with pytest.raises(PermissionDenied):
        decision_contest(decision=decision, user=people[5], reason="Wrong.")
    assert not Contest.objects.exists()


def test_a_participant_may_not_answer_a_contest(client, consultation, answered, session, people):
    decision = _decision(consultation, session)
    contest = decision_contest(decision=decision, user=people[1], reason="Not consulted enough.")
    client.force_login(people[1])
    response = client.post(
        f"/decisions/{decision.pk}/contests/{contest.pk}/answer/", {"answer": "Fine by me."}
    )
    assert response.status_code == 403
    contest.refresh_from_db()
    assert contest.answer == ""


# --- Themes and citations -------------------------------------------------------------------


def test_coding_answers_and_contributions_into_themes(
    client, consultation, answered, session, commissioner, participant
):
    decision = _decision(consultation, session)
    client.force_login(participant)
    assert client.get(f"/decisions/{decision.pk}/coding/").status_code == 404

    client.force_login(commissioner)
    url = f"/decisions/{decision.pk}/coding/"
    client.post(url, {"form": "theme", "name": "Repair waits"})
    client.post(url, {"form": "theme", "name": "Information"})
    refused = client.post(url, {"form": "theme", "name": "Repair waits"})
    assert refused.status_code == 400
    assert "There is already a theme with that name." in refused.content.decode()
    waits, info = Theme.objects.get(name="Repair waits"), Theme.objects.get(name="Information")

    searched = client.get(url, {"q": "repair"}).content.decode()
    assert "Nobody repairs powered chairs nearby." in searched
    assert "Information about budgets is hard to find." not in searched

    answers = [r.answers.get() for r in answered]
    contribution = RoomEvent.objects.get(type="contribution.created")
    sent = client.post(
        url,
        {
            "form": "code",
            "themes": [waits.pk],
            "answers": [answers[0].pk, answers[1].pk, answers[2].pk],
            "contributions": [contribution.pk],
        },
    )
    assert sent.status_code == 302
    # One answer into two themes at once; coding something twice changes nothing.
    client.post(url, {"form": "code", "themes": [waits.pk, info.pk], "answers": [answers[3].pk]})
    assert (
        themes_apply(
            decision=decision, user=commissioner, theme_ids=[waits.pk], answer_ids=[answers[0].pk]
        )
        == 0
    )
    nothing = client.post(url, {"form": "code", "themes": [waits.pk]})
    assert nothing.status_code == 400
    assert "Choose at least one answer or contribution." in nothing.content.decode()

    html = client.get(url).content.decode()
    assert "Repair waits" in html
    counts = {t.name: t.codes.count() for t in Theme.objects.all()}
    assert counts == {"Repair waits": 5, "Information": 1}
    uncoded = client.get(url, {"uncoded": "on"}).content.decode()
    assert "Repairs take months." not in uncoded


def test_a_point_citing_a_theme_answers_and_a_contribution_tells_each_person_once(
    client,
    consultation,
    answered,
    session,
    people,
    commissioner,
    django_capture_on_commit_callbacks,
):
    draft_home = _decision(consultation, session, publish=False, title="Draft for themes")
    theme = theme_create(decision=draft_home, user=commissioner, name="Repair waits")
    answers = [r.answers.get() for r in answered]
    contribution = RoomEvent.objects.get(type="contribution.created")
    themes_apply(
        decision=draft_home,
        user=commissioner,
        theme_ids=[theme.pk],
        answer_ids=[answers[0].pk, answers[1].pk],
        contribution_ids=[contribution.pk],
    )
    point = YouSaidItem(
        sort_order=0,
        you_said="Repairs take far too long.",
        outcome="done",
        we_did="Repairs within 10 working days.",
    )
    point.cited_themes = [theme]
    # Person 0's answer is in the theme and cited directly: still one line, one notice.
    point.cited_answers = [answers[0], answers[2]]
    point.cited_contributions = [contribution]
    draft_home.you_said_items = [point]
    with django_capture_on_commit_callbacks(execute=True):
        draft_home.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        draft_home.save_revision().publish()  # republished: nobody is told twice

    your_point = Notification.objects.filter(kind=Notification.Kind.YOUR_POINT)
    assert sorted(your_point.values_list("user__email", flat=True)) == [
        "person0@example.org",
        "person1@example.org",
        "person2@example.org",
        "person4@example.org",
    ]
    for notice in your_point:
        assert notice.body.count("Your point about “Repairs take far too long.”") == 1
    others = Notification.objects.exclude(kind=Notification.Kind.YOUR_POINT)
    assert list(others.values_list("user__email", flat=True)) == ["person3@example.org"]
    assert sorted(m.to[0] for m in mail.outbox) == [
        f"person{n}@example.org" for n in (0, 1, 2, 3, 4)
    ]

    html = client.get(draft_home.url).content.decode()
    assert "The theme “Repair waits” (3 answers and contributions coded into it)" in html
    assert f"2 answers to “{answers[0].question.text}”" in html
    assert "Said in the co-production session “Repairs”" in html


def test_a_point_cites_a_question_of_any_kind_with_its_figure_from_the_results(
    client, consultation
):
    questions = {q.kind: q for q in consultation.ordered_questions}
    choice_question = questions["single_choice"]
    labels = [c.label for c in choice_question.choices.all()]
    for label in [labels[0]] * 3 + [labels[1]]:
        factories.make_response(consultation, answers={choice_question: label})
    scale = questions["agreement_scale"]
    for value in (5, 4, 2, 1):
        factories.make_response(consultation, answers={scale: value})
    decision = factories.make_decision(
        consultations=[consultation],
        items=[
            {"you_said": "Most chose it.", "outcome": "done", "we_did": "We did it."},
            {"you_said": "Half agreed.", "outcome": "partly", "we_did": "Some."},
        ],
        slug="figures",
    )
    first, second = decision.you_said_items.order_by("sort_order")
    first.cited_question = choice_question
    first.save()
    second.cited_question = scale
    second.save()
    html = client.get(decision.url).content.decode()
    assert f"75% of the 4 people who answered “{choice_question.text}” chose “{labels[0]}”." in (
        html
    )
    assert f"50% of the 4 people who answered “{scale.text}” agreed or strongly agreed." in html


# --- Did they listen? -------------------------------------------------------------------------


def test_ratings_are_split_by_who_took_part_and_comments_are_moderated(
    client, consultation, answered, session, people, role_user, commissioner
):
    decision = _decision(consultation, session)
    for n, score in enumerate((5, 5, 4, 4, 3)):  # 4 answered, person 4 spoke in the session
        decision_rate(decision=decision, user=people[n], score=score, comment=f"Comment {n}")
    outsiders = [role_user() for _ in range(2)]
    decision_rate(decision=decision, user=outsiders[0], score=1, comment="Waste of money.")
    decision_rate(decision=decision, user=outsiders[1], score=2)

    html = client.get(decision.url).content.decode()
    assert "People who took part" in html
    # 5 people who took part, 2 others: the 2 are hidden ([c]), and so are the 5, which with
    # the published total of 7 would give the 2 away (coproduce.disclosure.protect_row).
    assert "Rated 3.4 out of 5 by 7 people." in html
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">4.2</td>' not in html
    assert html.count('<td class="nhsuk-table__cell nhsuk-table__cell--numeric">[c]</td>') == 4
    assert "Waste of money." in html
    assert "From someone else" in html and "From someone who took part" in html

    rating = DecisionRating.objects.get(comment="Waste of money.")
    client.force_login(people[0])
    refused = client.post(f"/decisions/{decision.pk}/ratings/{rating.pk}/hide/", {"reason": "Rude"})
    assert refused.status_code == 403
    client.force_login(commissioner)
    assert "Hide comment" in client.get(decision.url).content.decode()
    client.post(f"/decisions/{decision.pk}/ratings/{rating.pk}/hide/", {"reason": "Off topic"})
    rating.refresh_from_db()
    assert rating.comment_hidden and rating.comment_hidden_reason == "Off topic"
    client.logout()
    assert "Waste of money." not in client.get(decision.url).content.decode()


# --- The evidence pack ----------------------------------------------------------------------


def test_the_pack_s_figures_match_the_database(
    client, consultation, answered, session, people, commissioner
):
    for _ in range(5):
        factories.make_response(consultation, equality={"carer": "yes"})
    decision = _decision(consultation, session, involvement_level="consulted")
    theme = theme_create(decision=decision, user=commissioner, name="Repair waits")
    themes_apply(
        decision=decision,
        user=commissioner,
        theme_ids=[theme.pk],
        answer_ids=[r.answers.get().pk for r in answered[:3]],
    )
    decision_contest(decision=decision, user=people[0], reason="It was more than consulted.")
    decision_rate(decision=decision, user=people[1], score=4)

    response = client.get(f"/decisions/{decision.pk}/involvement-report.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    pack = json.loads(response.content)

    sent = consultation.responses.filter(status="submitted").count()
    assert pack["who_took_part"]["responses"] == sent == 9
    assert pack["who_took_part"]["consultations"] == [
        {"title": consultation.title, "responses": sent}
    ]
    carers = EqualityMonitoring.objects.filter(response__consultation=consultation, carer="yes")
    carer_table = next(t for t in pack["who_took_part"]["equality"] if t["field"] == "carer")
    # The figure as the database has it, or hidden (null) where disclosure control hides it to
    # protect a small count beside it (coproduce/disclosure.py): never a different number.
    yes = next(row for row in carer_table["rows"] if row["answer"] == "Yes")
    assert yes["people"] in (carers.count(), None)
    # 1 person took part in the session: hidden (null).
    assert pack["who_took_part"]["sessions"][0]["people_took_part"] is None
    assert pack["themes"] == [
        {"theme": "Repair waits", "answers": theme.codes.count(), "contributions": 0}
    ]
    assert pack["involvement"]["evidence"]["declared_level_supported"] is True
    assert pack["involvement"]["evidence"]["consultations"][0]["responses"] == sent
    assert pack["contests"]["count"] == Contest.objects.filter(decision=decision).count() == 1
    assert pack["ratings"]["took_part"] == {"count": None, "average": None}  # 1: hidden
    dumped = json.dumps(pack)
    for person in people:
        assert person.email not in dumped and person.display_name not in dumped

    html = client.get(f"/decisions/{decision.pk}/involvement-report/").content.decode()
    assert "download the report as JSON" in html
    assert "Download the report as a PDF" in html
    assert "6. Challenges and our answers" in html
    assert "It was more than consulted." in html


def test_the_pack_downloads_as_a_tagged_pdf(client, consultation, answered, session):
    decision = _decision(consultation, session)
    response = client.get(f"/decisions/{decision.pk}/involvement-report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    # PDF/UA-1: a structure tree with the report's headings and table headers, and the PDF/UA
    # identifier in its metadata (both in compressed streams: inflate them to look).
    inflated = response.content
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", response.content, re.S):
        try:
            inflated += zlib.decompress(stream.group(1))
        except zlib.error:
            continue
    for tag in (b"/StructTreeRoot", b"pdfuaid", b"/H1", b"/H2", b"/Table", b"/TH"):
        assert tag in inflated, tag

    draft = factories.make_decision(title="A draft", slug="draft-pdf", publish=False)
    assert client.get(f"/decisions/{draft.pk}/involvement-report.pdf").status_code == 404


def test_my_data_downloads_contests_and_erasure_keeps_them_without_the_name(
    client, consultation, answered, session, people
):
    decision = _decision(consultation, session)
    person = people[0]
    decision_contest(decision=decision, user=person, reason="Person 0 here: we asked for 5 days.")
    client.force_login(person)
    data = json.loads(client.get("/my-data/download/").content)
    assert data["decision_contests"][0]["reason"] == "Person 0 here: we asked for 5 days."
    assert data["decision_sign_offs"] == []

    client.post("/my-data/delete/", {"confirm": "on"})
    contest = Contest.objects.get(decision=decision)
    assert "Person 0" not in contest.reason
    assert "we asked for 5 days." in contest.reason
