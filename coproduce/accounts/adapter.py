from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Site

from coproduce.home.models import OrganisationSettings

from . import roles


class AccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up is a Participant; other roles are given by an Editor."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            group, _ = Group.objects.get_or_create(name=roles.PARTICIPANT)
            user.groups.add(group)
        return user

    def get_login_redirect_url(self, request):
        # After logging in (with no page to go back to), each role starts from its home: what
        # is open to them, what needs them, what they did.
        return reverse("engagement:my_home")

    def send_mail(self, template_prefix, email, context):
        # Emails are signed with the organisation's name from the site settings, not the
        # server's host name.
        site = Site.objects.filter(is_default_site=True).first()
        organisation = OrganisationSettings.for_site(site) if site else None
        context = {
            "organisation_name": organisation.organisation_name if organisation else "Coproduce",
            "organisation": organisation,
            **context,
        }
        super().send_mail(template_prefix, email, context)
