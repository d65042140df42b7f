"""A Django email backend that sends through GOV.UK Notify's API, with GDS's own client
(`notifications-python-client`). Switched on by settings alone (docs/deployment.md):

    EMAIL_BACKEND=coproduce.notifications.notify_backend.NotifyEmailBackend
    NOTIFY_API_KEY=...            the service's API key (a "team" or "live" key)
    NOTIFY_TEMPLATE_ID=...        one email template whose subject is ((subject)), body ((body))
    NOTIFY_BASE_URL=...           optional; Notify's API unless set
    NOTIFY_REPLY_TO_ID=...        optional; a reply-to address set up in Notify

Notify sends one email per request, so a message to several people is several requests. The
one-click unsubscribe our messages carry (`List-Unsubscribe`, RFC 8058) is passed on as
`one_click_unsubscribe_url`; Notify then adds the headers itself.

Notify sends no arbitrary attachments. A calendar file is therefore not sent: the emails that
carry one also link the session page, whose "Add to my calendar" button gives the same file, and
each dropped attachment is logged (never silently). A failure raises (unless `fail_silently`), so
the outbox (coproduce.notifications.services) keeps the email and tries again later."""

import logging
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient

logger = logging.getLogger(__name__)

NOTIFY_API = "https://api.notifications.service.gov.uk"
_HTTPS_IN_ANGLES = re.compile(r"<(https://[^>]+)>")


def one_click_unsubscribe_url(message) -> str | None:
    """The https address of the message's one-click unsubscribe, if it offers one."""
    headers = {name.lower(): value for name, value in (message.extra_headers or {}).items()}
    if "list-unsubscribe-post" not in headers:
        return None
    found = _HTTPS_IN_ANGLES.search(headers.get("list-unsubscribe", ""))
    return found.group(1) if found else None


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        api_key = getattr(settings, "NOTIFY_API_KEY", "")
        self.template_id = getattr(settings, "NOTIFY_TEMPLATE_ID", "")
        if not api_key or not self.template_id:
            raise ImproperlyConfigured(
                "The GOV.UK Notify email backend needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID."
            )
        self.reply_to_id = getattr(settings, "NOTIFY_REPLY_TO_ID", "") or None
        self.client = NotificationsAPIClient(
            api_key, base_url=getattr(settings, "NOTIFY_BASE_URL", "") or NOTIFY_API
        )

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            try:
                self._send(message)
            except Exception:
                if not self.fail_silently:
                    raise
                logger.exception("GOV.UK Notify refused or could not be reached")
                continue
            sent += 1
        return sent

    def _send(self, message) -> None:
        for attachment in message.attachments:
            name = attachment[0] if isinstance(attachment, tuple) else attachment.get_filename()
            logger.warning(
                "GOV.UK Notify sends no attachments: %s not sent with %r (the page links it)",
                name,
                message.subject,
            )
        unsubscribe = one_click_unsubscribe_url(message)
        for address in message.recipients():
            self.client.send_email_notification(
                email_address=address,
                template_id=self.template_id,
                personalisation={"subject": message.subject, "body": message.body},
                email_reply_to_id=self.reply_to_id,
                one_click_unsubscribe_url=unsubscribe,
            )
