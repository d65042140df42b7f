"""Run once a week (deploy/coproduce-digest.timer): one email per person who chose the weekly
digest, gathering what was held for them."""

from django.core.management.base import BaseCommand
from django.db import transaction

from coproduce.notifications.services import digest_build, digest_recipients
from coproduce.notifications.tasks import send_outgoing_email


class Command(BaseCommand):
    help = "Build and queue the weekly digest emails."

    def handle(self, *args, **options):
        count = 0
        for user in digest_recipients():
            digest = digest_build(user=user)
            if digest is not None:
                count += 1
                digest_id = digest.pk
                transaction.on_commit(lambda i=digest_id: send_outgoing_email.enqueue(email_id=i))
        self.stdout.write(f"Queued {count} digests.")
