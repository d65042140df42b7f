"""Demo decisions for `manage.py seed_demo`: two published decisions, one from the short breaks
consultation, one co-produced with the personal health budgets group, both citing what people
said. The second goes through the real co-produced sign-off. Idempotent: a decision found by
its slug is left as it is, so nothing is made (or sent) twice."""

import datetime as dt

from django.utils import timezone
from wagtail.models import Page

from coproduce.home.models import HomePage
from deliberation.models import CoproductionGroup, RoomEvent, Session
from engagement.consultations.models import (
    Answer,
    Choice,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationTopic,
    EqualityMonitoring,
    Question,
    QuestionSection,
    Response,
)
from engagement.decisions.evidence import lived_experience_members
from engagement.decisions.models import DecisionIndexPage, DecisionPage, MinorityView, YouSaidItem
from engagement.decisions.services import decision_sign_off_act, decision_submit_for_sign_off

# Last year's short breaks survey, closed, which the decision cites. (This year's consultation,
# "short-breaks-for-carers" in the consultations demo, is still open: a decision cannot claim
# "consulted" from a consultation that has not closed.)
CONSULTATION_SLUG = "short-breaks-for-carers-last-year"

# What demo respondents said: (free text, wants updates, email, equality answers).
DEMO_RESPONSES = [
    (
        "Overnight breaks are the only ones that let me sleep properly. Day care is two hours "
        "and half of it is the journey.",
        True,
        "",
        {"age_band": "50_64", "carer": "yes", "disability": "no", "sex": "female"},
    ),
    (
        "I can't book anything at short notice. When I was ill last winter there was nobody.",
        True,
        "m.osei@example.org",
        {"age_band": "65_79", "carer": "yes", "disability": "yes", "sex": "male"},
    ),
    (
        "The sitting service is good but it stops at 6pm.",
        False,
        "",
        {"age_band": "35_49", "carer": "yes", "disability": "no", "sex": "female"},
    ),
    (
        "Please keep the charges low; we already pay for so much.",
        True,
        "carer.north@example.org",
        {"age_band": "50_64", "carer": "yes", "disability": "no", "sex": "female"},
    ),
    (
        "Weekends are when I need a break most.",
        False,
        "",
        {"age_band": "65_79", "carer": "yes", "disability": "yes", "sex": "female"},
    ),
    (
        "My son needs staff who know autism. Any staff will not do.",
        True,
        "",
        {"age_band": "50_64", "carer": "yes", "disability": "no", "sex": "male"},
    ),
]


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _topic(name: str, slug: str) -> ConsultationTopic:
    topic, _created = ConsultationTopic.objects.get_or_create(slug=slug, defaults={"name": name})
    return topic


def _decision_index(home: HomePage) -> DecisionIndexPage:
    index = DecisionIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=DecisionIndexPage(
                title="You said, we did",
                slug="decisions",
                introduction="What we decided, why, and how what people told us changed it. "
                "Each decision says how involved people were, and you can tell us whether it "
                "reflects what people said.",
            )
        )
        _publish(index)
    return index


def _short_breaks_consultation(home: HomePage, topic: ConsultationTopic) -> ConsultationPage:
    """Last year's consultation on short breaks, closed, made once (it is found by slug)."""
    consultation = ConsultationPage.objects.filter(slug=CONSULTATION_SLUG).first()
    if consultation is not None:
        return consultation
    index = ConsultationIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=ConsultationIndexPage(
                title="Have your say", slug="consultations", introduction="Consultations."
            )
        )
        _publish(index)
    now = timezone.now()
    consultation = ConsultationPage(
        title="Short breaks for carers: last year's survey",
        slug=CONSULTATION_SLUG,
        summary="Short breaks give carers time to rest. Tell us which breaks help you most.",
        who_is_asked="Unpaid carers in Northshire, and the people they care for.",
        opens_at=now - dt.timedelta(days=120),
        closes_at=now - dt.timedelta(days=60),
    )
    section = QuestionSection(title="Your short breaks", sort_order=0)
    often = Question(kind="single_choice", text="How often do you get a short break?")
    often.choices = [
        Choice(label=label, sort_order=n) for n, label in enumerate(["Weekly", "Monthly", "Rarely"])
    ]
    section.questions = [
        often,
        Question(kind="free_text", text="What would make short breaks work for you?", sort_order=1),
    ]
    consultation.sections = [section]
    index.add_child(instance=consultation)
    _publish(consultation)
    consultation.topics.add(topic)
    return consultation


