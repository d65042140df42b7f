"""`manage.py export_polis ACTIVITY DIR`: write a statements activity as a Pol.is export folder
(comments.csv and votes.csv in Pol.is's columns; docs/opinions.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deliberation.opinions.polis import write_comments, write_votes
from deliberation.opinions.selectors import activity_get, activity_polis_export


class Command(BaseCommand):
    help = "Write a statements activity as comments.csv and votes.csv in Pol.is's layout."

    def add_arguments(self, parser):
        parser.add_argument("activity", type=int)
        parser.add_argument("directory")

    def handle(self, *args, activity, directory, **options):
        found = activity_get(pk=activity)
        if found is None:
            raise CommandError(f"There is no statements activity {activity}.")
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        comments, votes, tallies = activity_polis_export(activity=found)
        with (folder / "comments.csv").open("w", newline="", encoding="utf-8") as handle:
            write_comments(handle, comments, tallies)
        with (folder / "votes.csv").open("w", newline="", encoding="utf-8") as handle:
            write_votes(handle, votes)
        self.stdout.write(f"Wrote {len(comments)} statements and {len(votes)} votes to {folder}.")
