"""Write the copy of NHS.UK frontend's stylesheet without the web font (coproduce/home/frontend.py).

Run it after upgrading wagtail-nhsuk-frontend; tests/test_frontend_font.py fails until you do."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand

from coproduce.home.frontend import PACKAGE_STYLESHEET, WITHOUT_WEB_FONT, without_web_font

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"


class Command(BaseCommand):
    help = "Copy NHS.UK frontend's stylesheet without its @font-face rules."

    def handle(self, *args, **options):
        source = Path(finders.find(PACKAGE_STYLESHEET))
        target = STATIC_DIR / WITHOUT_WEB_FONT
        target.write_text(without_web_font(source.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"Wrote {target}")
