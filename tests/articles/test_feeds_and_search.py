"""What readers find outside the pages: RSS feeds, the sitemap, robots.txt and search."""

from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.db import connection
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_tag, make_user, prime_page_furniture

pytestmark = pytest.mark.django_db


def _items(response):
    channel = ElementTree.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def test_feed_lists_published_articles_newest_first(client):
    older = make_article(headline="Older", published_at=timezone.now() - timedelta(days=2))
    newer = make_article(
        headline="Newer",
        standfirst="The short version.",
        tags=[make_tag(name="Harbour")],
        authors=[make_user(first_name="Ana", last_name="Ruiz")],
    )
    make_article(headline="Draft", status=Article.Status.DRAFT)
    make_article(headline="Scheduled", published_at=timezone.now() + timedelta(hours=1))
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel, items = _items(response)
    assert channel.findtext("title") == "Newsroom"
    assert [item.findtext("title") for item in items] == ["Newer", "Older"]
    first = items[0]
    assert first.findtext("link").endswith(newer.get_absolute_url())
    assert first.findtext("description") == "The short version."
    assert first.findtext("category") == "Harbour"
    assert "Ana Ruiz" in first.findtext("{http://purl.org/dc/elements/1.1/}creator", "") + (
        first.findtext("author") or ""
    )
    assert older.get_absolute_url() in items[1].findtext("link")


def test_feed_escapes_what_editors_type(client):
    make_article(headline="Fish & chips <b>tonight</b>", standfirst="<script>x()</script>")
    response = client.get("/feed/")
    channel, items = _items(response)  # parses, so the XML is well formed
    assert items[0].findtext("title") == "Fish & chips <b>tonight</b>"
    assert b"<script>" not in response.content


def test_tag_feed_lists_only_the_tags_articles(client):
    tag = make_tag(name="Sport", slug="sport")
    make_article(headline="Derby", tags=[tag])
    make_article(headline="Council")
    channel, items = _items(client.get("/tag/sport/feed/"))
    assert channel.findtext("title") == "Sport · Newsroom"
    assert [item.findtext("title") for item in items] == ["Derby"]
    assert client.get("/tag/nothing/feed/").status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_feed_query_count_is_fixed(client, django_assert_num_queries, count):
    for _ in range(count):
        make_article(tags=[make_tag(), make_tag()], authors=[make_user()])
    # the newest ids, those articles (with their comment counts), their tags, their
    # authors, the pictures their bodies show (full text; none here, so no renditions);
    # with nothing cached, the site settings (the feed's title) and the published pages
    # (read together once per page cache generation: pages/furniture.py). Feeds with
    # pictures: tests/articles/test_feeds.py.
    with django_assert_num_queries(7):
        assert client.get("/feed/").status_code == 200
    with django_assert_num_queries(5):
        assert client.get("/feed/").status_code == 200


def test_pages_link_to_their_feeds(client):
    tag = make_tag(slug="harbour")
    html = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in html and 'href="/feed/"' in html
    assert 'href="/tag/harbour/feed/"' in client.get(tag.get_absolute_url()).content.decode()


# The sitemaps: tests/articles/test_sitemaps.py.


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_newsdesk(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text and "Disallow: /preview/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_search_finds_every_word_in_published_articles(client):
    make_article(headline="Harbour ferry returns", body="<p>The crossing resumes.</p>")
    make_article(headline="Ferry fares", standfirst="Prices for the harbour route rise.")
    make_article(headline="Bakery opens", body="<p>Nothing about boats.</p>")
    make_article(headline="Harbour ferry draft", status=Article.Status.DRAFT)
    response = client.get("/search/", {"q": "  harbour   FERRY "})
    assert response.status_code == 200
    found = sorted(article.headline for article in response.context["article_list"])
    assert found == ["Ferry fares", "Harbour ferry returns"]
    html = response.content.decode()
    assert "2 articles found." in html
    assert 'value="harbour FERRY"' in html
    assert 'name="robots" content="noindex"' in html


def test_search_without_words_asks_for_some(client):
    make_article()
    response = client.get("/search/")
    assert response.status_code == 200
    assert list(response.context["article_list"]) == []
    assert "Type a few words" in response.content.decode()


def test_search_with_no_match_says_so(client):
    make_article(headline="Harbour")
    html = client.get("/search/", {"q": "volcano"}).content.decode()
    assert "No published article has all of those words." in html


def test_search_escapes_the_query(client):
    html = client.get("/search/", {"q": '<script>alert("x")</script>'}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_search_pagination_keeps_the_query(client, settings):
    for day in range(12):
        make_article(
            headline=f"Market day {day}", published_at=timezone.now() - timedelta(days=day)
        )
    html = client.get("/search/", {"q": "market"}).content.decode()
    assert "?q=market&amp;page=2" in html
    second = client.get("/search/", {"q": "market", "page": 2})
    assert len(second.context["article_list"]) == 2


@pytest.mark.parametrize("count", [1, 12])
def test_search_query_count_is_fixed(client, django_assert_num_queries, count):
    for _ in range(count):
        make_article(headline="Regatta news", tags=[make_tag()], authors=[make_user()])
    # the page's ids in rank order with the number of matches, the page of articles
    # with pictures and comment counts, their authors, their snippets; the pictures'
    # renditions (none here: no query); cards show no tags; on PostgreSQL first the
    # planner's estimate of the matches (articles.search)
    prime_page_furniture()
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 4):
        assert client.get("/search/", {"q": "regatta"}).status_code == 200


def test_every_page_has_a_labelled_search_box(client):
    html = client.get("/").content.decode()
    assert 'role="search"' in html
    assert '<label for="site-search-query">Search</label>' in html


def test_search_does_not_match_markup(client):
    make_article(headline="Quiet day", body="<p><strong>Nothing</strong> to report.</p>")
    assert list(client.get("/search/", {"q": "strong"}).context["article_list"]) == []
    found = client.get("/search/", {"q": "nothing report"}).context["article_list"]
    assert [article.headline for article in found] == ["Quiet day"]
