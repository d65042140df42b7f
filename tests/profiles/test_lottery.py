"""Panels by lottery: the optional answers people give for a draw, a draw that meets quotas
(sortition-algorithms, in a child process), and a draw that can be run again from its seed."""

import itertools

import pytest
from asgiref.local import Local
from django.core.management import call_command
from django.test.utils import override_settings
from django_tasks import task_backends

from coproduce.accounts import roles
from engagement.models import Invitation, LotteryAnswers, LotteryDraw, LotteryRequest
from engagement.profiles.services.lottery import (
    LotteryError,
    lottery_answers_give,
    lottery_check,
    lottery_pool,
    lottery_request,
    lottery_request_run,
    lottery_run,
)
from engagement.profiles.services.opportunities import interest_express
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commissioner(role_user):
    return role_user(roles.COMMISSIONER)


@pytest.fixture
def opportunity(commissioner):
    return factories.OpportunityFactory(
        title="Short breaks for carers: citizens' panel",
        posted_by=commissioner,
        selected_by_lottery=True,
    )


AGES = ["18_24", "35_49", "65_79"]
ETHNICITIES = ["white", "asian", "black"]


@pytest.fixture
def pool(opportunity, term):
    """Eighteen people: every combination of three ages, disabled or not, and three ethnic
    groups, in two areas, answers given with consent."""
    areas = [term("northshire-county-council"), term("eastbridge-city-council")]
    interests = []
    for n, (age, disabled, ethnicity) in enumerate(
        itertools.product(AGES, ["yes", "no"], ETHNICITIES)
    ):
        interest = interest_express(
            opportunity=opportunity, profile=factories.ExpertProfileFactory()
        )
        lottery_answers_give(
            interest=interest,
            age_band=age,
            disability=disabled,
            ethnicity=ethnicity,
            area=areas[n % 2],
        )
        interests.append(interest)
    return interests


QUOTAS = {
    "age_band": {"18_24": [2, 2], "35_49": [2, 2], "65_79": [2, 2]},
    "disability": {"yes": [3, 4], "no": [2, 3]},
    "ethnicity": {"white": [1, 2], "asian": [2, 3], "black": [2, 2]},
    "area": {"northshire-county-council": [3, 3], "eastbridge-city-council": [3, 3]},
}


def _counts(draw, feature):
    chosen = {str(i) for i in draw.selected}
    counts = {}
    for person in draw.pool:
        if person["id"] in chosen:
            counts[person[feature]] = counts.get(person[feature], 0) + 1
    return counts


def test_the_panel_meets_every_quota(opportunity, pool, commissioner):
    draw = lottery_run(
        opportunity=opportunity, drawn_by=commissioner, panel_size=6, quotas=QUOTAS, seed=20261130
    )
    assert len(draw.selected) == 6
    assert set(draw.selected) <= {interest.pk for interest in pool}
    for feature, groups in QUOTAS.items():
        counts = _counts(draw, feature)
        for value, (low, high) in groups.items():
            assert low <= counts.get(value, 0) <= high, (feature, value, counts)
    assert draw.algorithm in {"leximin", "maximin"}
    assert len(draw.pool) == 18
    # The pool as drawn holds no names, only the interest ids and the four answers.
    assert set(draw.pool[0]) == {"id", "age_band", "disability", "ethnicity", "area"}


def test_a_draw_is_reproducible_from_its_seed(opportunity, pool, commissioner):
    first = lottery_run(
        opportunity=opportunity, drawn_by=commissioner, panel_size=6, quotas=QUOTAS, seed=4242
    )
    again = lottery_run(
        opportunity=opportunity, drawn_by=commissioner, panel_size=6, quotas=QUOTAS, seed=4242
    )
    assert sorted(first.selected) == sorted(again.selected)
    assert lottery_check(draw=first) is True
    # A tampered record fails the check.
    others = [i.pk for i in pool if i.pk not in first.selected]
    first.selected = [*first.selected[:-1], others[0]]
    assert lottery_check(draw=first) is False


