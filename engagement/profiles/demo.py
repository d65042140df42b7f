"""Demo expertise profiles and opportunities for `manage.py seed_demo`. Invented people only.
Idempotent: people are found by email and opportunities by title; nothing is added twice."""

from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from coproduce.accounts import roles
from coproduce.passport import selectors as passport_selectors
from coproduce.passport import services as passport_services
from engagement.profiles.models import (
    ExperienceArea,
    ExpertProfile,
    Invitation,
    Language,
    Locality,
    Opportunity,
    PaymentClaim,
    Skill,
)
from engagement.profiles.services import opportunities as opportunity_services
from engagement.profiles.services import profiles as profile_services

# name, areas, skills, localities, languages, availability, visibility, formats, bio
PEOPLE = [
    (
        "Amara Nwosu",
        ["personal-health-budgets", "physical-disability"],
        ["chairing-meetings", "reviewing-documents"],
        ["northshire-county-council"],
        ["english"],
        ["weekday_daytime"],
        "public",
        [],
        "I have managed a personal health budget for my wheelchair and care for six years.",
    ),
    (
        "Bryn Talbot",
        ["mental-health"],
        ["peer-support", "training-and-teaching"],
        ["eastbridge-city-council"],
        ["english", "welsh"],
        ["weekday_evenings"],
        "staff",
        ["large_print"],
        "Lived experience of crisis services. Now a peer support worker.",
    ),
    (
        "Chloe Marsh",
        ["carer", "dementia"],
        ["recruitment-panels"],
        ["westmoor-district-council"],
        ["english"],
        ["weekday_daytime", "weekends"],
        "public",
        [],
        "I cared for my mum through dementia for eight years.",
    ),
    (
        "Dev Raman",
        ["learning-disability", "autism"],
        ["easy-read-checking", "public-speaking"],
        ["northshire-county-council"],
        ["english"],
        ["weekday_daytime"],
        "public",
        ["easy_read"],
        "I am autistic and I check easy read documents so they make sense.",
    ),
    (
        "Efe Adeyemi",
        ["children-and-young-people-with-send", "carer"],
        ["reviewing-documents"],
        ["southvale-borough-council"],
        ["english"],
        ["weekday_evenings"],
        "staff",
        [],
        "Parent of two children with SEND. I know the EHCP process well.",
    ),
    (
        "Fatima Qureshi",
        ["long-term-conditions"],
        ["research", "evaluating-services"],
        ["eastbridge-city-council"],
        ["english", "urdu", "punjabi"],
        ["weekday_daytime"],
        "public",
        [],
        "Type 1 diabetes since childhood; I help evaluate clinics.",
    ),
    (
        "Gareth Lewis",
        ["continuing-healthcare", "older-people"],
        ["chairing-meetings"],
        ["westmoor-district-council"],
        ["english", "welsh"],
        ["weekday_daytime"],
        "private",
        [],
        "My father received continuing healthcare.",
    ),
    (
        "Hana Kowalska",
        ["mental-health", "substance-use"],
        ["peer-support"],
        ["northshire-county-council"],
        ["english", "polish"],
        ["weekends"],
        "staff",
        [],
        "In recovery for five years; I volunteer at a recovery cafe.",
    ),
    (
        "Idris Bello",
        ["sensory-impairment"],
        ["training-and-teaching", "public-speaking"],
        ["northshire-integrated-care-board"],
        ["british-sign-language", "english"],
        ["weekday_daytime", "weekday_evenings"],
        "public",
        ["bsl"],
        "Deaf BSL user. I train staff in deaf awareness.",
    ),
    (
        "Jade Okoro",
        ["end-of-life-care", "carer"],
        ["reviewing-documents"],
        ["southvale-borough-council"],
        ["english"],
        ["weekday_evenings"],
        "public",
        [],
        "I cared for my partner at the end of his life at home.",
    ),
    (
        "Kieran Doyle",
        ["homelessness", "mental-health"],
        ["peer-support", "recruitment-panels"],
        ["eastbridge-city-council"],
        ["english"],
        ["weekday_daytime"],
        "staff",
        [],
        "Experience of rough sleeping and the services that helped me out of it.",
    ),
    (
        "Leila Haddad",
        ["long-term-conditions", "physical-disability"],
        ["research"],
        ["northshire-county-council"],
        ["english", "arabic"],
        ["weekends"],
        "public",
        ["audio"],
        "I live with MS and use a personal assistant.",
    ),
    (
        "Marcus Reid",
        ["learning-disability"],
        ["recruitment-panels", "easy-read-checking"],
        ["westmoor-district-council"],
        ["english"],
        ["weekday_daytime"],
        "public",
        ["easy_read", "large_print"],
        "I live in supported living and sit on interview panels.",
    ),
    (
        "Nia Evans",
        ["children-and-young-people-with-send", "autism"],
        ["training-and-teaching"],
        ["northshire-integrated-care-board"],
        ["english", "welsh"],
        ["weekday_evenings", "weekends"],
        "staff",
        [],
        "Autistic mum of an autistic teenager.",
    ),
    (
        "Oren Katz",
        ["mental-health"],
        ["research", "evaluating-services"],
        ["southvale-borough-council"],
        ["english"],
        ["weekday_evenings"],
        "private",
        [],
        "Lived experience of psychosis.",
    ),
    (
        "Priya Menon",
        ["personal-health-budgets", "carer"],
        ["chairing-meetings", "evaluating-services"],
        ["eastbridge-city-council"],
        ["english"],
        ["weekday_daytime"],
        "public",
        [],
        "I manage a personal health budget for my son.",
    ),
    (
        "Quinn Harper",
        ["physical-disability"],
        ["public-speaking"],
        ["northshire-county-council"],
        ["english"],
        ["weekday_evenings", "weekends"],
        "public",
        [],
        "Wheelchair user since a spinal injury; accessible transport campaigner.",
    ),
    (
        "Rosa Ionescu",
        ["older-people", "carer"],
        ["peer-support"],
        ["westmoor-district-council"],
        ["english", "romanian"],
        ["weekday_daytime"],
        "staff",
        ["paper"],
        "I care for my husband, who has Parkinson's.",
    ),
    (
        "Sipho Dlamini",
        ["long-term-conditions"],
        ["reviewing-documents"],
        ["northshire-integrated-care-board"],
        ["english"],
        ["weekday_daytime"],
        "public",
        [],
        "Kidney dialysis three times a week; I know hospital transport well.",
    ),
    (
        "Tara Flynn",
        ["dementia", "older-people"],
        ["recruitment-panels"],
        ["southvale-borough-council"],
        ["english"],
        ["weekday_daytime"],
        "public",
        ["large_print"],
        "Living well with early-onset dementia.",
    ),
    (
        "Uzma Hussain",
        ["mental-health", "carer"],
        ["peer-support", "training-and-teaching"],
        ["eastbridge-city-council"],
        ["english", "urdu"],
        ["weekday_evenings"],
        "staff",
        [],
        "Carer for my brother; I run a carers' group in my community.",
    ),
    (
        "Victor Mensah",
        ["sensory-impairment", "older-people"],
        ["evaluating-services"],
        ["northshire-county-council"],
        ["english"],
        ["weekday_daytime"],
        "public",
        ["audio", "large_print"],
        "Registered blind; I test websites and leaflets.",
    ),
    (
        "Wren Ashby",
        ["autism", "mental-health"],
        ["research"],
        ["westmoor-district-council"],
        ["english"],
        ["weekends"],
        "private",
        [],
        "Autistic adult; diagnosed at 34.",
    ),
    (
        "Xavier Costa",
        ["substance-use", "homelessness"],
        ["public-speaking"],
        ["southvale-borough-council"],
        ["english"],
        ["weekday_evenings"],
        "public",
        [],
        "Ten years in recovery; I speak in schools.",
    ),
    (
        "Yasmin Farah",
        ["children-and-young-people-with-send"],
        ["reviewing-documents", "recruitment-panels"],
        ["northshire-integrated-care-board"],
        ["english", "somali"],
        ["weekday_daytime"],
        "staff",
        [],
        "Parent carer forum member.",
    ),
    (
        "Zoe Pritchard",
        ["continuing-healthcare", "end-of-life-care"],
        ["chairing-meetings"],
        ["eastbridge-city-council"],
        ["english"],
        ["weekday_daytime", "weekday_evenings"],
        "public",
        [],
        "My mother had fast-track continuing healthcare.",
    ),
    (
        "Aled Morgan",
        ["learning-disability", "physical-disability"],
        ["public-speaking"],
        ["westmoor-district-council"],
        ["english", "welsh"],
        ["weekday_daytime"],
        "public",
        ["easy_read"],
        "I use a communication aid and love drama.",
    ),
    (
        "Beatrix Sole",
        ["mental-health", "long-term-conditions"],
        ["evaluating-services", "research"],
        ["northshire-county-council"],
        ["english", "british-sign-language"],
        ["weekday_evenings"],
        "staff",
        ["bsl"],
        "Deaf, with lived experience of eating disorders.",
    ),
    (
        "Callum Reyes",
        ["personal-health-budgets", "learning-disability"],
        ["recruitment-panels"],
        ["southvale-borough-council"],
        ["english"],
        ["weekends"],
        "public",
        ["easy_read"],
        "I use a personal health budget to pay my PAs.",
    ),
]

