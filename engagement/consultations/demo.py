"""Demo consultations for `manage.py seed_demo`: the consultation index, topics, an open
consultation on short breaks for carers, a closed one on personal wheelchair budgets with a few
hundred responses made through the answering services, and an upcoming yearly personal budget
outcomes survey started from the shipped template. Every response is dated within its
consultation's open period and every sent one has answers. Idempotent: what exists is left
alone."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from coproduce.home.models import HomePage
from engagement.consultations.models import (
    AnswerMode,
    AssistanceMode,
    Choice,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationTopic,
    Question,
    QuestionSection,
    Response,
    ResponseStatus,
    ResultsVisibility,
    new_reference,
)
from engagement.consultations.services import (
    AssistedEntry,
    browser_key_for,
    questionnaire_apply_template,
    response_enter_assisted,
    response_save_equality,
    response_save_section,
    response_start,
    response_submit,
)

SEED = 2026
CLOSED_RESPONSES = 300
OPEN_RESPONSES = 48

TOPICS = [
    ("carers", "Carers"),
    ("personal-health-budgets", "Personal health budgets"),
    ("mental-health", "Mental health"),
    ("learning-disabilities", "Learning disabilities"),
]

SHORT_BREAKS = [
    (
        "Your caring and your breaks",
        "By a short break we mean any time away from caring: a few hours, a day or a night.",
        [
            (
                "single_choice",
                "How often do you get a short break from caring?",
                "",
                ["Every week", "Every month", "A few times a year", "Rarely or never"],
            ),
            (
                "multiple_choice",
                "Which kinds of break would help you most?",
                "",
                [
                    "A sitting service at home",
                    "Day activities for the person I care for",
                    "Overnight stays",
                    "A holiday together, with support",
                    "Emergency cover if I am ill",
                ],
            ),
            ("agreement_scale", "Short breaks help me keep caring.", "", []),
        ],
    ),
    (
        "What we should spend money on",
        "",
        [
            (
                "ranking",
                "Put these in order, the most important first.",
                "",
                ["Breaks at short notice", "Breaks near home", "Staff the person knows"],
            ),
            (
                "points",
                "If you had 100 points to spend on short breaks, how would you share them?",
                "",
                ["Evenings", "Weekends", "Overnight", "Emergencies"],
            ),
            (
                "free_text",
                "What else should we know about short breaks where you live?",
                "Please do not include anyone's name.",
                [],
            ),
        ],
    ),
]

WHEELCHAIRS = [
    (
        "Your wheelchair now",
        "",
        [
            (
                "single_choice",
                "Do you use a wheelchair?",
                "",
                [
                    "Yes, every day",
                    "Yes, some of the time",
                    "No, I am answering for someone who does",
                ],
            ),
            ("agreement_scale", "My wheelchair meets my needs.", "", []),
            (
                "multiple_choice",
                "What stops your wheelchair meeting your needs?",
                "",
                [
                    "Waiting a long time for a chair",
                    "Repairs take too long",
                    "It does not fit my home",
                    "It does not fit in a car or on transport",
                    "Not enough choice of chairs",
                ],
            ),
        ],
    ),
    (
        "A personal wheelchair budget",
        "A personal wheelchair budget lets you put the money towards a chair you choose.",
        [
            (
                "agreement_scale",
                "I would like to choose my own wheelchair with a personal wheelchair budget.",
                "",
                [],
            ),
            (
                "ranking",
                "What matters most in a wheelchair service? Put these in order.",
                "",
                [
                    "Short waits",
                    "Quick repairs",
                    "Choice of chair",
                    "Advice from people who use wheelchairs",
                ],
            ),
            (
                "points",
                "Share 100 points between how a wheelchair budget could be spent.",
                "",
                ["The chair", "Repairs and servicing", "Accessories", "Training to use it"],
            ),
            ("free_text", "Is there anything else you want to tell us?", "", []),
        ],
    ),
]

COMMENTS = [
    "I waited eleven months for my chair and my old one broke twice in that time.",
    "Please let us try chairs before we choose. What looks right in a catalogue often is not.",
    "Repairs are the big problem. Two weeks without a chair means two weeks stuck indoors.",
    "A budget would let me top up for a lighter chair I can lift into the car myself.",
    "Talk to people who use chairs every day before you decide anything.",
    "My son's chair no longer fits him. Children grow faster than the service moves.",
    "I would like advice from someone independent, not only the supplier.",
    "Being able to choose would give me my dignity back.",
]


def _build_sections(page: ConsultationPage, definition, *, required_first: bool) -> None:
    for s_order, (title, description, questions) in enumerate(definition):
        section = QuestionSection(title=title, description=description, sort_order=s_order)
        for q_order, (kind, text, hint, labels) in enumerate(questions):
            question = Question(
                kind=kind,
                text=text,
                hint=hint,
                required=required_first and s_order == 0 and q_order == 0,
                max_choices=3 if kind == "multiple_choice" else None,
                sort_order=q_order,
            )
            question.choices = [
                Choice(label=label, sort_order=c_order) for c_order, label in enumerate(labels)
            ]
            section.questions.add(question)
        page.sections.add(section)


def _index(home: HomePage) -> ConsultationIndexPage:
    index = ConsultationIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=ConsultationIndexPage(
                title="Consultations",
                slug="consultations",
                introduction=(
                    "Tell us what you think about health and care services in Northshire. Every "
                    "consultation has an easy read version, and you can ask for large print, "
                    "British Sign Language or paper."
                ),
            )
        )
        index.save_revision().publish()
    return index


def _consultation(index, slug: str, **fields) -> tuple[ConsultationPage, bool]:
    page = ConsultationPage.objects.child_of(index).filter(slug=slug).first()
    if page is not None:
        return page.specific, False
    definition = fields.pop("definition", None)
    topics = fields.pop("topics", [])
    page = ConsultationPage(slug=slug, **fields)
    if definition:
        _build_sections(page, definition, required_first=True)
    page.topics = topics
    index.add_child(instance=page)
    page.save_revision().publish()
    return ConsultationPage.objects.get(pk=page.pk), True


SHORT_BREAK_COMMENTS = [
    "Overnight breaks are the only ones that let me sleep properly.",
    "I need someone who knows my mum. She gets upset with new faces.",
    "The day centre is forty minutes each way, so a four-hour break is two hours.",
    "When I was in hospital nobody could cover. Emergency cover is what we need.",
    "A sitting service in the evenings would let me see my friends again.",
    "Please make booking simpler. The forms take longer than the break.",
]


def _random_answers(
    rng: random.Random, questions, *, lean: float, comments: list[str] = COMMENTS
) -> dict:
    """Answers that lean one way (0 = critical, 1 = positive), so the results say something."""
    answers = {}
    for question in questions:
        choices = [c.pk for c in question.choices.all()]
        if not question.required and rng.random() < 0.08:
            continue  # some people skip optional questions
        if question.kind == "single_choice":
            weights = [len(choices) - i + (3 if i == 0 else 0) for i in range(len(choices))]
            answers[question.pk] = rng.choices(choices, weights=weights)[0]
        elif question.kind == "multiple_choice":
            answers[question.pk] = rng.sample(choices, rng.randint(1, question.max_choices or 2))
        elif question.kind == "agreement_scale":
            centre = 1 + 4 * lean
            answers[question.pk] = min(5, max(1, round(rng.gauss(centre, 1.0))))
        elif question.kind == "ranking":
            order = choices[:]
            rng.shuffle(order)
            if rng.random() < 0.5:  # waits and repairs come first for many
                order.sort(key=lambda pk: choices.index(pk) if choices.index(pk) < 2 else 9)
            answers[question.pk] = order
        elif question.kind == "points":
            cuts = sorted(rng.randint(0, question.points_total) for _ in choices[:-1])
            bounds = [0, *cuts, question.points_total]
            answers[question.pk] = {pk: bounds[i + 1] - bounds[i] for i, pk in enumerate(choices)}
        elif question.kind == "free_text" and rng.random() < 0.35:
            answers[question.pk] = rng.choice(comments)
    return answers


EQUALITY_OPTIONS = {
    "age_band": ["18_24", "25_34", "35_49", "50_64", "65_79", "80_plus", "prefer_not"],
    "disability": ["yes", "yes", "yes", "no", "prefer_not"],
    "long_term_condition": ["yes", "yes", "no", "prefer_not"],
    "carer": ["yes", "no", "no", "prefer_not"],
    "ethnicity": ["white", "white", "white", "asian", "black", "mixed", "other", "prefer_not"],
    "sex": ["female", "male", "prefer_not"],
}


def _fill_with_responses(
    page: ConsultationPage,
    *,
    users: dict,
    count: int,
    seed: int = SEED,
    prefix: str,
    comments: list[str] = COMMENTS,
) -> None:
    """`count` people answer through the answering services, as they would on the site: every
    sent response answers the required question and most of the others."""
    rng = random.Random(seed)
    sections = list(page.sections.all())
    questions = page.ordered_questions
    supporter = users.get("supporter@example.org")
    for n in range(count):
        lean = rng.betavariate(2, 3)
        answers = _random_answers(rng, questions, lean=lean, comments=comments)
        if supporter is not None and n % 25 == 0:
            response_enter_assisted(
                consultation=page,
                entry=AssistedEntry(
                    entered_by=supporter,
                    assistance=rng.choice(
                        [AssistanceMode.PAPER, AssistanceMode.PHONE, AssistanceMode.IN_PERSON]
                    ),
                    consent_recorded=True,
                ),
                answers=answers,
                reference=new_reference(),
            )
            continue
        response = response_start(
            consultation=page, browser_key=browser_key_for(f"demo-{prefix}-{n}")
        )
        for number, section in enumerate(sections):
            response_save_section(
                response=response, section=section, answers=answers, section_number=number
            )
        if rng.random() < 0.7:
            response_save_equality(
                response=response,
                data={name: rng.choice(options) for name, options in EQUALITY_OPTIONS.items()},
            )
        if rng.random() < 0.93:  # a few people start and never send
            response_submit(response=response)


def _date_within(page: ConsultationPage, *, start: dt.datetime, end: dt.datetime, seed: int):
    """Spread a consultation's responses over the time it was open: the services stamp them
    with the moment the demo runs, which for a closed consultation is after it closed. Each is
    started a few minutes to an hour before it is sent, never before the consultation opened."""
    rng = random.Random(seed)
    responses = list(
        Response.objects.filter(consultation=page).order_by("pk").values_list("pk", "status")
    )
    span = (end - start).total_seconds()
    moments = sorted(start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in responses)
    for (pk, status), moment in zip(responses, moments, strict=True):
        began = max(start, moment - dt.timedelta(minutes=rng.randint(4, 60)))
        Response.objects.filter(pk=pk).update(
            started_at=began,
            updated_at=moment,
            submitted_at=moment if status == ResponseStatus.SUBMITTED else None,
        )


def seed_demo_consultations(*, users: dict) -> ConsultationIndexPage:
    """The consultation index with its topics and three consultations (open, closed with
    responses, upcoming from the outcomes template). Safe to run again."""
    home = HomePage.objects.get()
    index = _index(home)
    topics = {}
    for slug, name in TOPICS:
        topics[slug], _created = ConsultationTopic.objects.get_or_create(
            slug=slug, defaults={"name": name}
        )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)

    short_breaks, created = _consultation(
        index,
        "short-breaks-for-carers",
        title="Short breaks for carers",
        summary=(
            "We are changing how short breaks for unpaid carers are arranged in Northshire. "
            "Tell us what kind of breaks would help you keep caring and stay well."
        ),
        who_is_asked="Unpaid carers in Northshire, and the people they care for.",
        opens_at=now - dt.timedelta(days=14),
        closes_at=now + dt.timedelta(days=42),
        answer_mode=AnswerMode.OPEN,
        results_visibility=ResultsVisibility.LIVE,
        contact_name="Carers involvement team",
        contact_email="carers@northshire.example.org",
        contact_phone="0300 123 4568",
        body=[
            ("heading", "Why we are asking"),
            (
                "paragraph",
                "<p>About 60,000 people in Northshire look after a family member, partner or "
                "friend. Many tell us they cannot get a break when they need one. We have money "
                "for short breaks from April and want to spend it on what carers say helps.</p>",
            ),
            (
                "paragraph",
                "<p>The questions take about 10 minutes. You can save your answers and finish "
                "later.</p>",
            ),
        ],
        easy_read=[
            ("paragraph", "<p>Some people look after a family member or friend.</p>"),
            ("paragraph", "<p>We call them carers.</p>"),
            ("paragraph", "<p>Carers need time off. We call this a short break.</p>"),
            ("paragraph", "<p>Tell us what short breaks would help you.</p>"),
        ],
        definition=SHORT_BREAKS,
        topics=[topics["carers"]],
    )
    if created:
        # Open for two weeks so far: answers from then until an hour ago, none in the future.
        _fill_with_responses(
            short_breaks,
            users=users,
            count=OPEN_RESPONSES,
            seed=SEED + 1,
            prefix="short-breaks",
            comments=SHORT_BREAK_COMMENTS,
        )
        _date_within(
            short_breaks,
            start=short_breaks.opens_at,
            end=now - dt.timedelta(hours=1),
            seed=SEED + 1,
        )

    wheelchairs, created = _consultation(
        index,
        "personal-wheelchair-budgets",
        title="Personal health budgets for wheelchairs",
        summary=(
            "Should people who use wheelchairs be able to choose their own chair with a "
            "personal wheelchair budget? We asked wheelchair users and their families."
        ),
        who_is_asked="People in Northshire who use an NHS wheelchair, and their families.",
        # Open while the demo responses go in through the services; closed just after.
        opens_at=now - dt.timedelta(days=120),
        closes_at=now + dt.timedelta(days=1),
        answer_mode=AnswerMode.OPEN,
        contact_name="Personalised care team",
        contact_email="phb@northshire.example.org",
        body=[
            (
                "paragraph",
                "<p>Personal wheelchair budgets let people put the NHS money for their chair "
                "towards one they choose. We wanted to know what matters most to people.</p>",
            ),
        ],
        easy_read=[
            ("paragraph", "<p>Some people use a wheelchair every day.</p>"),
            ("paragraph", "<p>We asked if they want to choose their own wheelchair.</p>"),
        ],
        definition=WHEELCHAIRS,
        topics=[topics["personal-health-budgets"]],
    )
    if created:
        _fill_with_responses(wheelchairs, users=users, count=CLOSED_RESPONSES, prefix="wheelchairs")
        wheelchairs.closes_at = now - dt.timedelta(days=20)
        wheelchairs.save_revision().publish()
        # Every response dated while it was open, the last a little before it closed.
        _date_within(
            wheelchairs,
            start=wheelchairs.opens_at,
            end=wheelchairs.closes_at - dt.timedelta(hours=2),
            seed=SEED,
        )

    outcomes, created = _consultation(
        index,
        "personal-budgets-what-difference-2027",
        title="Personal budgets: what difference has yours made?",
        summary=(
            "Our yearly survey for people with a personal budget, their family carers and "
            "staff. The same questions every year, so we can see what is getting better."
        ),
        who_is_asked="People with a personal budget or personal health budget in Northshire.",
        opens_at=now + dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=90),
        answer_mode=AnswerMode.SIGNED_IN,
        topics=[topics["personal-health-budgets"]],
    )
    if created:
        questionnaire_apply_template(
            target=outcomes, template="personal-budget-outcomes", version="person"
        )
    return index