def test_quotas_that_cannot_be_met_are_refused_and_nothing_is_stored(
    opportunity, pool, commissioner
):
    impossible = {**QUOTAS, "age_band": {"18_24": [4, 4], "35_49": [4, 4], "65_79": [4, 4]}}
    with pytest.raises(LotteryError):
        lottery_run(opportunity=opportunity, drawn_by=commissioner, panel_size=6, quotas=impossible)
    missing_group = {**QUOTAS, "ethnicity": {"white": [0, 6]}}
    with pytest.raises(LotteryError):
        lottery_run(
            opportunity=opportunity, drawn_by=commissioner, panel_size=6, quotas=missing_group
        )
    assert not LotteryDraw.objects.exists()


def test_interest_with_answers_needs_consent_and_keeps_them_apart(client, role_user, term):
    commissioner = role_user(roles.COMMISSIONER)
    opportunity = factories.OpportunityFactory(posted_by=commissioner, selected_by_lottery=True)
    profile = factories.ExpertProfileFactory(user=role_user(roles.EXPERT))
    client.force_login(profile.user)
    url = f"/opportunities/{opportunity.pk}/interest/"
    page = client.get(f"/opportunities/{opportunity.pk}/").content.decode()
    assert "About you, for the draw (optional)" in page

    refused = client.post(url, {"message": "", "age_band": "65_79", "disability": "yes"})
    assert refused.status_code == 200
    assert "Tick the box to let us use your answers" in refused.content.decode()
    assert not profile.interests.exists()

    area = term("westmoor-district-council")
    client.post(
        url,
        {
            "age_band": "65_79",
            "disability": "yes",
            "ethnicity": "black",
            "area": area.pk,
            "consent": "on",
        },
    )
    answers = LotteryAnswers.objects.get(interest__profile=profile)
    assert (answers.age_band, answers.disability, answers.ethnicity, answers.area) == (
        "65_79",
        "yes",
        "black",
        area,
    )


def test_interest_without_answers_keeps_nothing(client, role_user):
    opportunity = factories.OpportunityFactory(selected_by_lottery=True)
    profile = factories.ExpertProfileFactory(user=role_user(roles.EXPERT))
    client.force_login(profile.user)
    client.post(f"/opportunities/{opportunity.pk}/interest/", {"message": "Count me in"})
    assert profile.interests.filter(opportunity=opportunity).exists()
    assert not LotteryAnswers.objects.exists()


def test_commissioner_draws_and_checks_on_the_pages(client, opportunity, pool, commissioner):
    client.force_login(commissioner)
    page = client.get(f"/opportunities/{opportunity.pk}/lottery/").content.decode()
    assert "18 people have expressed interest." in page
    # Three people per age band and area pair... each age band holds 6: shown; no group of 1-4.
    data = {"panel_size": "6", "seed": "777"}
    for feature, groups in QUOTAS.items():
        for value, (low, high) in groups.items():
            data[f"{feature}__{value}__min"] = str(low)
            data[f"{feature}__{value}__max"] = str(high)
    asked = client.post(f"/opportunities/{opportunity.pk}/lottery/", data)
    # The draw runs as a background task (immediately in tests): the request's status page
    # sends the commissioner on to the panel once it is drawn.
    lottery_request = LotteryRequest.objects.get()
    assert asked.status_code == 302
    status_url = f"/opportunities/{opportunity.pk}/lottery/requests/{lottery_request.pk}/"
    assert asked["Location"] == status_url
    response = client.get(status_url)
    draw = LotteryDraw.objects.get()
    assert lottery_request.seed == draw.seed == 777
    assert response.status_code == 302
    assert response["Location"] == f"/opportunities/{opportunity.pk}/lottery/{draw.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "777" in page
    assert page.count('<td class="nhsuk-table__cell">Yes</td>') == sum(
        len(groups) for groups in QUOTAS.values()
    )
    checked = client.post(response["Location"]).content.decode()
    assert "chose the same people" in checked