EXPERT_PROFILE = {
    "display_name": "Sam Whitfield",
    "bio": (
        "I have lived with multiple sclerosis for twelve years and have held a personal health "
        "budget for my wheelchair and support since 2019.\n\n"
        "I have chaired a service user forum and sat on two recruitment panels."
    ),
    "areas": ["personal-health-budgets", "long-term-conditions", "physical-disability"],
    "skills": ["chairing-meetings", "recruitment-panels", "reviewing-documents"],
    "localities": ["northshire-integrated-care-board", "northshire-county-council"],
    "languages": ["english", "british-sign-language"],
    "availability": ["weekday_daytime", "weekday_evenings"],
    "formats": ["large_print"],
}

OPPORTUNITIES = [
    {
        "title": "Join the personal health budgets co-production group",
        "summary": "Help us redesign how personal health budgets for wheelchairs are offered "
        "and reviewed across Northshire.",
        "what_it_involves": "Six meetings over a year with commissioners, clinicians and other "
        "people who hold personal health budgets. You will help write the new guidance and "
        "check the easy read version.",
        "time_commitment": "2 hours a month for 6 months",
        "format": Opportunity.Format.HYBRID,
        "hourly_rate": Decimal("25.00"),
        "areas": ["personal-health-budgets", "physical-disability"],
        "skills": ["chairing-meetings", "reviewing-documents"],
        "localities": ["northshire-integrated-care-board", "northshire-county-council"],
        "times": ["weekday_daytime"],
    },
    {
        "title": "Sit on a recruitment panel for the new short breaks provider",
        "summary": "Interview the organisations bidding to run short breaks for carers, "
        "alongside commissioners.",
        "what_it_involves": "Read the bids (we send them in the format you need), then join "
        "one day of interviews and score each bidder with the rest of the panel.",
        "time_commitment": "One day of interviews and about 4 hours of reading",
        "format": Opportunity.Format.IN_PERSON,
        "hourly_rate": Decimal("20.00"),
        "areas": ["carer", "learning-disability", "older-people"],
        "skills": ["recruitment-panels"],
        "localities": ["northshire-county-council"],
        "times": ["weekday_daytime"],
    },
]


