"""What Django's error emails to ADMINS may contain: the stack, never what people typed."""

from django.views.debug import SafeExceptionReporterFilter

HIDDEN = "[hidden: personal data is not sent in error reports]"


class NoPersonalDataFilter(SafeExceptionReporterFilter):
    """Every form value and every local variable's value is hidden in error reports (settings
    and secret headers already are). The traceback still shows where it failed and which
    variables were there."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, HIDDEN)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, HIDDEN) for name in tb_frame.f_locals]