def _demo_responses(consultation: ConsultationPage) -> list[Answer]:
    """Sent responses with free-text answers; only if the consultation has none yet."""
    free_text = Question.objects.filter(section__page=consultation, kind="free_text").first()
    existing = Answer.objects.filter(
        question=free_text, response__status="submitted"
    ).select_related("response")
    if existing.exists() or free_text is None:
        return list(existing.order_by("pk"))
    # Sent while the consultation was open: before it closed, and never in the future.
    last = min(consultation.closes_at, timezone.now() - dt.timedelta(hours=1))
    choice_questions = list(
        Question.objects.filter(section__page=consultation, kind="single_choice")
        .prefetch_related("choices")
        .order_by("section__sort_order", "sort_order")
    )
    answers = []
    for n, (text, wants_updates, email, equality) in enumerate(DEMO_RESPONSES):
        sent = max(consultation.opens_at, last - dt.timedelta(days=n + 1))
        response = Response.objects.create(
            consultation=consultation,
            status="submitted",
            submitted_at=sent,
            wants_updates=wants_updates,
            email=email,
        )
        Response.objects.filter(pk=response.pk).update(
            started_at=sent - dt.timedelta(minutes=12), updated_at=sent
        )
        # Every sent response answers the choice questions as well as writing.
        for question in choice_questions:
            choices = list(question.choices.all())
            if choices:
                Answer.objects.create(
                    response=response, question=question, choice=choices[n % len(choices)]
                )
        answers.append(Answer.objects.create(response=response, question=free_text, text=text))
        EqualityMonitoring.objects.create(response=response, **equality)
    return answers


def _cite(answers: list[Answer], starts: str) -> Answer | None:
    return next((a for a in answers if a.text.startswith(starts)), None)


def _cited(answers: list[Answer], starts: str) -> list[Answer]:
    answer = _cite(answers, starts)
    return [answer] if answer else []


def _short_breaks_decision(index, consultation, answers, topic) -> DecisionPage:
    decision = DecisionPage(
        title="More overnight short breaks for carers",
        slug="overnight-short-breaks",
        summary="From June we will fund 40 more overnight short breaks a year, bookable at "
        "two days' notice in an emergency, with charges capped at £10 a night.",
        why="Most carers who answered told us overnight breaks are what lets them keep "
        "caring; day care alone does not give enough rest. Emergencies were the biggest gap.",
        status="decided",
        proposed_on=dt.date(2026, 1, 12),
        decided_on=dt.date(2026, 3, 2),
        service_name="Overnight short breaks for unpaid carers",
        budget="310000",
        budget_period="a year for three years",
        service_starts_on=dt.date(2026, 6, 1),
        involvement_level="consulted",
        involvement_justification="We asked carers in a public consultation and decided "
        "ourselves. Carers did not shape the options with us, so this is 'consulted', "
        "not 'co-produced'. The review next year will be co-produced.",
        live=False,
    )
    decision.consultations = [consultation]
    decision.topics = [topic]
    decision.you_said_items = [
        YouSaidItem(
            sort_order=0,
            you_said="Overnight breaks are the ones that give real rest; day care is too short.",
            cited_answers=_cited(answers, "Overnight breaks"),
            outcome="done",
            we_did="We are funding 40 more overnight breaks a year, in two new homes.",
        ),
        YouSaidItem(
            sort_order=1,
            you_said="There is nobody to call in an emergency, such as when the carer is ill.",
            cited_answers=_cited(answers, "I can't book"),
            outcome="partly",
            we_did="Emergency breaks can be booked at two days' notice. We could not fund a "
            "same-day service this year; we will look again at the review.",
        ),
        YouSaidItem(
            sort_order=2,
            you_said="Breaks should be free.",
            cited_answers=_cited(answers, "Please keep the charges"),
            outcome="not_done",
            we_did="Not done because the budget would then cover 25 fewer nights. We capped "
            "charges at £10 a night and carers on Carer's Allowance pay nothing.",
        ),
    ]
    decision.minority_views = [
        MinorityView(
            sort_order=0,
            view="Money should go to longer sitting-service hours, not overnight breaks.",
            held_by="Some carers who answered",
            response="We heard this. Sitting-service hours are part of the day opportunities "
            "consultation later this year.",
        )
    ]
    index.add_child(instance=decision)
    _publish(decision)
    return decision


