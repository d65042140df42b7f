"""Who may draft, sign off, rate and read the report of a decision (django-rules, built from the
role predicates in `coproduce.accounts.rules`)."""

import rules

from coproduce.accounts.rules import is_commissioner, is_editor
from engagement.decisions.evidence import took_part_in_decision
from engagement.decisions.workflow import may_sign

# --- Decisions ---------------------------------------------------------------------------------


@rules.predicate
def decision_has_group(user, decision) -> bool:
    return decision is not None and getattr(decision, "co_production_group_id", None) is not None


@rules.predicate
def is_member_of_decision_group(user, decision) -> bool:
    if not decision_has_group(user, decision) or not user.is_authenticated:
        return False
    return user.coproduction_groups.filter(pk=decision.co_production_group_id).exists()


@rules.predicate
def may_sign_decision(user, decision) -> bool:
    return decision is not None and may_sign(user=user, draft=decision)


@rules.predicate
def decision_is_live(user, decision) -> bool:
    return decision is not None and bool(decision.live)


@rules.predicate
def facilitates_decision_group(user, decision) -> bool:
    if not decision_has_group(user, decision) or not user.is_authenticated:
        return False
    return user.facilitated_groups.filter(pk=decision.co_production_group_id).exists()


@rules.predicate
def took_part(user, decision) -> bool:
    return took_part_in_decision(user=user, decision=decision)


# Nothing about us without us: where a co-production group shaped the decision, its members
# with lived experience (experts by experience, not staff) sign it off, the group's quorum of
# them. No Editor fallback: an Editor may only check the record of a draft that links no group
# and declares a level below co-produced (the object is the submitted draft).
can_sign_off_decision = may_sign_decision

rules.add_perm("engagement.draft_decision", is_commissioner | is_editor)
rules.add_perm("engagement.sign_off_decision", can_sign_off_decision)
# Every member of the linked group sees the draft and where its sign-off stands, and may record
# a dissent that is published with the decision.
rules.add_perm("engagement.view_sign_off", can_sign_off_decision | is_member_of_decision_group)
rules.add_perm("engagement.record_dissent", is_member_of_decision_group)
# Coding answers and contributions into themes, and answering contests: commissioners and
# editors, and the facilitators of the linked group (coding only).
rules.add_perm("engagement.answer_contest", is_commissioner | is_editor)
rules.add_perm("engagement.code_themes", is_commissioner | is_editor | facilitates_decision_group)
rules.add_perm("engagement.moderate_rating", is_commissioner | is_editor)
# Anyone who took part may contest the level or a point, once, on a published decision.
rules.add_perm("engagement.contest_decision", decision_is_live & took_part)
rules.add_perm("engagement.rate_decision", rules.is_authenticated & decision_is_live)
# Anyone signed in may report a rating comment shown on a published decision.
rules.add_perm("engagement.report_rating_comment", rules.is_authenticated & decision_is_live)
rules.add_perm("engagement.view_decision_report", decision_is_live | is_commissioner | is_editor)
rules.add_perm("engagement.view_own_notifications", rules.is_authenticated)
