"""Run every few minutes (deploy/coproduce-notifications.timer): queue the reminders now due, a
day and an hour before each session, to each person with a place. Each is stored once under a
unique key, so overlapping runs or a retried worker send it once."""

from django.core.management.base import BaseCommand

from deliberation.services import session_reminders_queue


class Command(BaseCommand):
    help = "Queue the session reminders now due (a day and an hour before)."

    def handle(self, *args, **options):
        self.stdout.write(f"Queued {session_reminders_queue()} reminders.")
