"""Who may answer a consultation, run its questionnaire and see, break down, export and moderate
its results (django-rules, built from the role predicates in `coproduce.accounts.rules`)."""

import rules

from coproduce.accounts.rules import (
    is_commissioner,
    is_editor,
    is_staff_role,
    is_support_worker,
)
from engagement.consultations.models import AnswerMode
from engagement.consultations.results import results_are_public

# Consultations: answering


@rules.predicate
def consultation_answerable_without_account(user, consultation) -> bool:
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
# Comparing the waves of a series, and running the next wave: the people commissioning.
rules.add_perm("engagement.compare_waves", can_run_consultations | is_editor)
# Loading an area's population figures and choosing which ones results are compared with.
rules.add_perm("engagement.manage_reference_populations", can_run_consultations)
# --- end of Consultations: results
