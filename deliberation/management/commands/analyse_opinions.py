"""`manage.py analyse_opinions DIR --json OUT`: the site's opinion-group analysis on a Pol.is
export folder, storing nothing (docs/opinions.md describes the JSON)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deliberation.opinions.analysis import VoteMatrix, analyse
from deliberation.opinions.polis import PolisFormatError, read_export


class Command(BaseCommand):
    help = "Run the opinion-group analysis on a Pol.is export folder and write a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder with comments.csv and votes.csv")
        parser.add_argument("--json", dest="out", help="write the summary here (default: stdout)")
        parser.add_argument("--seed", type=int, default=0, help="k-means random state")

    def handle(self, *args, directory, out=None, seed=0, **options):
        try:
            export = read_export(Path(directory))
        except PolisFormatError as error:
            raise CommandError(str(error)) from None
        matrix = VoteMatrix.from_votes(export.triples(), moderated_out=export.moderated_out)
        result = analyse(matrix, random_state=seed)
        if not result.ready:
            raise CommandError(f"Only {result.voters} people voted; the analysis needs at least 7.")
        text = json.dumps(result.as_json(), indent=2)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(
                f"{result.participants_clustered} people in {result.k} groups; wrote {out}."
            )
        else:
            self.stdout.write(text)
