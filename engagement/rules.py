"""Engagement permissions (django-rules), built from the role predicates in
`coproduce.accounts.rules`. Views, admin hooks and the API all ask these by name."""

import rules

from coproduce.accounts.rules import is_commissioner, is_editor, is_staff_role, is_support_worker

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