def _wheelchair_decision(index, group, session, users, topic) -> DecisionPage:
    commissioner = users["commissioner@example.org"]
    # The group's members with lived experience sign (its quorum of them: 1 in the demo group).
    signers = (
        list(lived_experience_members(group_id=group.pk).order_by("pk")[: group.sign_off_quorum])
        if group
        else []
    )
    contribution = (
        RoomEvent.objects.filter(
            session=session, type="contribution.created", payload__text__icontains="repairs"
        )
        .order_by("seq")
        .first()
        if session
        else None
    )
    decision = DecisionPage(
        title="Personal health budgets for wheelchairs: repairs within 10 working days",
        slug="wheelchair-budget-repairs",
        summary="People with a personal health budget for a wheelchair can now include "
        "repairs in their budget, and repairs are promised within 10 working days.",
        why="The co-production group told us repairs were the hardest part of having a "
        "wheelchair budget: people waited months, stuck at home. Together we worked out "
        "how to pay for repairs and what a fair waiting time is.",
        status="implementing",
        proposed_on=dt.date(2026, 2, 3),
        decided_on=dt.date(2026, 4, 14),
        implementation_started_on=dt.date(2026, 5, 1),
        service_name="Wheelchair repairs within personal health budgets",
        budget="120000",
        budget_period="a year",
        service_starts_on=dt.date(2026, 5, 1),
        involvement_level="co_produced",
        involvement_justification="People who hold wheelchair budgets shaped the options "
        "with us over the group's sessions and agreed the 10-day promise. Commissioners "
        "made the final funding decision, so it is 'co-produced', not 'co-decided'.",
        co_production_group=group,
        live=False,
        owner=commissioner,
    )
    decision.sessions = [session] if session else []
    decision.topics = [topic]
    decision.you_said_items = [
        YouSaidItem(
            sort_order=0,
            you_said="Getting repairs paid for is the hardest part of a wheelchair budget.",
            cited_contributions=[contribution] if contribution else [],
            outcome="done",
            we_did="Repairs can now be paid from the budget, and we promise them within 10 "
            "working days.",
        ),
        YouSaidItem(
            sort_order=1,
            you_said="A loan chair should be offered while yours is being repaired.",
            outcome="partly",
            we_did="Loan chairs are offered from September for repairs taking more than 3 "
            "days; we could not fund them for shorter repairs.",
        ),
    ]
    decision.minority_views = [
        MinorityView(
            sort_order=0,
            view="Repairs should be done within 5 working days, not 10.",
            held_by="Two members of the co-production group",
            response="The repair services could not promise 5 days across the county yet. We "
            "will report waiting times to the group every quarter.",
        )
    ]
    index.add_child(instance=decision)
    decision.save_revision(user=commissioner)
    if not signers:
        decision.get_latest_revision().publish()
        return decision
    # The real co-produced sign-off: the commissioner submits, a group member confirms.
    decision_submit_for_sign_off(decision=decision, user=commissioner)
    decision.refresh_from_db()
    for signer in signers:
        decision_sign_off_act(
            task_state=decision.current_workflow_task_state,
            user=signer,
            action="approve",
            comment="This is what we said. The 5-day view is recorded fairly.",
        )
    decision.refresh_from_db()
    return decision


def seed_demo_decisions(*, users: dict) -> list[DecisionPage]:
    """The decision log with two published decisions linked to the demo consultation and the
    demo co-production session."""
    home = HomePage.objects.get()
    index = _decision_index(home)
    carers = _topic("Carers", "carers")
    phb = _topic("Personal health budgets", "personal-health-budgets")
    decisions = []

    existing = DecisionPage.objects.filter(slug="overnight-short-breaks").first()
    if existing is None:
        consultation = _short_breaks_consultation(home, carers)
        answers = _demo_responses(consultation)
        existing = _short_breaks_decision(index, consultation, answers, carers)
    decisions.append(existing)

    existing = DecisionPage.objects.filter(slug="wheelchair-budget-repairs").first()
    if existing is None:
        group = CoproductionGroup.objects.filter(slug="personal-health-budgets").first()
        session = (
            Session.objects.filter(group=group, status=Session.Status.ENDED)
            .order_by("scheduled_at")
            .first()
            if group
            else None
        )
        existing = _wheelchair_decision(index, group, session, users, phb)
    decisions.append(existing)
    return decisions
