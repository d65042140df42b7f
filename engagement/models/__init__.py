"""Engagement models, one module per concept (consultations, profiles, decisions)."""

from .opportunities import ExpressionOfInterest, Invitation, Opportunity, PaymentClaim
from .profiles import (
    PRIVACY_NOTICE_VERSION,
    Availability,
    ExperienceArea,
    ExpertProfile,
    Language,
    Locality,
    PreferredFormat,
    ProfileConsent,
    Skill,
)

__all__ = [
    "PRIVACY_NOTICE_VERSION",
    "Availability",
    "ExperienceArea",
    "ExpertProfile",
    "ExpressionOfInterest",
    "Invitation",
    "Language",
    "Locality",
    "Opportunity",
    "PaymentClaim",
    "PreferredFormat",
    "ProfileConsent",
    "Skill",
]
