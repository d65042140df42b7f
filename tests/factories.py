"""factory_boy factories for tests and the demo seed. One place per model."""

import datetime as _dt

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from engagement import models as engagement_models

DEFAULT_PASSWORD = "correct horse battery staple"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose email address is verified, so they can log in straight away."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("first_name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.update_or_create(
                user=obj,
                email=obj.email,
                defaults={"verified": extracted is not False, "primary": True},
            )


# --- Consultations -----------------------------------------------------------------------------


def consultation_index(home=None) -> "engagement_models.ConsultationIndexPage":
    """The one consultation index under the home page, made if missing."""
    from coproduce.home.models import HomePage

    index = engagement_models.ConsultationIndexPage.objects.first()
    if index is None:
        home = home or HomePage.objects.get()
        index = home.add_child(
            instance=engagement_models.ConsultationIndexPage(
                title="Consultations", slug="consultations", introduction="Have your say."
            )
        )
        index.save_revision().publish()
    return index


# A small questionnaire with one question of every kind, in two sections.
EVERY_KIND = [
    (
        "Your short break",
        [
            (
                "single_choice",
                "How often do you get a short break?",
                ["Weekly", "Monthly", "Rarely"],
            ),
            (
                "multiple_choice",
                "Which kinds of break would help?",
                ["Day care", "Overnight", "Sitting service", "Holiday"],
            ),
            ("agreement_scale", "Short breaks help me keep caring.", []),
        ],
    ),
    (
        "Priorities",
        [
            ("ranking", "Put these in order of importance.", ["Cost", "Distance", "Staff"]),
            ("points", "Share 100 points between these.", ["Evenings", "Weekends", "Emergencies"]),
            ("free_text", "What else should we know?", []),
        ],
    ),
]


def make_consultation(
    *,
    title: str = "Short breaks for carers",
    sections=EVERY_KIND,
    opens_at=None,
    closes_at=None,
    required: bool = False,
    **fields,
) -> "engagement_models.ConsultationPage":
    """A published consultation, open now unless dates are given, with `sections` as
    [(section title, [(kind, text, [choice labels]), ...]), ...]."""
    now = timezone.now()
    index = consultation_index()
    page = engagement_models.ConsultationPage(
        title=title,
        slug=fields.pop("slug", None) or title.lower().replace(" ", "-")[:50],
        summary=fields.pop("summary", "Tell us what would help you."),
        who_is_asked=fields.pop("who_is_asked", "Carers in Northshire."),
        opens_at=opens_at or now - _dt.timedelta(days=7),
        closes_at=closes_at or now + _dt.timedelta(days=21),
        **fields,
    )
    for s_order, (section_title, questions) in enumerate(sections):
        section = engagement_models.QuestionSection(title=section_title, sort_order=s_order)
        for q_order, (kind, text, labels) in enumerate(questions):
            question = engagement_models.Question(
                kind=kind, text=text, required=required, sort_order=q_order
            )
            question.choices = [
                engagement_models.Choice(label=label, sort_order=c_order)
                for c_order, label in enumerate(labels)
            ]
            section.questions.add(question)
        page.sections.add(section)
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


# --- Decisions ---------------------------------------------------------------------------------


def decision_index(home=None) -> "engagement_models.DecisionIndexPage":
    """The one decision log under the home page, made if missing."""
    from coproduce.home.models import HomePage

    index = engagement_models.DecisionIndexPage.objects.first()
    if index is None:
        home = home or HomePage.objects.get()
        index = home.add_child(
            instance=engagement_models.DecisionIndexPage(
                title="Decisions", slug="decisions", introduction="You said, we did."
            )
        )
        index.save_revision().publish()
    return index


def make_response(
    consultation,
    *,
    respondent=None,
    email: str = "",
    wants_updates: bool = False,
    text: str = "",
    submitted: bool = True,
    equality: dict | None = None,
) -> "engagement_models.Response":
    """A response to `consultation`, sent unless `submitted=False`, with a free-text answer
    `text` to its first free-text question (if it has one) and optional equality answers."""
    response = engagement_models.Response.objects.create(
        consultation=consultation,
        respondent=respondent,
        email=email,
        wants_updates=wants_updates,
        status="submitted" if submitted else "in_progress",
        submitted_at=timezone.now() if submitted else None,
    )
    if text:
        question = engagement_models.Question.objects.filter(
            section__page=consultation, kind="free_text"
        ).first()
        engagement_models.Answer.objects.create(response=response, question=question, text=text)
    if equality:
        engagement_models.EqualityMonitoring.objects.create(response=response, **equality)
    return response


def make_decision(
    *,
    title: str = "More overnight short breaks for carers",
    consultations=(),
    items=(),
    minority_views=(),
    topics=(),
    publish: bool = True,
    **fields,
) -> "engagement_models.DecisionPage":
    """A decision under the decision log. `items` are dicts for YouSaidItem (you_said, outcome,
    we_did, cited_answer). `publish=True` publishes it directly, as the demo seed does (no
    user, so no sign-off check); tests of the sign-off pass `publish=False`."""
    index = decision_index()
    page = engagement_models.DecisionPage(
        title=title,
        slug=fields.pop("slug", None) or title.lower().replace(" ", "-")[:50],
        summary=fields.pop("summary", "We will fund more overnight short breaks."),
        why=fields.pop("why", "Carers told us overnight breaks help them most."),
        involvement_level=fields.pop("involvement_level", "consulted"),
        involvement_justification=fields.pop(
            "involvement_justification", "We ran a survey and decided ourselves."
        ),
        decided_on=fields.pop("decided_on", _dt.date(2026, 3, 2)),
        live=False,
        **fields,
    )
    page.consultations = list(consultations)
    page.topics = list(topics)
    page.you_said_items = [
        engagement_models.YouSaidItem(sort_order=n, **item) for n, item in enumerate(items)
    ]
    page.minority_views = [
        engagement_models.MinorityView(sort_order=n, **view)
        for n, view in enumerate(minority_views)
    ]
    index.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


# --- Live deliberation rooms (deliberation app) ------------------------------------------------


class CoproductionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliberation.CoproductionGroup"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Personal health budgets group {n}")
    slug = factory.Sequence(lambda n: f"phb-group-{n}")
    purpose = "Shape how personal health budgets for wheelchairs are offered."
    terms_of_reference = "We meet monthly. Experts by experience are paid for their time."

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.add(*extracted)

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.facilitators.add(*extracted)


class SessionFactory(factory.django.DjangoModelFactory):
    """A live session (status live) with no agenda; add AgendaItemFactory rows as needed."""

    class Meta:
        model = "deliberation.Session"

    group = factory.SubFactory(CoproductionGroupFactory)
    title = factory.Sequence(lambda n: f"Session {n}: wheelchair budgets")
    scheduled_at = factory.LazyFunction(timezone.now)
    status = "live"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliberation.AgendaItem"

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    time_box_minutes = 15
    sort_order = factory.Sequence(lambda n: n)
