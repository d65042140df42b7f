"""The public site: home page, content pages, search, site settings, security headers."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from coproduce.home.models import OrganisationSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def content_page(make_content_page):
    return make_content_page(
        title="About personal health budgets",
        slug="phb",
        summary="How a personal health budget can pay for a wheelchair.",
        body=[("paragraph", "<p>Choice and control over your wheelchair.</p>")],
    )


def test_home_page_has_nhsuk_header_and_one_h1(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="nhsuk-header' in html
    assert html.count("<h1") == 1
    assert '<html lang="en-gb"' in html
    assert 'href="#maincontent"' in html and 'id="maincontent"' in html


def test_header_and_footer_show_the_organisation_settings(client, home_page, content_page):
    settings = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name = "Westshire Integrated Care Board"
    settings.footer_text = "Westshire ICB and Westshire Council"
    settings.save()
    settings.navigation_links.model.objects.create(
        setting=settings, label="Budgets", page=content_page, sort_order=0
    )
    html = client.get("/").content.decode()
    assert "Westshire Integrated Care Board" in html
    assert "Westshire ICB and Westshire Council" in html
    assert f'href="{content_page.url}"' in html


def test_content_page_renders_body_and_breadcrumb(client, content_page):
    response = client.get(content_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choice and control over your wheelchair." in html
    assert 'class="nhsuk-breadcrumb"' in html


def test_search_finds_a_published_page(client, content_page):
    response = client.get(reverse("search"), {"q": "wheelchair"})
    assert response.status_code == 200
    assert "About personal health budgets" in response.content.decode()


def test_search_with_nothing_found_says_so(client, home_page):
    response = client.get(reverse("search"), {"q": "zzqqxx"})
    assert "0 results" in response.content.decode()


def test_search_ignores_a_bad_page_number(client, content_page):
    response = client.get(reverse("search"), {"q": "wheelchair", "page": "not-a-number"})
    assert response.status_code == 200


def test_public_pages_forbid_inline_script_and_style(client, home_page):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = client.get("/").content.decode()
    assert "<script>" not in html and "style=" not in html


def test_unknown_page_is_404_on_the_site_layout(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="nhsuk-header' in html
