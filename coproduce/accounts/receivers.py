"""What happens in accounts when allauth reports something."""

from allauth.account.signals import password_reset
from django.dispatch import receiver

from . import throttle


@receiver(password_reset)
def forget_sign_in_failures_after_a_password_reset(sender, request, user, **kwargs):
    """A password reset by email proves the person holds the address: the sign-in lock on the
    account is lifted everywhere, so they can sign in with the new password at once."""
    throttle.sign_in_failures_forgotten(email=user.email)
