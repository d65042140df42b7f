"""django-rules loads this module of every app (`rules.apps.AutodiscoverRulesConfig`); each
engagement feature keeps its own rules beside it."""

from engagement.consultation_statements import rules as consultation_statements  # noqa: F401
from engagement.consultations import rules as consultations  # noqa: F401
from engagement.decisions import rules as decisions  # noqa: F401
from engagement.profiles import rules as profiles  # noqa: F401