def _terms(model, slugs):
    return list(model.objects.filter(slug__in=slugs))


def _demo_person(name: str):
    User = get_user_model()
    first, last = name.split(" ", 1)
    email = f"{first}.{last}".lower().replace(" ", "") + "@example.org"
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": first, "first_name": first, "last_name": last}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    user.groups.add(*Group.objects.filter(name__in=[roles.PARTICIPANT, roles.EXPERT]))
    return user


def seed_demo_profiles(*, users: dict) -> None:
    """About thirty varied expertise profiles, the demo expert's full profile, two
    opportunities, and the demo expert's accepted invitation and claims."""
    for name, areas, skills, localities, languages, times, visibility, formats, bio in PEOPLE:
        user = _demo_person(name)
        if ExpertProfile.objects.filter(user=user).exists():
            continue
        profile_services.profile_save(
            user=user,
            display_name=name.split(" ")[0] if visibility == "public" else name,
            bio=bio,
            experience_areas=_terms(ExperienceArea, areas),
            skills=_terms(Skill, skills),
            localities=_terms(Locality, localities),
            languages=_terms(Language, languages),
            availability=times,
            preferred_formats=formats,
            visibility=visibility,
            show_involvement_record=visibility == "public",
            consent_to_profile=True,
        )

    expert = users["expert@example.org"]
    if not ExpertProfile.objects.filter(user=expert).exists():
        profile_services.profile_save(
            user=expert,
            display_name=EXPERT_PROFILE["display_name"],
            bio=EXPERT_PROFILE["bio"],
            experience_areas=_terms(ExperienceArea, EXPERT_PROFILE["areas"]),
            other_experience="multiple sclerosis, wheelchair user",
            skills=_terms(Skill, EXPERT_PROFILE["skills"]),
            localities=_terms(Locality, EXPERT_PROFILE["localities"]),
            languages=_terms(Language, EXPERT_PROFILE["languages"]),
            availability=EXPERT_PROFILE["availability"],
            availability_notes="Not on Tuesdays: dialysis.",
            preferred_formats=EXPERT_PROFILE["formats"],
            visibility=ExpertProfile.Visibility.STAFF,
            show_involvement_record=True,
            consent_to_profile=True,
        )
    if passport_selectors.passport_for(user=expert) is None:
        passport_services.passport_save(
            user=expert,
            needs=["step_free_access", "breaks", "large_print"],
            other_needs="I use a powered wheelchair; please book the accessible room.",
            contact_format="large_print",
            payment_preference="voucher",
            consent=True,
        )

    commissioner = users["commissioner@example.org"]
    opportunities = []
    for spec in OPPORTUNITIES:
        opportunity = Opportunity.objects.filter(title=spec["title"]).first()
        if opportunity is None:
            opportunity = opportunity_services.opportunity_create(
                posted_by=commissioner,
                title=spec["title"],
                summary=spec["summary"],
                what_it_involves=spec["what_it_involves"],
                time_commitment=spec["time_commitment"],
                format=spec["format"],
                hourly_rate=spec["hourly_rate"],
                expenses="Travel, care and support costs paid at cost.",
                experience_areas=_terms(ExperienceArea, spec["areas"]),
                skills=_terms(Skill, spec["skills"]),
                localities=_terms(Locality, spec["localities"]),
                times_needed=spec["times"],
                closes_on=date.today() + timedelta(days=60),
            )
        opportunities.append(opportunity)

    phb_group = opportunities[0]
    invitation = opportunity_services.invitation_send(
        opportunity=phb_group,
        profile=expert.expert_profile,
        invited_by=commissioner,
        message="Your experience of a wheelchair budget would help the group a great deal.",
    )
    if invitation.status == Invitation.Status.PENDING:
        opportunity_services.invitation_respond(invitation=invitation, user=expert, accept=True)
    if not PaymentClaim.objects.filter(claimant=expert, opportunity=phb_group).exists():
        first = opportunity_services.claim_submit(
            opportunity=phb_group,
            claimant=expert,
            recorded_by=expert,
            worked_on=date.today() - timedelta(days=21),
            description="First group meeting, and reading the draft guidance",
            hours=Decimal("3.5"),
            payment_choice=PaymentClaim.PaymentChoice.VOUCHER,
            expenses_amount=Decimal("12.80"),
            expenses_description="Accessible taxi both ways",
        )
        opportunity_services.claim_review(claim=first, reviewer=commissioner, approve=True)
        opportunity_services.claim_submit(
            opportunity=phb_group,
            claimant=expert,
            recorded_by=expert,
            worked_on=date.today() - timedelta(days=7),
            description="Second group meeting",
            hours=Decimal("2"),
            payment_choice=PaymentClaim.PaymentChoice.PAID,
        )
    opportunity_services.interest_express(
        opportunity=opportunities[1],
        profile=ExpertProfile.objects.get(user__email="chloe.marsh@example.org"),
        message="I sat on a panel for home care last year.",
    )


def link_demo_group_to_its_opportunity(*, group) -> None:
    """The co-production group's sessions are paid at the rate of the opportunity people joined
    it through, so the demo expert can claim for the past session from attendance."""
    Opportunity.objects.filter(title=OPPORTUNITIES[0]["title"], coproduction_group=None).update(
        coproduction_group=group
    )
