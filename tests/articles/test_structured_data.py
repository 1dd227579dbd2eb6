"""Structured data (JSON-LD) on every public page, checked against Google's documented rules."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Correction
from pages.models import SiteSettings
from tests.factories import (
    make_article,
    make_image,
    make_section,
    make_tag,
    make_upload,
    make_user,
    prime_page_furniture,
)

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
# ISO 8601 with seconds and a UTC offset, as Google asks for dates.
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def structured_data(client, path):
    """Return the page's one JSON-LD block, parsed, as ``{@type: node}``."""
    response = client.get(path)
    assert response.status_code == 200, path
    blocks = JSON_LD.findall(response.content.decode())
    assert len(blocks) == 1, f"{path} has {len(blocks)} JSON-LD blocks"
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org"
    return {node["@type"]: node for node in data["@graph"]}


def set_site(**fields):
    """Change the one row of site settings, as an editor does in the admin."""
    site = SiteSettings.load()
    for name, value in fields.items():
        setattr(site, name, value)
    site.save()


def big_picture(**fields):
    """A real 1600 x 1200 picture with every rendition made, as the worker makes them."""
    return make_image(file=make_upload("big.jpg", size=(1600, 1200)), **fields)


def test_article_page_describes_a_news_article_as_google_asks(client, settings):
    settings.TIME_ZONE = "Europe/Paris"
    set_site(site_name="The Harbour Post", street_address="1 Quay Street")
    section = make_section(name="Local")
    writers = [
        make_user(username="ana", first_name="Ana", last_name="Ruiz"),
        make_user(username="tom", first_name="Tom", last_name="Lee"),
    ]
    article = make_article(
        headline="Ferry returns to the harbour",
        standfirst="Crossings resume after a winter away.",
        section=section,
        featured_image=big_picture(),
        tags=[make_tag(name="Transport"), make_tag(name="Harbour")],
        authors=writers,
        published_at=timezone.make_aware(datetime(2025, 3, 1, 9, 30)),
    )
    Correction.objects.create(article=article, text="An earlier version gave the wrong pier.")
    nodes = structured_data(client, article.get_absolute_url())
    news = nodes["NewsArticle"]
    url = f"http://testserver{article.get_absolute_url()}"
    assert news["headline"] == "Ferry returns to the harbour"
    assert news["description"] == "Crossings resume after a winter away."
    assert news["mainEntityOfPage"]["@id"] == url
    assert news["datePublished"] == "2025-03-01T09:30:00+01:00"
    assert ISO_WITH_OFFSET.match(news["dateModified"])
    assert news["dateModified"] >= news["datePublished"]
    assert news["author"] == [
        {"@type": "Person", "name": "Ana Ruiz", "url": "http://testserver/author/ana/"},
        {"@type": "Person", "name": "Tom Lee", "url": "http://testserver/author/tom/"},
    ]
    assert news["articleSection"] == "Local"
    assert sorted(news["keywords"]) == ["Harbour", "Transport"]
    assert news["isAccessibleForFree"] is True
    publisher = news["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization"
    assert publisher["name"] == "The Harbour Post"
    assert publisher["url"] == "http://testserver/"
    assert publisher["address"] == {"@type": "PostalAddress", "streetAddress": "1 Quay Street"}
    # Google: several pictures, 16:9, 4:3 and 1:1, each at least 1200 pixels wide (the
    # square as wide as the 1600 x 1200 original allows).
    shapes = [(image["width"], image["height"]) for image in news["image"]]
    assert shapes == [(1280, 720), (1280, 960), (1200, 1200)]
    assert all(image["width"] >= 1200 for image in news["image"])
    for image in news["image"]:
        assert image["url"].startswith("http://testserver/media/renditions/")
        assert client.get(image["url"].removeprefix("http://testserver")).status_code == 200
    (correction,) = news["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "An earlier version gave the wrong pier."
    assert ISO_WITH_OFFSET.match(correction["datePublished"])
    crumbs = nodes["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "The Harbour Post", "http://testserver/"),
        (2, "Local", f"http://testserver{section.get_absolute_url()}"),
        (3, "Ferry returns to the harbour", url),
    ]


def test_a_small_original_gives_pictures_its_own_width_never_upscaled(client):
    article = make_article(featured_image=make_image(file=make_upload(size=(800, 600))))
    images = structured_data(client, article.get_absolute_url())["NewsArticle"]["image"]
    assert [(i["width"], i["height"]) for i in images] == [(800, 450), (800, 600), (600, 600)]


def test_long_headlines_are_cut_to_googles_limit(client):
    article = make_article(headline="Word " * 40)  # 200 characters, within the field's 255
    headline = structured_data(client, article.get_absolute_url())["NewsArticle"]["headline"]
    assert len(headline) <= 110
    assert headline.endswith("…")


def test_a_free_text_byline_names_its_people_or_the_organisation(client):
    people = make_article(byline="Ana Ruiz and Tom Lee")
    agency = make_article(byline="Reuters")
    authors = structured_data(client, people.get_absolute_url())["NewsArticle"]["author"]
    assert authors == [
        {"@type": "Person", "name": "Ana Ruiz"},
        {"@type": "Person", "name": "Tom Lee"},
    ]
    authors = structured_data(client, agency.get_absolute_url())["NewsArticle"]["author"]
    assert authors == [{"@type": "Organization", "name": "Reuters"}]


def test_a_headline_or_byline_cannot_end_the_script_element(client):
    hostile = "Ferry </script><script>alert(1)</script> <!-- & more"
    article = make_article(headline=hostile, byline="Ana </script><script>x()</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    (block,) = JSON_LD.findall(html)
    assert "<" not in block and ">" not in block
    news = {node["@type"]: node for node in json.loads(block)["@graph"]}["NewsArticle"]
    assert news["headline"] == hostile
    # Only the JSON-LD block and the site's own share script: nothing injected ran.
    assert html.count("<script") == 2
    assert "alert(1)</script>" not in html


def test_home_describes_the_website_its_search_and_the_organisation(client):
    set_site(
        site_name="The Harbour Post",
        logo=big_picture(),
        mastodon_url="https://mastodon.example/@post",
        locality="Portsmouth",
        country="GB",
    )
    nodes = structured_data(client, "/")
    action = nodes["WebSite"]["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    organisation = nodes["NewsMediaOrganization"]
    assert organisation["name"] == "The Harbour Post"
    assert organisation["sameAs"] == ["https://mastodon.example/@post"]
    assert organisation["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Portsmouth",
        "addressCountry": "GB",
    }
    logo = organisation["logo"]
    assert logo["width"] == 640 and logo["height"] == 480
    assert logo["url"].startswith("http://testserver/media/renditions/")


def test_author_section_and_tag_pages_say_what_they_are(client):
    author = make_user(username="ana", first_name="Ana", last_name="Ruiz")
    from articles.models import AuthorProfile

    AuthorProfile.objects.create(user=author, bio="Covers the harbour.")
    section = make_section(name="Local", description="News from the town.")
    tag = make_tag(name="Ferries", slug="ferries")
    make_article(authors=[author], section=section, tags=[tag])
    profile = structured_data(client, "/author/ana/")["ProfilePage"]
    assert profile["mainEntity"] == {
        "@type": "Person",
        "name": "Ana Ruiz",
        "url": "http://testserver/author/ana/",
        "description": "Covers the harbour.",
    }
    collection = structured_data(client, section.get_absolute_url())["CollectionPage"]
    assert collection["name"] == "Local"
    assert collection["description"] == "News from the town."
    assert collection["url"] == f"http://testserver{section.get_absolute_url()}"
    assert structured_data(client, "/tag/ferries/")["CollectionPage"]["name"] == "Ferries"


def test_previews_of_drafts_carry_no_structured_data(admin_client):
    article = make_article(status="draft")
    html = admin_client.get(f"/preview/{article.pk}/").content.decode()
    assert not JSON_LD.findall(html)


@pytest.mark.parametrize("tags_each", [1, 6])
def test_structured_data_costs_no_query_of_its_own(client, django_assert_num_queries, tags_each):
    set_site(logo=big_picture())
    article = make_article(
        featured_image=big_picture(),
        tags=[make_tag() for _ in range(tags_each)],
        authors=[make_user()],
        published_at=timezone.now() - timedelta(days=1),
    )
    Correction.objects.create(article=article, text="Fixed.")
    client.get(article.get_absolute_url())
    prime_page_furniture()
    # the article, its tags, its authors, its comments, its corrections (read once for
    # the list and the structured data), the featured picture's renditions, the related
    # stories: the same as without structured data, whatever the tags
    with django_assert_num_queries(7):
        response = client.get(article.get_absolute_url())
    assert b"CorrectionComment" in response.content
