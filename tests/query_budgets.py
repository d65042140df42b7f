"""Exact query counts for the pages whose cost must not grow with the data (as zulip's
`assert_database_query_count` pins them).

A test asks for a page's budget by name and fails if the page makes one query more *or fewer*:
a change in the number is a change in behaviour to look at, not noise. To change a number, change
it here in the same commit as the code, and say why in the reason. Counts are with the site's
per-process caches warm (site, settings, the viewer's roles), as a second request finds them.
"Chrome" is what every page shows around its content: the site, the organisation's settings, the
header and footer links, kept in the cache (coproduce/kept.py), so no query once kept; "signed in"
the session, the user and their roles. `QUERY_BUDGETS_REPORT=1 pytest
…` prints every block's queries instead of asserting."""

from typing import NamedTuple


class Budget(NamedTuple):
    queries: int
    reason: str


# The site chrome (the site, the organisation settings, the header links, the header's section
# links, the footer links) costs no query once kept: six fewer on every page since it is kept
# in the cache until any of them changes (coproduce/home/chrome.py). Signed in, the session,
# the user and the user's groups (roles) add 3. A claims page also counts the person's claims
# by status for the history's filters.
QUERY_BUDGETS: dict[str, Budget] = {
    "consultation index": Budget(13, "chrome, Wagtail's routing, topics, one page of the listing"),
    "consultation page": Budget(16, "chrome, routing, documents, topics, the visitor's response"),
    "answering section": Budget(6, "chrome, the consultation, its sections, questions, choices"),
    "directory": Budget(
        7,
        "signed in, chrome, the count, one page of profiles, their terms' names (1, all four "
        "kinds); the filters with nothing chosen come rendered, under the terms' fingerprint (1)",
    ),
    "matching": Budget(
        13,
        "the weights, areas' shares of profiles and of the people involved (2), the "
        "opportunity's terms, the candidates with their fairness figures, and their terms",
    ),
    "room page (facilitator)": Budget(
        17,
        "signed in, rule checks (one query for both of the person's roles in the group, "
        "remembered for the request), log, people, polls, agenda; the person's roles (header)",
    ),
    "transcript": Budget(
        11,
        "signed in, rule checks (one query for both of the person's roles in the group), the "
        "log, removals, people, polls; the person's roles (header)",
    ),
    "expert: /opportunities/": Budget(8, "signed in, chrome, one page of opportunities"),
    "expert: /opportunities/invitations/": Budget(4, "signed in, chrome, the invitations"),
    "expert: /claims/": Budget(
        9,
        "signed in, chrome, the person's claims; sessions they took part in not yet claimed "
        "and the rates that pay them (2, issue 15: claims pre-filled from attendance)",
    ),
    "facilitator: /claims/": Budget(
        9,
        "signed in, chrome, claims they recorded, opportunities someone took up; members of "
        "their groups who took part in a session and have not been claimed for, and the "
        "rates that pay them (2)",
    ),
    "expert: /profiles/me/": Budget(12, "signed in, chrome, profile, taxonomies, record"),
    "commissioner: /opportunities/": Budget(6, "signed in, chrome, one page of opportunities"),
    "commissioner: /claims/": Budget(9, "signed in, chrome, claims to review"),
    "commissioner: matches": Budget(
        23,
        "signed in, chrome, the opportunity, matching (13), and the commissioner's model "
        "permissions (2) for the 'Change the weights' link",
    ),
    "commissioner: invitation round": Budget(
        9, "signed in, chrome, the opportunity and its terms, the invitations with people"
    ),
    "commissioner: lottery": Budget(
        11, "signed in, chrome, the opportunity and its terms, the pool, area names, the draws"
    ),
    "commissioner: lottery draw": Budget(
        11, "signed in, chrome, the opportunity and its terms, the draw, area names, the panel"
    ),
    "commissioner: series comparison": Budget(
        7, "signed in, chrome, the waves, their keyed questions and choices, answer counts"
    ),
    "expert: /profiles/me/record/": Budget(
        12, "signed in, chrome, the record (4) and the ledger by year (4)"
    ),
    # One fewer since access needs left the profile for the involvement passport (issue 15).
    "commissioner: a profile": Budget(8, "signed in, chrome, the profile and its taxonomies"),
    # The open-data API has no chrome and no session: only what the answer holds.
    "api: consultations": Budget(
        4, "the private pages (Wagtail's public()), the count, one page (status in SQL), topics"
    ),
    "api: consultation results": Budget(
        13,
        "the page and whether it is restricted, its results version (results_cache.py), "
        "questions, choices, respondents, figures of "
        "every answer and of unsubmitted ones, people per question (both), latest free text, "
        "whether a published decision links to it (its status)",
    ),
    "api: decisions": Budget(
        9,
        "the count, one page, topics, points (with their cited themes, answers, contributions), "
        "sessions, minority views, consultations, contests",
    ),
}
