"""Who may draft, sign off, rate and read the report of a decision (django-rules, built from the
role predicates in `coproduce.accounts.rules`)."""

import rules

from coproduce.accounts.rules import is_commissioner, is_editor

# --- Decisions ---------------------------------------------------------------------------------


@rules.predicate
def decision_has_group(user, decision) -> bool:
    return decision is not None and getattr(decision, "co_production_group_id", None) is not None


@rules.predicate
def is_member_of_decision_group(user, decision) -> bool:
    if not decision_has_group(user, decision) or not user.is_authenticated:
        return False
    return decision.co_production_group.members.filter(pk=user.pk).exists()


@rules.predicate
def decision_is_live(user, decision) -> bool:
    return decision is not None and bool(decision.live)


# Nothing about us without us: where a co-production group shaped the decision, one of its
# members signs it off; an Editor does so only where no group is linked.
can_sign_off_decision = is_member_of_decision_group | (~decision_has_group & is_editor)

rules.add_perm("engagement.draft_decision", is_commissioner | is_editor)
rules.add_perm("engagement.sign_off_decision", can_sign_off_decision)
rules.add_perm("engagement.rate_decision", rules.is_authenticated & decision_is_live)
rules.add_perm("engagement.view_decision_report", decision_is_live | is_commissioner | is_editor)
rules.add_perm("engagement.view_own_notifications", rules.is_authenticated)
