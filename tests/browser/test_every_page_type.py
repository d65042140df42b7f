"""One page of every type, as the roles who use it, in headless Chromium against a real server
process (so the live room's WebSocket connects): nothing in the console (no error, no warning,
nothing the Content-Security-Policy blocks, such as the NHS font), no failed request and nothing
fetched from another host.

The same pages go through two other engines than axe: HTML_CodeSniffer (pa11y's engine,
WCAG2AA errors) injected into each page, and the Nu HTML checker (vnu.jar) over the HTML as
served. Both come from npm (package.json; `make test` runs `npm ci`)."""

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from coproduce.accounts import roles
from tests import factories
from tests.conftest import require
from tests.consultations.conftest import SUBMITTED
from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import real_servers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
HTMLCS = NODE_MODULES / "html_codesniffer" / "build" / "HTMLCS.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def site(home_page, role_user):
    """People in every role and one thing of every kind; returns {role: (user, [paths])}."""
    now = timezone.now()
    people = {
        role: role_user(role, display_name=name)
        for role, name in [
            (roles.PARTICIPANT, "Pat"),
            (roles.EXPERT, "Sam"),
            (roles.FACILITATOR, "Rina"),
            (roles.COMMISSIONER, "Chris"),
            (roles.EDITOR, "Eddie"),
        ]
    }
    open_consultation = factories.make_consultation(title="Short breaks for carers")
    closed = factories.make_consultation(
        title="Wheelchair services",
        slug="wheelchair-services",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=1),
    )
    for n, group in enumerate([{"carer": "yes"}] * 7 + [{"carer": "no"}] * 6):
        factories.make_response(closed, answers=SUBMITTED[n % 3], equality=group)
    decision = factories.make_decision(consultations=[closed])
    group = factories.CoproductionGroupFactory(
        name="Wheelchair services group",
        members=[people[roles.EXPERT]],
        facilitators=[people[roles.FACILITATOR]],
    )
    live = factories.SessionFactory(group=group, title="Wheelchair budgets")
    factories.AgendaItemFactory(session=live, title="Welcome")
    profile = factories.ExpertProfileFactory(user=people[roles.EXPERT], display_name="Sam")
    opportunity = factories.OpportunityFactory(
        title="Join the wheelchair services group", posted_by=people[roles.COMMISSIONER]
    )
    factories.InvitationFactory(opportunity=opportunity, profile=profile, status="accepted")
    factories.PaymentClaimFactory(opportunity=opportunity, claimant=people[roles.EXPERT])

    public = [
        "/",
        "/consultations/",
        open_consultation.url,
        closed.url,
        f"/consultations/{closed.pk}/results/",
        "/decisions/",
        decision.url,
        "/groups/",
        f"/groups/{group.slug}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/search/?q=care",
    ]
    return {
        None: (None, public),
        roles.PARTICIPANT: (
            people[roles.PARTICIPANT],
            [
                "/my/",
                f"/consultations/{open_consultation.pk}/answer/section/1/",
                f"/consultations/{open_consultation.pk}/answer/check/",
                "/notifications/",
                "/my-data/",
            ],
        ),
        roles.EXPERT: (
            people[roles.EXPERT],
            [
                "/my/",
                "/profiles/me/",
                f"/profiles/{profile.pk}/",
                "/opportunities/",
                f"/opportunities/{opportunity.pk}/",
                "/claims/",
                f"/claims/new/{opportunity.pk}/",
                live.get_absolute_url(),
            ],
        ),
        roles.FACILITATOR: (
            people[roles.FACILITATOR],
            ["/my/", live.get_absolute_url(), f"/sessions/{live.pk}/transcript/"],
        ),
        roles.COMMISSIONER: (
            people[roles.COMMISSIONER],
            [
                "/my/",
                f"/consultations/{closed.pk}/results/",
                f"/consultations/{closed.pk}/results/breakdown/?by=carer",
                decision.url,
                f"/decisions/{decision.pk}/involvement-report/",
                "/claims/",
                "/directory/",
            ],
        ),
        roles.EDITOR: (people[roles.EDITOR], ["/my/", "/decisions/sign-off/"]),
    }


@pytest.fixture
def server(site):
    with real_servers(1) as urls:
        yield urls[0]


