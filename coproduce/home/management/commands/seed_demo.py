from django.core.management.base import BaseCommand
from django.db import transaction

from coproduce.accounts.demo import DEMO_ACCOUNTS, seed_demo_accounts
from coproduce.home.demo import seed_demo_site
from deliberation.demo import seed_demo_rooms
from engagement.consultations.demo import seed_demo_consultations
from engagement.decisions.demo import seed_demo_decisions
from engagement.profiles.demo import seed_demo_profiles


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

    def handle(self, *args, password=None, **options):
        with transaction.atomic():
            users, new_password = seed_demo_accounts(password=password)
            seed_demo_site()
            seed_demo_profiles(users=users)
            seed_demo_rooms(users=users)
            seed_demo_consultations(users=users)
            seed_demo_decisions(users=users)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
        self.stdout.write("Demo accounts (log in at /accounts/login/):")
        for email, _name, role_names in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<28} {', '.join(role_names)}")
        if new_password:
            self.stdout.write(f"Password for the demo accounts: {new_password}")
        else:
            self.stdout.write(
                "Passwords unchanged. To set one: python manage.py seed_demo --password NEW"
            )