def test_impossible_quotas_on_the_page_say_so(client, opportunity, pool, commissioner):
    client.force_login(commissioner)
    data = {"panel_size": "6"}
    for feature, groups in QUOTAS.items():
        for value in groups:
            data[f"{feature}__{value}__min"] = "5"
            data[f"{feature}__{value}__max"] = "6"
    response = client.post(f"/opportunities/{opportunity.pk}/lottery/", data)
    assert response.status_code == 200
    assert "cannot be met" in response.content.decode()
    assert not LotteryDraw.objects.exists()


def test_small_groups_are_hidden_in_the_pool_counts(client, opportunity, commissioner, term):
    for age in ["18_24", "18_24", "65_79"]:
        interest = interest_express(
            opportunity=opportunity, profile=factories.ExpertProfileFactory()
        )
        lottery_answers_give(
            interest=interest, age_band=age, disability="", ethnicity="", area=None
        )
    client.force_login(commissioner)
    page = client.get(f"/opportunities/{opportunity.pk}/lottery/").content.decode()
    assert "[c]" in page
    assert "hidden to protect people&#x27;s privacy" in page


@pytest.mark.parametrize("role", [roles.EXPERT, roles.FACILITATOR, roles.PARTICIPANT])
def test_only_commissioners_draw(client, role_user, opportunity, role):
    client.force_login(role_user(role))
    assert client.get(f"/opportunities/{opportunity.pk}/lottery/").status_code == 403


def test_no_lottery_page_for_an_opportunity_not_chosen_by_lottery(client, commissioner):
    opportunity = factories.OpportunityFactory(posted_by=commissioner)
    client.force_login(commissioner)
    assert client.get(f"/opportunities/{opportunity.pk}/lottery/").status_code == 404


def test_the_chosen_are_invited_with_the_draw_as_the_reason(
    client, opportunity, pool, commissioner
):
    draw = lottery_run(
        opportunity=opportunity, drawn_by=commissioner, panel_size=6, quotas=QUOTAS, seed=31
    )
    client.force_login(commissioner)
    url = f"/opportunities/{opportunity.pk}/lottery/{draw.pk}/"
    assert "not invited yet" in client.get(url).content.decode()
    assert client.post(url, {"action": "invite"}).status_code == 302
    client.post(url, {"action": "invite"})  # twice: nothing changes
    invitations = Invitation.objects.filter(opportunity=opportunity)
    assert sorted(invitations.values_list("profile__interests__pk", flat=True)) == sorted(
        draw.selected
    )
    reason = f"chosen by lottery: draw {draw.pk}, seed 31, {draw.algorithm}"
    assert all(invitation.match_reasons == [reason] for invitation in invitations)
    assert "invited, waiting for a reply" in client.get(url).content.decode()
    audit = client.get(f"/opportunities/{opportunity.pk}/invitations/").content.decode()
    assert reason in audit


def test_lottery_pages_query_counts_stay_flat(
    client, opportunity, commissioner, term, exact_queries
):
    areas = [term("northshire-county-council"), term("eastbridge-city-council")]
    client.force_login(commissioner)

    def grow(how_many):
        for n in range(how_many):
            interest = interest_express(
                opportunity=opportunity, profile=factories.ExpertProfileFactory()
            )
            lottery_answers_give(
                interest=interest,
                age_band=AGES[n % 3],
                disability="yes" if n % 2 else "no",
                ethnicity=ETHNICITIES[n % 3],
                area=areas[n % 2],
            )

    for how_many in (6, 14):
        grow(how_many)
        pool = lottery_pool(opportunity=opportunity)
        # A stored draw, written directly: the pages' cost does not depend on how it was drawn.
        draw = LotteryDraw.objects.create(
            opportunity=opportunity,
            panel_size=4,
            quotas={"age_band": {}, "disability": {}, "ethnicity": {}, "area": {}},
            pool=pool,
            seed=1,
            algorithm="maximin",
            selected=[int(person["id"]) for person in pool[:4]],
            drawn_by=commissioner,
        )
        for name, url in (
            ("commissioner: lottery", f"/opportunities/{opportunity.pk}/lottery/"),
            ("commissioner: lottery draw", f"/opportunities/{opportunity.pk}/lottery/{draw.pk}/"),
        ):
            client.get(url)
            with exact_queries(name):
                assert client.get(url).status_code == 200


