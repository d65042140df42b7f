"""What Django's error emails to ADMINS may contain: where it failed, never what people typed
or who they are. (Sentry events are scrubbed separately, in sentry.py.)"""

import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

HIDDEN = "[hidden: personal data is not sent in error reports]"
EMAIL = re.compile(r"[^\s@<>()\"',;:]+@[^\s@<>()\"',;:]+\.[A-Za-z]{2,}")
# Request environment worth keeping; the rest (query string, referer, cookies, address) hidden.
KEPT_META = {
    "REQUEST_METHOD",
    "PATH_INFO",
    "SCRIPT_NAME",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "HTTP_HOST",
    "HTTP_USER_AGENT",
    "HTTP_ACCEPT",
    "HTTP_X_REQUEST_ID",
    "HTTP_X_FORWARDED_PROTO",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
}


class NoPersonalDataFilter(SafeExceptionReporterFilter):
    """Form values, cookies, local variables' values and most of the request environment are
    hidden (settings and secret headers already are). The traceback still shows where it
    failed and which variables were there."""

    def get_post_parameters(self, request):
        return {} if request is None else dict.fromkeys(request.POST, HIDDEN)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, HIDDEN) for name in tb_frame.f_locals]

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), HIDDEN)

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {key: value if key in KEPT_META else HIDDEN for key, value in meta.items()}


class NoPersonalDataReporter(ExceptionReporter):
    """Also hides what the filter cannot reach: query values, uploaded file names, the user,
    the query string in the URL, and email addresses in the error message."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = [(key, HIDDEN) for key in self.request.GET]
            data["request_FILES_items"] = [(key, HIDDEN) for key in self.request.FILES]
            data["request_insecure_uri"] = str(data.get("request_insecure_uri", "")).split("?")[0]
        if "user_str" in data:
            data["user_str"] = HIDDEN
        if isinstance(data.get("exception_value"), str):
            data["exception_value"] = EMAIL.sub("[email]", data["exception_value"])
        return data
