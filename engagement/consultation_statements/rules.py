"""Who moderates a consultation's statements: the consultation's moderators, the people who may
hide its free-text answers (Commissioners, Editors). Answering and seeing results follow the
consultation's own rules (`engagement.answer_consultation`,
`engagement.view_consultation_results`)."""

import rules

from coproduce.accounts.rules import is_commissioner, is_editor

rules.add_perm(
    "engagement.moderate_consultation_statements",
    is_commissioner | is_editor | rules.is_superuser,
)
