from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from coproduce.accounts.demo import DEMO_ACCOUNTS, seed_demo_accounts
from coproduce.home.demo import seed_demo_site
from deliberation.demo import seed_demo_rooms
from engagement.consultations.demo import seed_demo_consultations
from engagement.decisions.demo import seed_demo_decisions
from engagement.profiles.demo import link_demo_group_to_its_opportunity, seed_demo_profiles

DEMO_EMAILS_FILE = "demo-emails.txt"


class Command(BaseCommand):
    help = (
        "Fill the site with realistic demo content and one account per role. Safe to run again: "
        "it updates what it made before and adds nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for every demo account. Without it, new accounts get a random "
            "password, printed once; existing accounts keep theirs.",
        )
        parser.add_argument(
            "--address",
            default="",
            help="The address the demo is served on, such as http://127.0.0.1:8100/: links in "
            "emails point there, and it is printed at the end.",
        )
        parser.add_argument(
            "--show-emails",
            action="store_true",
            help=f"Print the emails the demo sends instead of saving them in {DEMO_EMAILS_FILE}.",
        )

    def handle(self, *args, password=None, address="", show_emails=False, **options):
        total = 6
        # The demo's emails (receipts, decision notices) are kept out of the terminal: they
        # go to a file, or to the console when asked for.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            already = len(getattr(mail, "outbox", []))
            with transaction.atomic():
                self._step(1, total, "accounts, one per role")
                users, new_password = seed_demo_accounts(password=password)
                self._step(2, total, "the home page and the organisation")
                seed_demo_site(address=address)
                self._step(3, total, "expertise profiles and opportunities")
                seed_demo_profiles(users=users)
                self._step(4, total, "co-production groups and live sessions")
                group = seed_demo_rooms(users=users)
                link_demo_group_to_its_opportunity(group=group)
                self._step(5, total, "consultations and their responses (the longest step)")
                seed_demo_consultations(users=users)
                self._step(6, total, "decisions, and the emails telling people about them")
                seed_demo_decisions(users=users)
            sent = list(getattr(mail, "outbox", [])[already:])
            if hasattr(mail, "outbox"):
                del mail.outbox[already:]
        self._report_emails(sent, show=show_emails)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
        if address:
            self.stdout.write(f"Open {address.rstrip('/')}/ in a browser.")
        self.stdout.write("Demo accounts (log in at /accounts/login/):")
        for email, _name, role_names in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<28} {', '.join(role_names)}")
        if new_password:
            self.stdout.write(f"Password for the demo accounts: {new_password}")
        else:
            self.stdout.write(
                "Passwords unchanged. To set one: python manage.py seed_demo --password NEW"
            )

    def _step(self, number: int, total: int, what: str) -> None:
        self.stdout.write(f"Demo content {number} of {total}: {what}…")
        self.stdout.flush()

    def _report_emails(self, sent: list, *, show: bool) -> None:
        if not sent:
            return
        text = "\n\n".join(message.message().as_string() for message in sent)
        if show:
            self.stdout.write(text)
            return
        path = Path(settings.BASE_DIR) / DEMO_EMAILS_FILE
        path.write_text(text + "\n", encoding="utf-8")
        self.stdout.write(
            f"The demo sent {len(sent)} emails; they are in {path} "
            "(seed_demo --show-emails prints them instead)."
        )