# --- The draw as a background task ------------------------------------------------------------
# The page answers at once with a status page; a worker (django-tasks' database backend on
# PostgreSQL, run here as `db_worker --batch`) draws the panel with the seed fixed when it was
# asked for; a draw the quotas do not allow ends as "could not be drawn" with the reason.


def _reset_backends():
    # django-tasks keeps its backends per alias and does not listen for settings changes.
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def database_queue():
    """Queue tasks in PostgreSQL, as production does, instead of running them at once."""
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    ):
        _reset_backends()
        yield
    _reset_backends()


def _form(panel_size=6, seed="31337"):
    data = {"panel_size": str(panel_size), "seed": seed}
    for feature, groups in QUOTAS.items():
        for value, (low, high) in groups.items():
            data[f"{feature}__{value}__min"] = str(low)
            data[f"{feature}__{value}__max"] = str(high)
    return data


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection
def test_the_page_answers_at_once_and_a_worker_draws_the_panel(
    client, opportunity, pool, commissioner, database_queue
):
    client.force_login(commissioner)
    response = client.post(f"/opportunities/{opportunity.pk}/lottery/", _form())
    asked = LotteryRequest.objects.get()
    assert response.status_code == 302
    assert asked.status == "queued" and asked.seed == 31337
    assert not LotteryDraw.objects.exists()
    # The draw did not run in the request: nothing drawn, the request waiting for a worker.
    # (How long the request takes is measured in docs/profiles.md, not asserted here: this
    # shared machine's load decides it.)
    waiting = client.get(response["Location"])
    assert waiting.status_code == 200
    page = waiting.content.decode()
    assert "waiting to start" in page and "Check again" in page
    assert 'http-equiv="refresh"' not in page  # nothing moves under a screen reader's feet

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    asked.refresh_from_db()
    assert asked.status == "done"
    draw = asked.draw
    assert draw.seed == 31337 and len(draw.selected) == 6
    for feature, groups in QUOTAS.items():
        counts = _counts(draw, feature)
        for value, (low, high) in groups.items():
            assert low <= counts.get(value, 0) <= high
    done = client.get(response["Location"])
    assert done["Location"] == f"/opportunities/{opportunity.pk}/lottery/{draw.pk}/"


def test_a_draw_from_the_same_seed_in_the_background_chooses_the_same_people(
    opportunity, pool, commissioner
):
    first = lottery_request(
        opportunity=opportunity, requested_by=commissioner, panel_size=6, quotas=QUOTAS, seed=5
    )
    second = lottery_request(
        opportunity=opportunity, requested_by=commissioner, panel_size=6, quotas=QUOTAS, seed=5
    )
    a = lottery_request_run(request_id=first.pk).draw
    b = lottery_request_run(request_id=second.pk).draw
    assert sorted(a.selected) == sorted(b.selected)
    # A request runs once.
    assert lottery_request_run(request_id=first.pk).draw == a
    assert LotteryDraw.objects.count() == 2


def test_a_draw_the_solver_refuses_ends_with_the_reason(opportunity, pool, commissioner):
    # Every quota is possible on its own, so the quick checks pass; but the 6 disabled people
    # in Northshire are 3 white and 3 black, and the panel needs 2 Asian people: only the
    # solver finds that, in the background.
    impossible = {
        **QUOTAS,
        "disability": {"yes": [6, 6], "no": [0, 0]},
        "area": {"northshire-county-council": [6, 6], "eastbridge-city-council": [0, 0]},
    }
    asked = lottery_request(
        opportunity=opportunity, requested_by=commissioner, panel_size=6, quotas=impossible
    )
    ended = lottery_request_run(request_id=asked.pk)
    assert ended.status == "failed"
    assert "cannot be met" in ended.error
    assert not LotteryDraw.objects.exists()
