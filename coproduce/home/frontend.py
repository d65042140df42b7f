"""NHS.UK frontend's stylesheet, with or without the NHS font (setting NHS_FONT_HOST).

wagtail-nhsuk-frontend's CSS declares the Frutiger web font on assets.nhs.uk with `@font-face`.
Overriding the font family is not enough: under a Content-Security-Policy Chromium still asks
for every declared face (and logs a console error for each one the policy blocks). So unless an
NHS organisation turns the font on, pages link a copy of the stylesheet without the
`@font-face` rules (text is in Arial, the fallback NHS.UK frontend names). The copy is made by
`manage.py build_frontend_css` and a test checks it matches the installed package.
"""

import re

from django.conf import settings

PACKAGE_STYLESHEET = "wagtailnhsukfrontend/css/nhsuk-frontend-10.4.2.min.css"
WITHOUT_WEB_FONT = "coproduce/css/nhsuk-frontend-10.4.2-without-web-font.min.css"

_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
# The package names a source map it does not ship; the copy drops the reference.
_SOURCE_MAP = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/\s*")


def without_web_font(css: str) -> str:
    """The stylesheet with no `@font-face` rule and no source map reference."""
    return _SOURCE_MAP.sub("", _FONT_FACE.sub("", css))


def stylesheet() -> str:
    """The static path of NHS.UK frontend's stylesheet for this site."""
    return PACKAGE_STYLESHEET if settings.NHS_FONT_HOST else WITHOUT_WEB_FONT
