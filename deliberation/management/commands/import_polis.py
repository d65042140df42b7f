"""`manage.py import_polis DIR [--title T] [--item ID]`: store a Pol.is export folder as a
statements activity, keeping Pol.is's comment and participant ids (docs/opinions.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deliberation.models import AgendaItem
from deliberation.opinions.polis import PolisFormatError, read_export
from deliberation.opinions.services import polis_import


class Command(BaseCommand):
    help = "Import a Pol.is export folder (comments.csv, votes.csv) as a statements activity."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--title", help="the activity's title (default: the folder's name)")
        parser.add_argument("--item", type=int, help="attach it to this agenda item (id)")

    def handle(self, *args, directory, title=None, item=None, **options):
        folder = Path(directory)
        try:
            export = read_export(folder)
        except PolisFormatError as error:
            raise CommandError(str(error)) from None
        agenda_item = None
        if item is not None:
            agenda_item = AgendaItem.objects.filter(pk=item).first()
            if agenda_item is None:
                raise CommandError(f"There is no agenda item {item}.")
            if hasattr(agenda_item, "statement_activity"):
                raise CommandError(f"Agenda item {item} already has a statements activity.")
        activity = polis_import(
            export=export,
            title=title or folder.resolve().name,
            source=folder.resolve().name,
            agenda_item=agenda_item,
        )
        voters = len({v.voter for v in export.votes})
        self.stdout.write(
            f"Imported {len(export.comments)} statements, {len(export.votes)} votes from "
            f"{voters} participants as activity {activity.pk}."
        )
