"""The NHS font (setting NHS_FONT_HOST): off by default, so pages link NHS.UK frontend's
stylesheet without its @font-face rules and the policy allows fonts from the site only; an NHS
organisation turns it on with the font's origin. The browser side is in
tests/browser/test_every_page_type.py (no console error, no font request)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from coproduce.home import frontend

ROOT = Path(__file__).resolve().parent.parent


def test_the_copy_without_the_web_font_matches_the_installed_package():
    package = Path(finders.find(frontend.PACKAGE_STYLESHEET)).read_text(encoding="utf-8")
    copy = Path(finders.find(frontend.WITHOUT_WEB_FONT)).read_text(encoding="utf-8")
    assert "@font-face" in package and "assets.nhs.uk" in package
    assert "@font-face" not in copy and "assets.nhs.uk" not in copy
    assert copy == frontend.without_web_font(package), (
        "wagtail-nhsuk-frontend changed: run `manage.py build_frontend_css`"
    )
    # Nothing else went: the copy is the package less four font files' worth of rules.
    assert len(package) - len(copy) < 1000


@pytest.mark.django_db
def test_by_default_pages_link_the_copy_and_the_policy_allows_only_our_own_fonts(client):
    reply = client.get("/")
    html = reply.content.decode()
    assert frontend.WITHOUT_WEB_FONT in html
    assert frontend.PACKAGE_STYLESHEET not in html
    assert "font-src 'self';" in reply["Content-Security-Policy"] + ";"


@pytest.mark.django_db
def test_an_nhs_organisation_that_turns_the_font_on_gets_the_packages_stylesheet(client, settings):
    settings.NHS_FONT_HOST = "https://assets.nhs.uk"
    html = client.get("/").content.decode()
    assert frontend.PACKAGE_STYLESHEET in html
    assert frontend.WITHOUT_WEB_FONT not in html


def _font_src(value: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NHS_FONT_HOST": value}
    env["DJANGO_SETTINGS_MODULE"] = "coproduce.settings.base"
    code = (
        "from django.conf import settings;"
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['font-src'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_font_host_setting_opens_the_policy_to_that_origin_and_refuses_anything_else():
    on = _font_src("https://assets.nhs.uk/")
    assert on.returncode == 0, on.stderr
    assert on.stdout.strip() == "[\"'self'\", 'https://assets.nhs.uk']"
    wrong = _font_src("assets.nhs.uk/fonts")
    assert wrong.returncode != 0
    assert "NHS_FONT_HOST must be an https origin" in wrong.stderr
