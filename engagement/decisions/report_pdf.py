"""The evidence pack as a tagged PDF (PDF/UA-1) with WeasyPrint, from the printable report's
HTML. Imported only by the view that needs it: WeasyPrint is heavy to import."""

from pathlib import Path

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint reads the report's stylesheets from the static files on disk; it fetches
    nothing over the network."""

    PREFIX = "file:///static/"

    def __init__(self):
        super().__init__(allowed_protocols={"file"})

    def fetch(self, url, headers=None):
        if url.startswith(self.PREFIX):
            path = finders.find(url[len(self.PREFIX) :].split("?")[0])
            if path:
                return super().fetch(Path(path).as_uri(), headers)
        raise ValueError(f"Not fetched for the PDF: {url}")


def tagged_pdf(html: str) -> bytes:
    return HTML(string=html, base_url="file:///", url_fetcher=StaticFilesFetcher()).write_pdf(
        pdf_variant="pdf/ua-1"
    )
