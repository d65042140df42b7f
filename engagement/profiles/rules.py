"""Who may do what with expertise profiles, opportunities and involvement payment claims
(django-rules, built from the role predicates in `coproduce.accounts.rules`). Views, admin hooks
and selectors ask these by name through `user.has_perm(name, obj)`; each rule has a test over
every role."""

import rules

from coproduce.accounts.rules import is_commissioner, is_expert, is_facilitator, is_finder

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


can_view_profile = is_profile_owner | profile_is_public | (profile_is_for_staff & is_finder)

rules.add_perm("engagement.keep_profile", is_expert)
rules.add_perm("engagement.view_profile", can_view_profile)
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
# Drawing a panel by lottery, and seeing draws: commissioners.
rules.add_perm("engagement.run_lottery", is_commissioner)

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
# Whoever pays records it; nobody records their own claim as paid.
rules.add_perm("engagement.mark_claim_paid", is_commissioner & ~is_claimant)
