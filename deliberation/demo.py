"""Demo co-production group and sessions for `manage.py seed_demo`. Everything that happens in a
room is made through the services, so the demo log is exactly what a real session leaves.
Idempotent: a session found by its title is left alone."""

from datetime import timedelta

from django.utils import timezone

from coproduce.passport import selectors as passport_selectors
from coproduce.passport import services as passport_services

from . import services
from .models import AgendaItem, CoproductionGroup, Session

GROUP_NAME = "Personal health budgets co-production group"

PURPOSE = (
    "People who hold personal health budgets, carers, and commissioners from Northshire "
    "Integrated Care Board working out together how personal health budgets for wheelchairs "
    "and other equipment should be offered."
)

TERMS = (
    "We meet once a month for two hours, online and in person at the Northshire Carers Centre.\n"
    "Experts by experience are paid for their time and travel, or may choose a voucher.\n"
    "We agree recommendations together; the commissioners say in writing what they did with "
    "each one.\n"
    "Everything is available in easy read and large print; we book interpreters and captions "
    "when asked."
)


def _session(group, *, title, when, agenda) -> tuple[Session, bool]:
    session, created = Session.objects.get_or_create(
        group=group, title=title, defaults={"scheduled_at": when, "allow_observers": True}
    )
    if created:
        for position, (item, minutes) in enumerate(agenda):
            AgendaItem.objects.create(
                session=session, title=item, time_box_minutes=minutes, sort_order=position
            )
    return session, created


def seed_demo_rooms(*, users: dict) -> CoproductionGroup:
    """The personal health budgets group with a past session (and its transcript), one open to
    join now, and one coming up with people's support needs shared."""
    facilitator = users["facilitator@example.org"]
    expert = users["expert@example.org"]
    participant = users["participant@example.org"]
    group, _created = CoproductionGroup.objects.get_or_create(
        slug="personal-health-budgets",
        # A small demo group: one member with lived experience signs a decision off.
        defaults={
            "name": GROUP_NAME,
            "purpose": PURPOSE,
            "terms_of_reference": TERMS,
            "sign_off_quorum": 1,
        },
    )
    group.facilitators.add(facilitator)
    group.members.add(expert, participant)
    now = timezone.now()

    past, created = _session(
        group,
        title="How the group will work",
        when=now - timedelta(days=28),
        agenda=[("Welcome and introductions", 15), ("What matters to you", 45), ("Next steps", 15)],
    )
    if created:
        services.session_start(session=past, facilitator=facilitator)
        # Who came into the room (as a connection records it): the claims page offers them a
        # claim for the session from this.
        for person in (facilitator, expert, participant):
            services.participation_record(session=past, user=person)
        services.contribution_create(
            session=past,
            author=facilitator,
            text="Welcome, everyone. Thank you for coming. Please say your name and why you "
            "joined the group.",
            client_id="demo-1",
        )
        services.contribution_create(
            session=past,
            author=expert,
            text="I'm Sam. I have had a personal health budget for my wheelchair for three "
            "years. Getting repairs paid for was the hardest part.",
            client_id="demo-2",
        )
        services.contribution_create(
            session=past,
            author=participant,
            text="I'm Pat, I care for my dad. We were never told a budget was an option.",
            client_id="demo-3",
        )
        services.agenda_next(session=past, facilitator=facilitator)
        poll = services.poll_open(
            session=past,
            facilitator=facilitator,
            question="What should we look at first?",
            choices=["Repairs and maintenance", "Information about budgets", "Waiting times"],
            client_id="demo-poll",
        )
        poll_id = poll.event.payload["poll"]
        services.poll_vote(
            session=past, voter=expert, poll_id=poll_id, choice=0, client_id="demo-v1"
        )
        services.poll_vote(
            session=past, voter=participant, poll_id=poll_id, choice=1, client_id="demo-v2"
        )
        services.poll_close(session=past, facilitator=facilitator, poll_id=poll_id)
        services.contribution_create(
            session=past,
            author=expert,
            text="The NHS page on budgets is a good start: https://www.nhs.uk/nhs-services/"
            "help-with-health-costs/what-is-a-personal-health-budget/",
            client_id="demo-4",
        )
        services.agenda_next(session=past, facilitator=facilitator)
        services.session_end(session=past, facilitator=facilitator)
        services.session_summary_save(
            session=past,
            summary="The group agreed how it will work and chose repairs and maintenance as the "
            "first question, with information about budgets close behind.",
            agreed_actions="Rina to send the easy read terms of reference before the next "
            "session.\nMorgan to bring figures on repair waiting times.",
        )

    live, created = _session(
        group,
        title="Wheelchair budgets: what should they cover?",
        when=now,
        agenda=[
            ("Welcome", 10),
            ("Repairs and maintenance", 40),
            ("Break", 10),
            ("What we recommend", 30),
        ],
    )
    if created:
        services.session_start(session=live, facilitator=facilitator)

    upcoming, created = _session(
        group,
        title="Information about budgets: what would have helped you?",
        when=now + timedelta(days=28),
        agenda=[("Welcome", 10), ("Your stories", 50), ("What we recommend", 30)],
    )
    if created:
        if passport_selectors.passport_for(user=expert) is None:
            passport_services.passport_save(
                user=expert,
                needs=["step_free_access", "breaks", "large_print"],
                other_needs="I use a powered wheelchair; please book the accessible room.",
                consent=True,
            )
        services.session_attendance_save(
            session=upcoming,
            user=expert,
            attending=True,
            shared_needs=["step_free_access", "breaks", "other_needs"],
        )
    return group
