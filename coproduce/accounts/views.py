"""One sign-in form for the whole site: allauth's. The other ways in (the Wagtail admin's login,
Wagtail's front-end login for private pages) send people there, and the one-time-code pages are
allauth's own with the sign-in lock applied (see `throttle`)."""

from allauth.account.views import ConfirmLoginCodeView, RequestLoginCodeView
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from . import throttle


def _safe_next(request, default: str) -> str:
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@never_cache
def admin_login(request):
    """/admin/login/ (Wagtail's `WAGTAILADMIN_LOGIN_URL`): no form of its own. Someone signed out
    goes to the site's sign-in page and comes back; someone signed in who may not use the admin
    is told so, rather than being bounced between the two pages."""
    if not request.user.is_authenticated:
        return redirect_to_login(_safe_next(request, reverse("wagtailadmin_home")))
    if request.user.has_perm("wagtailadmin.access_admin"):
        return redirect(_safe_next(request, reverse("wagtailadmin_home")))
    return render(request, "account/no_admin_access.html", status=403)


@never_cache
def frontend_login(request):
    """/_util/login/ (Wagtail's login for pages restricted to signed-in people): the site's
    sign-in page, coming back to the page afterwards."""
    return redirect_to_login(_safe_next(request, "/"))


class LockedRequestLoginCodeView(RequestLoginCodeView):
    """Asking for a sign-in code: refused, with the lockout page, while the account is locked
    for this address (a code could not be used anyway)."""

    def form_valid(self, form):
        email = form.cleaned_data.get("email")
        if throttle.sign_in_locked_out(request=self.request, email=email):
            return throttle.lockout_response(self.request)
        return super().form_valid(form)


class LockedConfirmLoginCodeView(ConfirmLoginCodeView):
    """Entering a sign-in code: a wrong code counts as a failed sign-in, exactly like a wrong
    password, and no code (even the right one) is accepted while the account is locked."""

    def _email(self) -> str | None:
        return self._process.state.get("email")

    def post(self, request, *args, **kwargs):
        if self._action != "resend" and throttle.sign_in_locked_out(
            request=request, email=self._email()
        ):
            return self._locked_out()
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.sign_in_failed(request=self.request, email=self._email())
        if getattr(self.request, "axes_locked_out", False):
            return self._locked_out()
        return super().form_invalid(form)

    def _locked_out(self):
        # The pending sign-in ends here: once the lock lifts, the person asks for a new code.
        self._process.abort()
        return throttle.lockout_response(self.request)
