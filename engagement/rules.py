"""Engagement permissions (django-rules), built from the role predicates in
`coproduce.accounts.rules`: who may do what with consultations, expertise profiles,
opportunities, involvement payments and decisions. Views, admin hooks and the API all ask these
by name through `user.has_perm(name, obj)`; each rule has a test over every role."""

import rules

from coproduce.accounts.rules import (
    is_commissioner,
    is_editor,
    is_expert,
    is_facilitator,
    is_staff_role,
    is_support_worker,
)

# --- Expertise profiles ----------------------------------------------------------------------


@rules.predicate
def is_profile_owner(user, profile) -> bool:
    return profile is not None and user.is_authenticated and profile.user_id == user.pk


@rules.predicate
def profile_is_public(user, profile) -> bool:
    return profile is not None and profile.visibility == "public"


@rules.predicate
def profile_is_for_staff(user, profile) -> bool:
    return profile is not None and profile.visibility == "staff"


@rules.predicate
def is_facilitator_of_a_group_of(user, profile) -> bool:
    """The facilitator of a co-production group this person belongs to: the one place that
    decides which facilitators see a person's access and support needs."""
    if profile is None or not user.is_authenticated:
        return False
    from deliberation.models import CoproductionGroup

    return CoproductionGroup.objects.filter(facilitators=user, members=profile.user_id).exists()


is_finder = is_commissioner | is_facilitator

can_view_profile = is_profile_owner | profile_is_public | (profile_is_for_staff & is_finder)
can_view_access_needs = is_profile_owner | is_facilitator_of_a_group_of

rules.add_perm("engagement.keep_profile", is_expert)
rules.add_perm("engagement.view_profile", can_view_profile)
rules.add_perm("engagement.view_access_needs", can_view_access_needs)
rules.add_perm("engagement.use_directory", is_finder)
# The header asks these on every page. As rules (`{% test_rule %}`) they cost one query for the
# person's groups and never fall through to Django's model backend, which would cost two more.
rules.add_rule("engagement.keep_profile", is_expert)
rules.add_rule("engagement.use_directory", is_finder)

# --- Opportunities ---------------------------------------------------------------------------


@rules.predicate
def opportunity_is_open(user, opportunity) -> bool:
    return opportunity is not None and opportunity.status == "open"


@rules.predicate
def posted_opportunity(user, opportunity) -> bool:
    return opportunity is not None and opportunity.posted_by_id == user.pk


@rules.predicate
def has_profile(user) -> bool:
    return user.is_authenticated and hasattr(user, "expert_profile")


@rules.predicate
def is_invitee(user, invitation) -> bool:
    return invitation is not None and invitation.profile.user_id == user.pk


rules.add_perm("engagement.post_opportunity", is_commissioner)
rules.add_perm("engagement.change_opportunity", is_commissioner & posted_opportunity)
rules.add_perm("engagement.view_opportunity", opportunity_is_open | is_finder)
rules.add_perm("engagement.express_interest", is_expert & has_profile & opportunity_is_open)
rules.add_perm("engagement.match_opportunity", is_finder)
rules.add_perm("engagement.invite", is_finder & opportunity_is_open)
rules.add_perm("engagement.respond_to_invitation", is_invitee)

# --- Involvement payment claims --------------------------------------------------------------


@rules.predicate
def is_claimant(user, claim) -> bool:
    return claim is not None and claim.claimant_id == user.pk


@rules.predicate
def recorded_claim(user, claim) -> bool:
    return claim is not None and claim.recorded_by_id == user.pk


@rules.predicate
def claim_is_queried(user, claim) -> bool:
    return claim is not None and claim.status == "queried"


# Claiming for oneself needs an accepted invitation; the service checks that against the data.
rules.add_perm("engagement.claim_for_self", is_expert)
rules.add_perm("engagement.claim_for_others", is_facilitator)
rules.add_perm("engagement.view_claim", is_claimant | recorded_claim | is_commissioner)
rules.add_perm("engagement.change_claim", (is_claimant | recorded_claim) & claim_is_queried)
# Nobody approves their own claim.
rules.add_perm("engagement.review_claim", is_commissioner & ~is_claimant)
rules.add_perm("engagement.review_claims", is_commissioner)
rules.add_perm("engagement.export_claims", is_commissioner)
# Consultations: answering


@rules.predicate
def consultation_answerable_without_account(user, consultation) -> bool:
    from engagement.models import AnswerMode

    return consultation is not None and consultation.answer_mode == AnswerMode.OPEN


# Anyone signed in may answer; without an account only where the consultation is open to all.
# Whether it is open *now* is not a permission: the views say "closed" or "not open yet".
rules.add_perm(
    "engagement.answer_consultation",
    rules.is_authenticated | consultation_answerable_without_account,
)
rules.add_perm("engagement.enter_assisted_response", is_support_worker | is_staff_role)
rules.add_perm("engagement.change_questionnaire", is_commissioner | is_editor | rules.is_superuser)

# Consultations: results ------------------------------------------------------------------------


@rules.predicate
def consultation_results_are_public(user, consultation) -> bool:
    from engagement.selectors.results import results_are_public

    return consultation is not None and results_are_public(consultation=consultation)


can_run_consultations = is_commissioner | rules.is_superuser

# Anyone once results are public; Commissioners and Editors at any time.
can_view_consultation_results = (
    consultation_results_are_public | is_commissioner | is_editor | rules.is_superuser
)
rules.add_perm("engagement.view_consultation_results", can_view_consultation_results)
# The consultation page asks this to offer a link: as a rule it never falls through to Django's
# model backend.
rules.add_rule("engagement.view_consultation_results", can_view_consultation_results)
# Breaking results down by equality monitoring is for the people commissioning only.
rules.add_perm("engagement.break_down_consultation_results", can_run_consultations)
# Exports hold every response (pseudonymous): Commissioners only.
rules.add_perm("engagement.export_consultation_results", can_run_consultations)
rules.add_perm(
    "engagement.moderate_consultation_answers", is_commissioner | is_editor | rules.is_superuser
)
# --- end of Consultations: results


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
