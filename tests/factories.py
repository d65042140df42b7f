"""factory_boy factories for tests and the demo seed. One place per model."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

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
# Imported here, not at the top, to keep this section self-contained for merging.
import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402


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
            from engagement.services.profiles import consent_give

            consent_give(user=obj.user, purpose="profile")
            if obj.access_needs:
                consent_give(user=obj.user, purpose="access_needs")

    experience_areas = factory.PostGeneration(_set_terms("experience_areas"))
    skills = factory.PostGeneration(_set_terms("skills"))
    localities = factory.PostGeneration(_set_terms("localities"))
    languages = factory.PostGeneration(_set_terms("languages"))

    @factory.post_generation
    def search_text(obj, create, extracted, **kwargs):
        # Declared last: runs after the terms are set, as the profile services do.
        if create:
            from engagement.services.profiles import profile_refresh_search_text

            profile_refresh_search_text(profile=obj)


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
