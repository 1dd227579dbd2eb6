"""The SEO title, meta description and social picture, and their fallbacks on the public page."""

import json
import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests.articles.test_sharing import Head
from tests.factories import (
    article_form_data,
    make_article,
    make_image,
    make_upload,
    prime_page_furniture,
)

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


class Page:
    """What a public page says about itself to search engines and link previews."""

    def __init__(self, client, path):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        self.title = TITLE.search(html).group(1)
        head = Head()
        head.feed(html)
        self.meta = head.meta
        (block,) = JSON_LD.findall(html)
        graph = json.loads(block)["@graph"]
        self.news = next(node for node in graph if node["@type"] == "NewsArticle")


def picture(alt, colour):
    # Wide enough for every share rendition (images.SHARE_WIDTH).
    return make_image(file=make_upload("share.jpg", size=(1600, 1200), colour=colour), alt_text=alt)


def test_page_falls_back_to_headline_standfirst_and_featured_picture(client):
    featured = picture("The ferry at the quay", (10, 90, 160))
    article = make_article(
        headline="Ferry returns to the harbour",
        standfirst="Crossings resume after a winter away.",
        featured_image=featured,
    )
    page = Page(client, article.get_absolute_url())
    assert page.title.startswith("Ferry returns to the harbour · ")
    assert page.meta["description"] == ["Crossings resume after a winter away."]
    assert page.meta["og:title"] == page.meta["twitter:title"] == ["Ferry returns to the harbour"]
    assert page.meta["og:description"] == ["Crossings resume after a winter away."]
    assert page.meta["twitter:description"] == ["Crossings resume after a winter away."]
    assert page.meta["og:image:alt"] == ["The ferry at the quay"]
    assert page.news["headline"] == "Ferry returns to the harbour"
    assert page.news["description"] == "Crossings resume after a winter away."
    featured_files = {r.url for r in featured.renditions.all()}
    assert page.news["image"] and all(
        image["url"].removeprefix("http://testserver") in featured_files
        for image in page.news["image"]
    )
    assert page.meta["og:image"][0].removeprefix("http://testserver") in featured_files


def test_page_uses_the_seo_title_meta_description_and_social_picture_when_set(client):
    featured = picture("The ferry at the quay", (10, 90, 160))
    social = picture("Passengers waving from the deck", (200, 120, 20))
    article = make_article(
        headline="Ferry returns to the harbour",
        standfirst="Crossings resume after a winter away.",
        featured_image=featured,
        seo_title="Harbour ferry back from Monday: timetable",
        meta_description="The winter break is over: the first crossing leaves at 7:15.",
        social_image=social,
    )
    page = Page(client, article.get_absolute_url())
    assert page.title.startswith("Harbour ferry back from Monday: timetable · ")
    assert page.meta["description"] == [
        "The winter break is over: the first crossing leaves at 7:15."
    ]
    assert page.meta["og:title"] == ["Harbour ferry back from Monday: timetable"]
    assert page.meta["twitter:title"] == ["Harbour ferry back from Monday: timetable"]
    assert page.meta["og:description"] == page.meta["twitter:description"]
    assert page.meta["og:description"] == [
        "The winter break is over: the first crossing leaves at 7:15."
    ]
    assert page.meta["og:image:alt"] == ["Passengers waving from the deck"]
    assert page.meta["twitter:image:alt"] == ["Passengers waving from the deck"]
    social_files = {r.url for r in social.renditions.all()}
    assert page.meta["og:image"][0].removeprefix("http://testserver") in social_files
    assert page.news["headline"] == "Harbour ferry back from Monday: timetable"
    assert page.news["description"] == (
        "The winter break is over: the first crossing leaves at 7:15."
    )
    assert page.news["image"] and all(
        image["url"].removeprefix("http://testserver") in social_files
        for image in page.news["image"]
    )
    # Readers still see the article's own headline and standfirst.
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<h1>Ferry returns to the harbour</h1>" in html
    assert '<p class="standfirst">Crossings resume after a winter away.</p>' in html


def test_meta_description_stands_in_for_a_missing_standfirst(client):
    article = make_article(standfirst="", meta_description="What the council decided.")
    page = Page(client, article.get_absolute_url())
    assert page.meta["description"] == ["What the council decided."]
    assert page.news["description"] == "What the council decided."


def test_social_picture_alone_is_shared_when_there_is_no_featured_one(client):
    social = picture("A map of the new route", (30, 140, 60))
    article = make_article(social_image=social)
    page = Page(client, article.get_absolute_url())
    assert page.meta["og:image:alt"] == ["A map of the new route"]
    assert page.meta["twitter:card"] == ["summary_large_image"]


@pytest.mark.parametrize("social", [False, True])
@pytest.mark.parametrize("body_pictures", [0, 3])
def test_social_picture_costs_the_article_page_no_query(
    client, django_assert_num_queries, social, body_pictures
):
    from articles.editor import library_src

    prime_page_furniture()
    pictures = [make_image() for _ in range(body_pictures)]
    body = (
        "".join(
            f'<p><img src="{library_src(image.file.name)}" alt="In the body"></p>'
            for image in pictures
        )
        or "<p>Words only.</p>"
    )
    article = make_article(
        featured_image=make_image(),
        social_image=make_image() if social else None,
        body=body,
    )
    client.get(article.get_absolute_url())
    # As tests/articles/test_views.py counts it, with or without a social picture: the
    # article (its pictures joined), tags, authors, comments, the body's library pictures
    # when it has some, every picture's renditions in one query; no tags, so no related
    # stories.
    with django_assert_num_queries(6 if body_pictures else 5):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_admin_saves_the_seo_fields(admin_client):
    social = make_image()
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(
            seo_title="Bridge open again",
            meta_description="Traffic flows from Monday.",
            social_image=social.pk,
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="bridge-reopens")
    assert article.seo_title == "Bridge open again"
    assert article.meta_description == "Traffic flows from Monday."
    assert article.social_image == social


@pytest.mark.parametrize(
    "field,length,limit",
    [("seo_title", 111, 110), ("meta_description", 301, 300)],
)
def test_admin_refuses_seo_fields_over_their_length(admin_client, field, length, limit):
    response = admin_client.post(
        reverse("admin:articles_article_add"), article_form_data(**{field: "x" * length})
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert f"at most {limit} characters" in errors[field][0]
    assert not Article.objects.exists()


def test_hostile_seo_fields_cannot_leave_their_elements(client):
    hostile = '</title><script>alert(1)</script>"'
    article = make_article(seo_title=hostile, meta_description=hostile)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;/title&gt;&lt;script&gt;" in html
    page = Page(client, article.get_absolute_url())
    assert page.news["headline"] == hostile and page.news["description"] == hostile
    assert page.meta["og:title"] == [hostile]


def test_a_social_picture_in_use_cannot_be_deleted(admin_client):
    social = make_image()
    article = make_article(headline="Harbour budget agreed", social_image=social)
    delete = reverse("admin:articles_image_delete", args=[social.pk])
    html = admin_client.get(delete).content.decode()
    assert "protected related objects" in html and "Harbour budget agreed" in html
    admin_client.post(delete, {"post": "yes"})
    article.refresh_from_db()
    assert article.social_image == social