def open_as(browser, base_url, user, viewport=None, **options):
    context = browser.new_context(
        **options,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport=viewport or {"width": 1280, "height": 800},
    )
    if user is not None:
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": base_url}]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def visit_quietly(page, url: str) -> list[str]:
    """Open a page and wait until the network is idle; return what went wrong, as text."""
    problems = []
    base = url.split("/", 3)[:3]
    origin = "/".join(base)
    listeners = {
        "console": lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
        "pageerror": lambda error: problems.append(f"page error: {error}"),
        "requestfailed": lambda request: problems.append(
            f"failed request: {request.url} ({request.failure})"
        ),
        "request": lambda request: (
            problems.append(f"request to another host: {request.url}")
            if not request.url.startswith((origin, "data:", "blob:"))
            else None
        ),
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        if response is None or response.status != 200:
            problems.append(f"status {response.status if response else 'none'}")
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
    return problems


def test_every_page_type_is_quiet_in_the_console_as_each_role(browser, site, server):
    # One test for every role: building the site and starting the server is the slow part.
    found = {}
    for role, (user, paths) in site.items():
        page = open_as(browser, server, user)
        for path in paths:
            problems = visit_quietly(page, server + path)
            if problems:
                found[f"{role or 'anonymous'} {path}"] = problems
        page.context.close()
    assert found == {}, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in found.items())


def test_without_the_nhs_font_turned_on_no_font_is_asked_for_and_text_is_in_arial(
    browser, site, live_server
):
    server = live_server.url
    page = open_as(browser, server, None, viewport=PHONE)
    fonts = []
    page.on("request", lambda r: fonts.append(r.url) if "/fonts/" in r.url else None)
    reply = page.goto(server + "/")
    page.wait_for_load_state("networkidle")
    assert fonts == []
    # The policy's directives come in no fixed order: read them, not the header's text.
    directives = [d.split() for d in reply.headers["content-security-policy"].split(";")]
    assert [d[1:] for d in directives if d and d[0] == "font-src"] == [["'self'"]]
    # No web font is declared at all, so text is in Arial (NHS.UK frontend's fallback).
    assert page.evaluate("document.fonts.size") == 0
    page.context.close()


HTMLCS_ERRORS = """() => new Promise(done => HTMLCS.process("WCAG2AA", document, () => done(
    HTMLCS.getMessages().filter(m => m.type === HTMLCS.ERROR).map(
        m => `${m.code}: ${m.msg} at ${(m.element.outerHTML || "").slice(0, 120)}`))))"""


def test_html_codesniffer_and_the_nu_html_checker_find_no_errors_on_any_page_type(
    browser, site, live_server, tmp_path
):
    # Django's test server: what is checked here is the markup, not the room's live connection.
    server = live_server.url
    require(
        HTMLCS.exists() and VNU.exists(), "needs `npm ci` (node_modules: vnu-jar, html_codesniffer)"
    )
    java = shutil.which("java")
    require(java is not None, "needs java for the Nu HTML checker")
    found, served = {}, {}
    for role, (user, paths) in site.items():
        # The checker is injected as a script, which the page's policy forbids: bypass it here
        # only (the console test above runs under the policy).
        page = open_as(browser, server, user, bypass_csp=True)
        for path in paths:
            reply = page.goto(server + path)
            page.wait_for_load_state("networkidle")
            name = f"{role or 'anonymous'} {path}"
            served[name] = reply.text()
            page.add_script_tag(path=str(HTMLCS))
            errors = page.evaluate(HTMLCS_ERRORS)
            if errors:
                found[f"HTML_CodeSniffer, {name}"] = errors
        page.context.close()

    files = {}
    for n, (name, html) in enumerate(served.items()):
        file = tmp_path / f"page-{n}.html"
        file.write_text(html, encoding="utf-8")
        files[file.name] = name
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            *map(str, tmp_path.glob("*.html")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    for message in json.loads(result.stderr or '{"messages": []}')["messages"]:
        url = message.get("url", "")
        name = files.get(url.rsplit("/", 1)[-1], url)
        found.setdefault(f"Nu HTML checker, {name}", []).append(
            f"line {message.get('lastLine')}: {message['message']}"
        )
    assert found == {}, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in found.items())
