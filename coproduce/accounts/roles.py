"""The platform's roles. Each is a Django group created by a data migration; what a role may do
follows from the group's permissions and from the predicates in `rules.py`, never from emails."""

from django.utils.translation import gettext_lazy as _

PARTICIPANT = "Participant"
EXPERT = "Expert by experience"
FACILITATOR = "Facilitator"
COMMISSIONER = "Commissioner"
EDITOR = "Editor"
SUPPORT_WORKER = "Support worker"

ALL_ROLES = (PARTICIPANT, EXPERT, FACILITATOR, COMMISSIONER, EDITOR, SUPPORT_WORKER)

DESCRIPTIONS = {
    PARTICIPANT: _("Answers consultations."),
    EXPERT: _("Keeps an expertise profile, joins co-production groups, is paid for involvement."),
    FACILITATOR: _("Runs co-production groups and live sessions."),
    COMMISSIONER: _("Runs consultations, posts opportunities and publishes decisions."),
    EDITOR: _("Runs the site's content and gives people their roles."),
    SUPPORT_WORKER: _("Enters answers with or for someone: support workers, advocates, carers."),
}

# Roles that use the Wagtail admin. Facilitators get access from deliberation's migration
# 0002_role_permissions, for their own groups and sessions only.
ADMIN_ROLES = (COMMISSIONER, EDITOR, FACILITATOR)
