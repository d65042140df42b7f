"""Static files with hashed names, tolerant of source maps a package names but does not ship."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

SOURCE_MAP_MARK = "sourceMappingURL"


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed, hashed storage, except for one thing.

    wagtail-nhsuk-frontend 2.1.0's CSS ends with `/*# sourceMappingURL=….css.map */` but the
    package ships no `.map` files, so Django's post-processing (which rewrites every reference
    to its hashed name) stops `collectstatic` with `MissingFileError`. A source map is a
    debugging aid, never needed to show a page, so a reference to a source map that is missing
    is dropped from the hashed copy; every other reference (fonts, images, `@import`) must
    still resolve, and a source map that *is* shipped is still rewritten to its hashed name.
    """

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except ValueError:
                if SOURCE_MAP_MARK in matchobj.group("matched"):
                    return ""
                raise

        return converter
