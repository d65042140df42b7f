"""Object-level permissions for engagement (django-rules), built from the role predicates.
Views, the API and admin hooks all ask these by name; each has a test over every role."""

import rules

from coproduce.accounts.rules import is_commissioner, is_editor

# Consultations: results ------------------------------------------------------------------------


@rules.predicate
def consultation_results_are_public(user, consultation) -> bool:
    from engagement.selectors.results import results_are_public

    return consultation is not None and results_are_public(consultation=consultation)


can_run_consultations = is_commissioner | rules.is_superuser

# Anyone once results are public; Commissioners and Editors at any time.
rules.add_perm(
    "engagement.view_consultation_results",
    consultation_results_are_public | is_commissioner | is_editor | rules.is_superuser,
)
# Breaking results down by equality monitoring is for the people commissioning only.
rules.add_perm("engagement.break_down_consultation_results", can_run_consultations)
# Exports hold every response (pseudonymous): Commissioners only.
rules.add_perm("engagement.export_consultation_results", can_run_consultations)
rules.add_perm(
    "engagement.moderate_consultation_answers", is_commissioner | is_editor | rules.is_superuser
)
# --- end of Consultations: results
