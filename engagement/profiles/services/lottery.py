"""Panels by lottery: the four optional equality answers given for a draw, running a draw with
`sortition-algorithms` (in `engagement.profiles.lottery_draw`, in a child process), and
running a stored draw again to check it."""

import json
import os
import secrets
import subprocess
import sys

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from engagement.profiles.models import (
    ExpressionOfInterest,
    Invitation,
    Locality,
    LotteryAnswers,
    LotteryDraw,
    LotteryRequest,
    Opportunity,
)
from engagement.profiles.services.opportunities import invitation_send

# The draw's features, in the order pages show them.
FEATURES = ("age_band", "disability", "ethnicity", "area")
# The value standing for "no answer" in a feature, so everyone who expressed interest is in
# the pool whether or not they answered.
NOT_GIVEN = "prefer_not"
DRAW_TIMEOUT_SECONDS = 300
LARGEST_SEED = 2**31 - 1


class LotteryError(ValidationError):
    """A draw that cannot be run: quotas that cannot be met, too few people, a bad seed."""


UNMEETABLE = _(
    "These quotas cannot be met by the people who expressed interest. Lower some minimums or "
    "raise some maximums, and check the minimums add up to no more than the panel size in "
    "each group."
)


def lottery_answers_give(
    *,
    interest: ExpressionOfInterest,
    age_band: str,
    disability: str,
    ethnicity: str,
    area: Locality | None,
) -> LotteryAnswers:
    """Keep the person's four answers for the opportunity's draw (they ticked consent). Answers
    given again replace the earlier ones."""
    answers, _created = LotteryAnswers.objects.update_or_create(
        interest=interest,
        defaults={
            "age_band": age_band or NOT_GIVEN,
            "disability": disability or NOT_GIVEN,
            "ethnicity": ethnicity or NOT_GIVEN,
            "area": area,
            "consented_at": timezone.now(),
        },
    )
    return answers


def lottery_pool(*, opportunity: Opportunity) -> list[dict]:
    """Everyone who expressed interest, as the draw sees them: the interest's id and the four
    answers (no name, no profile). Someone who gave no answers is "prefer not to say" in each."""
    interests = (
        ExpressionOfInterest.objects.filter(opportunity=opportunity)
        .select_related("lottery_answers__area")
        .order_by("pk")
    )
    pool = []
    for interest in interests:
        answers = getattr(interest, "lottery_answers", None)
        pool.append(
            {
                "id": str(interest.pk),
                "age_band": answers.age_band if answers else NOT_GIVEN,
                "disability": answers.disability if answers else NOT_GIVEN,
                "ethnicity": answers.ethnicity if answers else NOT_GIVEN,
                "area": answers.area.slug if answers and answers.area else NOT_GIVEN,
            }
        )
    return pool


