"""factory_boy factories for tests and the demo seed. One place per model."""

import datetime
from decimal import Decimal

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


# --- Expertise profiles (issue 5) ------------------------------------------------------------


def _set_terms(relation):
    """A post-generation hook: `Factory(skills=[skill])` sets that many-to-many relation."""

    def set_terms(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, relation).set(extracted)

    return set_terms


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    """A profile with consent recorded. Pass terms as lists: `experience_areas=[area]`."""

    class Meta:
        model = "engagement.ExpertProfile"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("name", locale="en_GB")
    bio = "<p>Lived experience of services.</p>"
    visibility = "public"

    @factory.post_generation
    def consent(obj, create, extracted, **kwargs):
        if create:
            from engagement.profiles.services.profiles import consent_give

            consent_give(user=obj.user, purpose="profile")

    experience_areas = factory.PostGeneration(_set_terms("experience_areas"))
    skills = factory.PostGeneration(_set_terms("skills"))
    localities = factory.PostGeneration(_set_terms("localities"))
    languages = factory.PostGeneration(_set_terms("languages"))

    @factory.post_generation
    def search_text(obj, create, extracted, **kwargs):
        # Declared last: runs after the terms are set, as the profile services do.
        if create:
            from engagement.profiles.services.profiles import profile_refresh_search_text

            profile_refresh_search_text(profile=obj)


class PassportFactory(factory.django.DjangoModelFactory):
    """An involvement passport, kept with its holder's consent."""

    class Meta:
        model = "passport.Passport"

    user = factory.SubFactory(UserFactory)
    privacy_notice_version = "2026-11"
    consent_given_at = factory.LazyFunction(timezone.now)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.Opportunity"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Join co-production group {n}")
    summary = "Help shape services with commissioners."
    what_it_involves = "Monthly meetings with commissioners and other experts by experience."
    time_commitment = "2 hours a month"
    format = "hybrid"
    hourly_rate = Decimal("25.00")
    posted_by = factory.SubFactory(UserFactory)

    experience_areas = factory.PostGeneration(_set_terms("experience_areas"))
    skills = factory.PostGeneration(_set_terms("skills"))
    localities = factory.PostGeneration(_set_terms("localities"))
    languages = factory.PostGeneration(_set_terms("languages"))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.Invitation"

    opportunity = factory.SubFactory(OpportunityFactory)
    profile = factory.SubFactory(ExpertProfileFactory)
    invited_by = factory.SelfAttribute("opportunity.posted_by")
    status = "pending"


class PaymentClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.PaymentClaim"

    opportunity = factory.SubFactory(OpportunityFactory)
    claimant = factory.SubFactory(UserFactory)
    recorded_by = factory.SelfAttribute("claimant")
    worked_on = datetime.date(2026, 11, 10)
    description = "Group meeting"
    hours = Decimal("2.00")
    hourly_rate = factory.SelfAttribute("opportunity.hourly_rate")
    payment_choice = "paid"


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
        opens_at=opens_at or now - datetime.timedelta(days=7),
        closes_at=closes_at or now + datetime.timedelta(days=21),
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
        decided_on=fields.pop("decided_on", datetime.date(2026, 3, 2)),
        live=False,
        **fields,
    )
    page.consultations = list(consultations)
    page.topics = list(topics)
    you_said = []
    for n, fields_ in enumerate(items):
        fields_ = dict(fields_)
        many = {
            name: list(fields_.pop(name, []))
            for name in ("cited_answers", "cited_contributions", "cited_themes")
        }
        # The old single citations, as tests wrote them before issue 14.
        if fields_.get("cited_answer") is not None:
            many["cited_answers"].append(fields_.pop("cited_answer"))
        if fields_.get("cited_contribution") is not None:
            many["cited_contributions"].append(fields_.pop("cited_contribution"))
        fields_.pop("cited_answer", None)
        fields_.pop("cited_contribution", None)
        item = engagement_models.YouSaidItem(sort_order=n, **fields_)
        for name, values in many.items():
            setattr(item, name, values)
        you_said.append(item)
    page.you_said_items = you_said
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


# --- Consultation results ----------------------------------------------------------------------


def make_response(
    consultation,
    *,
    answers: dict | None = None,
    equality: dict | None = None,
    submitted: bool = True,
    text: str = "",
    **fields,
) -> "engagement_models.Response":
    """A response written straight to the tables (not through the answering services).
    `answers` maps a question (or its text) to: a label (single choice), a list of labels
    (multiple choice; ranking, first to last), 1-5 (agreement scale), {label: points} (points
    allocation) or a string (free text). `text` answers the first free-text question.
    `equality` holds EqualityMonitoring fields; other keywords are Response fields."""
    questions = {q.text: q for q in consultation.ordered_questions}
    if text:
        first_free_text = next(q for q in questions.values() if q.kind == "free_text")
        answers = {**(answers or {}), first_free_text: text}
    response = engagement_models.Response.objects.create(
        consultation=consultation,
        status="submitted" if submitted else "in_progress",
        submitted_at=timezone.now() if submitted else None,
        **fields,
    )
    rows = []
    for key, value in (answers or {}).items():
        question = key if isinstance(key, engagement_models.Question) else questions[key]
        choices = {c.label: c for c in question.choices.all()}
        kind = question.kind
        if kind == "single_choice":
            rows.append({"choice": choices[value]})
        elif kind == "multiple_choice":
            rows += [{"choice": choices[label]} for label in value]
        elif kind == "ranking":
            rows += [{"choice": choices[label], "number": i} for i, label in enumerate(value, 1)]
        elif kind == "points":
            rows += [{"choice": choices[label], "number": n} for label, n in value.items()]
        elif kind == "agreement_scale":
            rows.append({"number": value})
        else:
            rows.append({"text": value})
        for row in rows:
            row.setdefault("question", question)
    engagement_models.Answer.objects.bulk_create(
        [engagement_models.Answer(response=response, **row) for row in rows]
    )
    if equality is not None:
        engagement_models.EqualityMonitoring.objects.create(response=response, **equality)
    return response
