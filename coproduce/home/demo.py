"""Demo site content: the home page, a few content pages, the organisation settings.
Idempotent: pages are found by slug and updated, never duplicated."""

from urllib.parse import urlsplit

from wagtail.models import Page, Site

from .models import ContentPage, FooterLink, HomePage, NavigationLink, OrganisationSettings

ORGANISATION = "Northshire Health and Care Partnership"

HOME_INTRO = (
    "Northshire Integrated Care Board and Northshire County Council decide together which "
    "health and care services exist here. Tell us what matters to you, help shape services "
    "with us, and see what we decided because you took part."
)

HOME_BODY = [
    ("heading", "How you can take part"),
    (
        "card_group",
        {
            "column": "one-third",
            "body": [
                (
                    "card_clickable",
                    {
                        "heading": "Answer a consultation",
                        "heading_level": 3,
                        "body": "<p>Short questionnaires on services such as short breaks for "
                        "carers and personal health budgets. Easy read versions available.</p>",
                        "url": "/consultations/",
                    },
                ),
                (
                    "card_clickable",
                    {
                        "heading": "Share your expertise",
                        "heading_level": 3,
                        "body": "<p>If you have lived experience of care and support, join a "
                        "co-production group. We pay for your time.</p>",
                        "url": "/opportunities/",
                    },
                ),
                (
                    "card_clickable",
                    {
                        "heading": "You said, we did",
                        "heading_level": 3,
                        "body": "<p>See what we decided, and how what people told us changed "
                        "it.</p>",
                        "url": "/decisions/",
                    },
                ),
            ],
        },
    ),
    (
        "inset_text",
        {
            "body": "<p>Nothing about me, without me. You can ask for any page in easy read, "
            "large print, British Sign Language or on paper.</p>"
        },
    ),
]

CONTENT_PAGES = [
    (
        "about-co-production",
        "About co-production",
        "Co-production means people who use services work with the people who commission them, "
        "as equals, from the start.",
        [
            ("heading", "What co-production means here"),
            (
                "paragraph",
                "<p>Commissioning is how the NHS and the council decide which services exist and "
                "buy them. We analyse what people need, plan, buy, and review what happened. "
                "Co-production means people with lived experience take part in every step, not "
                "only a survey at the end.</p>",
            ),
            (
                "paragraph",
                "<p>We say on every decision how involved people were: informed, consulted, "
                "involved, co-produced or co-decided. A survey alone is 'consulted'.</p>",
            ),
            ("heading", "How to get involved"),
            (
                "paragraph",
                '<p><a href="/accounts/signup/">Create an account</a>, then keep an expertise '
                "profile saying what you know from your own life, so commissioners can invite "
                'you. See the <a href="/opportunities/">opportunities open now</a>, or '
                '<a href="/groups/">the co-production groups and their live sessions</a>.</p>',
            ),
            (
                "details",
                {
                    "title": "What is a personal health budget?",
                    "body": [
                        (
                            "richtext",
                            "<p>An amount of money to support your health and wellbeing needs, "
                            "planned and agreed between you and your local NHS team. You can "
                            "choose how it is spent.</p>",
                        )
                    ],
                },
            ),
        ],
    ),
    (
        "involvement-payments",
        "How we pay for your involvement",
        "Experts by experience are paid for their time, as other experts are.",
        [
            (
                "paragraph",
                "<p>For each session or task you can choose to be paid, take a voucher, or "
                "decline payment. Payments can affect some welfare benefits, so the choice is "
                "yours. We always pay travel and other expenses.</p>",
            ),
        ],
    ),
    (
        "accessibility-statement",
        "Accessibility statement",
        "We want as many people as possible to be able to use this website.",
        [
            (
                "paragraph",
                "<p>This website aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 "
                "at level AA. Every page type is checked with automated tests in a real browser, "
                "and works by keyboard alone.</p>",
            ),
            ("heading", "Asking for another format"),
            (
                "paragraph",
                "<p>If you need information in a different format, such as easy read, large "
                "print, British Sign Language or paper, contact us and we will reply within "
                "5 working days.</p>",
            ),
        ],
    ),
    (
        "privacy-notice",
        "Privacy notice",
        "What we hold about you, why, and how to see or erase it.",
        [
            (
                "paragraph",
                "<p>Health, disability and ethnicity are special-category data. We ask for them "
                "only with a clear purpose and your consent, keep equality monitoring apart from "
                "your answers, and report it only in totals, with every figure that could let "
                "someone be picked out hidden and marked [c].</p>",
            ),
            ("heading", "About you: equality monitoring in your involvement passport"),
            (
                "paragraph",
                "<p>You may keep answers about your age, sex, ethnic group, disability and "
                "caring in your involvement passport. This is optional and has its own consent. "
                "We use these answers only for counts of groups of people, to see whether the "
                "people who take part in our co-production groups are like the people who live "
                "here. They are never shown with your name, and never used to choose you for "
                "anything: not for invitations, and not for a panel chosen by lottery, which "
                "asks its own questions for that draw only. Counts of fewer than 5 people are "
                "hidden. You can delete your answers at any time; they are included when you "
                "download your data and deleted when you delete your account.</p>",
            ),
        ],
    ),
]


def _save(page: Page) -> None:
    revision = page.save_revision()
    revision.publish()


def seed_demo_site(*, address: str = "") -> HomePage:
    """Fill the home page and content pages, and set the organisation and its links.
    Pages already there are left as they are, so an editor's changes survive a re-seed."""
    home = HomePage.objects.get()
    if not home.introduction:
        home.introduction = HOME_INTRO
        home.body = HOME_BODY
        _save(home)

    pages = {}
    for slug, title, summary, body in CONTENT_PAGES:
        page = ContentPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = home.add_child(
                instance=ContentPage(slug=slug, title=title, summary=summary, body=body)
            )
            _save(page)
        pages[slug] = page

    site = Site.objects.get(is_default_site=True)
    if address:
        # Links in emails (decision notices, receipts) are built from the site's host and port:
        # make them the address the demo is served on.
        parts = urlsplit(address)
        site.hostname = parts.hostname or site.hostname
        site.port = parts.port or (443 if parts.scheme == "https" else 80)
        site.save(update_fields=["hostname", "port"])
    organisation = OrganisationSettings.for_site(site)
    organisation.organisation_name = ORGANISATION
    organisation.service_name = "Have your say"
    organisation.contact_email = "involvement@northshire.example.org"
    organisation.contact_phone = "0300 123 4567"
    organisation.footer_text = "Northshire Integrated Care Board and Northshire County Council"
    organisation.save()
    NavigationLink.objects.update_or_create(
        setting=organisation,
        sort_order=0,
        defaults={"label": "About co-production", "page": pages["about-co-production"]},
    )
    for order, slug in enumerate(["accessibility-statement", "privacy-notice"]):
        FooterLink.objects.update_or_create(
            setting=organisation,
            sort_order=order,
            defaults={"label": pages[slug].title, "page": pages[slug]},
        )
    return home
