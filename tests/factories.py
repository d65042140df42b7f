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
