"""The decision editor's form: refuses to send a draft to sign-off while its record does not
support the declared level, or while changes the group asked for are unanswered.

It is the page model's `base_form_class`, so it sits below the models and cannot import the
evidence module (which reads the models); it asks for the check through the Wagtail hook
`SUBMISSION_CHECK_HOOK`, registered in `wagtail_hooks.py` (the same pattern as
`coproduce.page_context`)."""

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminPageForm

SUBMISSION_CHECK_HOOK = "engagement.decision_submission_check"
# The editor's buttons that send a draft to the workflow (submit, resubmit, restart).
SUBMIT_ACTIONS = ("action-submit", "action-restart-workflow")


class DecisionPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        if self.is_bound and any(self.data.get(action) for action in SUBMIT_ACTIONS):
            for check in hooks.get_hooks(SUBMISSION_CHECK_HOOK):
                for field, message in check(page=self.instance, cleaned_data=cleaned):
                    self.add_error(field if field in self.fields else None, message)
        return cleaned
