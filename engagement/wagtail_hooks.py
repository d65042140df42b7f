"""Wagtail loads this module of every app; engagement's hooks live beside each feature."""

from engagement.consultation_statements import wagtail_hooks as consultation_statements  # noqa: F401
from engagement.consultations import wagtail_hooks as consultations  # noqa: F401
from engagement.decisions import wagtail_hooks as decisions  # noqa: F401
from engagement.profiles import wagtail_hooks as profiles  # noqa: F401