def _run_draw(*, pool: list[dict], quotas: dict, panel_size: int, seed: int) -> dict:
    request = json.dumps({"pool": pool, "quotas": quotas, "panel_size": panel_size, "seed": seed})
    # A fixed hash seed makes the library's sets of panels iterate in the same order on every
    # run: with the stored seed, the same inputs give the same panel.
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    completed = subprocess.run(  # noqa: S603 - our own module, no shell, input as JSON
        [sys.executable, "-m", "engagement.profiles.lottery_draw"],
        input=request,
        capture_output=True,
        text=True,
        env=environment,
        timeout=DRAW_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise LotteryError(_("The draw could not be run. Nothing was stored; try again."))
    return json.loads(completed.stdout)


def _check_quotas(*, pool: list[dict], quotas: dict, panel_size: int) -> None:
    if panel_size < 1:
        raise LotteryError(_("The panel must have at least one person."))
    if panel_size > len(pool):
        raise LotteryError(
            _("The panel cannot be bigger than the number of people who expressed interest.")
        )
    for feature in FEATURES:
        values = {person[feature] for person in pool}
        missing = values - set(quotas.get(feature, {}))
        if missing:
            raise LotteryError(
                _("Set a minimum and maximum for every group in “%(feature)s”.")
                % {"feature": feature}
            )
        for low, high in quotas[feature].values():
            if not 0 <= low <= high:
                raise LotteryError(
                    _("Each minimum must be 0 or more, and no more than its maximum.")
                )
    # Quotas no panel can meet, found before any drawing (the solver would find them too, in
    # the background, after the commissioner has left the page).
    for feature in FEATURES:
        groups = quotas[feature]
        in_pool = {value: sum(p[feature] == value for p in pool) for value in groups}
        if (
            sum(low for low, _high in groups.values()) > panel_size
            or sum(min(high, in_pool[value]) for value, (_low, high) in groups.items()) < panel_size
            or any(low > in_pool[value] for value, (low, _high) in groups.items())
        ):
            raise LotteryError(UNMEETABLE)


def lottery_run(
    *,
    opportunity: Opportunity,
    drawn_by,
    panel_size: int,
    quotas: dict,
    seed: int | None = None,
) -> LotteryDraw:
    """Draw `panel_size` people from everyone who expressed interest so the panel meets
    `quotas` ({feature: {value: [min, max]}} over age band, disability, ethnicity and area),
    each person's chance as equal as the quotas allow. The seed (chosen at random unless given,
    for example from a public draw) and the pool as drawn are stored with the panel, so
    `lottery_check` can run it again. Raises LotteryError when the quotas cannot be met."""
    if not opportunity.selected_by_lottery:
        raise LotteryError(_("This opportunity is not chosen by lottery."))
    if seed is None:
        seed = secrets.randbelow(LARGEST_SEED - 1) + 1
    if not 1 <= seed <= LARGEST_SEED:
        raise LotteryError(_("The seed must be a whole number from 1 to 2147483647."))
    pool = lottery_pool(opportunity=opportunity)
    quotas = _normalised(quotas)
    _check_quotas(pool=pool, quotas=quotas, panel_size=panel_size)
    result = _run_draw(pool=pool, quotas=quotas, panel_size=panel_size, seed=seed)
    if not result["ok"]:
        raise LotteryError(UNMEETABLE)
    return LotteryDraw.objects.create(
        opportunity=opportunity,
        panel_size=panel_size,
        quotas=quotas,
        pool=pool,
        seed=seed,
        algorithm=result["algorithm"],
        selected=[int(i) for i in result["selected"]],
        report=result["report"],
        drawn_by=drawn_by,
    )


def _normalised(quotas: dict) -> dict:
    return {
        feature: {value: [int(b[0]), int(b[1])] for value, b in quotas.get(feature, {}).items()}
        for feature in FEATURES
    }


def lottery_request(
    *,
    opportunity: Opportunity,
    requested_by,
    panel_size: int,
    quotas: dict,
    seed: int | None = None,
) -> LotteryRequest:
    """Ask for a draw to run in the background (`tasks.run_lottery_request`): checks what can
    be checked at once (the seed, every group has quotas, quotas no panel could meet) and
    raises LotteryError for those, storing nothing; otherwise stores the inputs with the seed
    fixed now and returns the request, queued. The caller queues the task."""
    if not opportunity.selected_by_lottery:
        raise LotteryError(_("This opportunity is not chosen by lottery."))
    if seed is None:
        seed = secrets.randbelow(LARGEST_SEED - 1) + 1
    if not 1 <= seed <= LARGEST_SEED:
        raise LotteryError(_("The seed must be a whole number from 1 to 2147483647."))
    quotas = _normalised(quotas)
    _check_quotas(pool=lottery_pool(opportunity=opportunity), quotas=quotas, panel_size=panel_size)
    return LotteryRequest.objects.create(
        opportunity=opportunity,
        panel_size=panel_size,
        quotas=quotas,
        seed=seed,
        requested_by=requested_by,
    )


def lottery_request_run(*, request_id: int) -> LotteryRequest:
    """Run a queued draw (the background task's body). Runs once: a request already started
    or finished is returned as it is. A draw the quotas do not allow, or that fails, is
    recorded as failed with a plain reason; nothing else is stored."""
    started = LotteryRequest.objects.filter(
        pk=request_id, status=LotteryRequest.Status.QUEUED
    ).update(status=LotteryRequest.Status.RUNNING)
    request = LotteryRequest.objects.select_related("opportunity", "requested_by").get(
        pk=request_id
    )
    if not started:
        return request
    try:
        draw = lottery_run(
            opportunity=request.opportunity,
            drawn_by=request.requested_by,
            panel_size=request.panel_size,
            quotas=request.quotas,
            seed=request.seed,
        )
    except LotteryError as error:
        request.status = LotteryRequest.Status.FAILED
        request.error = error.messages[0]
    except Exception:
        request.status = LotteryRequest.Status.FAILED
        request.error = str(_("The draw could not be run. Nothing was stored; try again."))
        request.finished_at = timezone.now()
        request.save(update_fields=["status", "error", "finished_at"])
        raise
    else:
        request.status = LotteryRequest.Status.DONE
        request.draw = draw
    request.finished_at = timezone.now()
    request.save(update_fields=["status", "error", "draw", "finished_at"])
    return request


def lottery_check(*, draw: LotteryDraw) -> bool:
    """Run a stored draw again from its stored pool, quotas, size and seed: True if it chooses
    the same people. Stores nothing."""
    result = _run_draw(
        pool=draw.pool, quotas=draw.quotas, panel_size=draw.panel_size, seed=draw.seed
    )
    return result["ok"] and sorted(int(i) for i in result["selected"]) == sorted(draw.selected)


def lottery_invite_panel(*, draw: LotteryDraw, invited_by) -> list[Invitation]:
    """Invite everyone a draw chose (who has not withdrawn their interest). Each invitation
    keeps why: the draw, its seed and its method. Inviting again changes nothing."""
    chosen = ExpressionOfInterest.objects.filter(pk__in=draw.selected).select_related(
        "profile__user", "opportunity"
    )
    reason = _("chosen by lottery: draw %(draw)s, seed %(seed)s, %(algorithm)s") % {
        "draw": draw.pk,
        "seed": draw.seed,
        "algorithm": draw.algorithm,
    }
    return [
        invitation_send(
            opportunity=interest.opportunity,
            profile=interest.profile,
            invited_by=invited_by,
            match_reasons=[reason],
        )
        for interest in chosen
    ]
