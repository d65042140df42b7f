"""Run every few minutes (deploy/coproduce-notifications.timer): queue a send for every email
still owed (a task that never ran, a retry whose time has come). Sending is claimed row by row,
so a run that overlaps the worker sends nothing twice."""

from django.core.management.base import BaseCommand

from coproduce.notifications.services import pending_email_ids
from coproduce.notifications.tasks import send_outgoing_email


class Command(BaseCommand):
    help = "Queue the emails still owed (retries and missed sends)."

    def handle(self, *args, **options):
        ids = pending_email_ids()
        for email_id in ids:
            send_outgoing_email.enqueue(email_id=email_id)
        self.stdout.write(f"Queued {len(ids)} owed emails.")
