"""Sections: each article's primary home, section fronts and feeds, the masthead's navigation."""

import re
from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import pagination
from articles.models import Article, Section
from articles.templatetags.articles_tags import keep_hyphenated
from tests.factories import (
    inline_management_data,
    make_article,
    make_comment,
    make_section,
    make_staff,
    make_user,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def _headlines(response):
    return [article.headline for article in response.context["article_list"]]


def _section_queries(queries):
    return [query["sql"] for query in queries if 'FROM "articles_section"' in query["sql"]]


# --- Section fronts ----------------------------------------------------------------------


def test_section_front_lists_only_its_own_published_articles_newest_first(client):
    sport, business = make_section(name="Sport", slug="sport"), make_section(slug="business")
    older = make_article(headline="Derby draw", section=sport)
    newer = make_article(
        headline="Cup run ends", section=sport, published_at=timezone.now() - timedelta(minutes=5)
    )
    make_article(headline="Sport draft", section=sport, status=Article.Status.DRAFT)
    make_article(
        headline="Sport tomorrow", section=sport, published_at=timezone.now() + timedelta(days=1)
    )
    make_article(headline="Shop opens", section=business)
    make_article(headline="No section at all")
    response = client.get("/section/sport/")
    assert response.status_code == 200
    assert _headlines(response) == [newer.headline, older.headline]
    html = response.content.decode()
    assert "<h1>Sport</h1>" in html
    assert 'href="/section/sport/feed/"' in html


def test_articles_without_a_section_show_under_the_default_section(client, settings):
    settings.NEWS_DEFAULT_SECTION = "news"
    make_section(name="News", slug="news")
    other = make_section(name="Culture", slug="culture")
    unfiled = make_article(headline="Unfiled story")
    filed = make_article(headline="Filed in news", section=Section.objects.get(slug="news"))
    make_article(headline="Filed in culture", section=other)
    assert sorted(_headlines(client.get("/section/news/"))) == sorted(
        [unfiled.headline, filed.headline]
    )
    assert _headlines(client.get("/section/culture/")) == ["Filed in culture"]
    # The article's page and its card name the default section, as a link.
    label = '<p class="kicker section-label"><a href="/section/news/">News</a></p>'
    assert label in client.get(unfiled.get_absolute_url()).content.decode()
    assert label in client.get("/").content.decode()


def test_without_a_default_section_unfiled_articles_name_none(client, settings):
    settings.NEWS_DEFAULT_SECTION = "no-such-section"
    article = make_article(headline="Unfiled story")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "section-label" not in html
    assert "Unfiled story" in html


def test_unknown_section_is_404(client):
    make_section(slug="sport")
    assert client.get("/section/nothing-here/").status_code == 404
    assert client.get("/section/nothing-here/feed/").status_code == 404


def test_an_article_names_its_section_and_keeps_its_address(client):
    sport = make_section(name="Sport", slug="sport")
    article = make_article(headline="Derby draw")
    address = article.get_absolute_url()
    article.section = sport
    article.save()
    assert article.get_absolute_url() == address
    response = client.get(address)
    assert response.status_code == 200
    assert '<a href="/section/sport/">Sport</a>' in response.content.decode()


def test_deleting_a_section_moves_its_articles_to_the_default_section(client, settings):
    settings.NEWS_DEFAULT_SECTION = "news"
    make_section(name="News", slug="news")
    doomed = make_section(slug="weather")
    article = make_article(headline="Sunny spell", section=doomed)
    doomed.delete()
    article.refresh_from_db()
    assert article.section is None
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "Sunny spell" in _headlines(client.get("/section/news/"))


def test_section_feed_lists_the_sections_newest_articles(client):
    sport = make_section(name="Sport", slug="sport", description="Results and reports.")
    make_article(headline="Derby draw", section=sport)
    make_article(headline="Shop opens")
    response = client.get("/section/sport/feed/")
    assert response.status_code == 200
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel.findtext("title").startswith("Sport")
    assert channel.findtext("description") == "Results and reports."
    assert [item.findtext("title") for item in channel.findall("item")] == ["Derby draw"]


def test_sitemap_lists_every_section_front(client):
    make_section(slug="sport")
    make_section(slug="culture", show_in_navigation=False)
    xml = client.get("/sitemap-sections.xml").content.decode()
    assert "http://testserver/section/sport/" in xml
    assert "http://testserver/section/culture/" in xml
    assert "/sitemap-sections.xml" in client.get("/sitemap.xml").content.decode()


# --- Query budgets: like tag pages (tests/articles/test_listing_budgets.py) ----------------


@pytest.fixture
def section_archive(request, monkeypatch):
    """Publish ``request.param`` articles in section "busy", each signed and commented."""
    monkeypatch.setattr(pagination, "BOOKMARK_PAGES", 1)
    busy, author = make_section(slug="busy"), make_user(username="writer")
    quiet = make_section(slug="quiet")
    for day in range(request.param):
        article = make_article(
            section=busy, authors=[author], published_at=timezone.now() - timedelta(days=day + 1)
        )
        make_comment(article)
        make_comment(article)
        # Another section's articles in between, which the front must skip.
        make_article(section=quiet, published_at=timezone.now() - timedelta(days=day + 1))
    return request.param


@pytest.mark.parametrize("section_archive", [3, 60], indirect=True)
def test_section_front_costs_the_same_at_any_size_and_depth(
    client, django_assert_num_queries, section_archive
):
    last = max(1, -(-section_archive // 10))
    for number in sorted({1, (last + 1) // 2, last}):
        client.get(f"/section/busy/?page={number}")  # counts once per generation
        # the page's ids, those articles with their comment counts, their authors; the
        # section itself comes from the sections every page reads, cached
        with django_assert_num_queries(3):
            response = client.get(f"/section/busy/?page={number}")
        assert response.status_code == 200
        assert response.content.decode().count("2 comments</a>") == len(
            response.context["page_obj"]
        )


@pytest.mark.parametrize("section_archive", [3, 60], indirect=True)
def test_section_feed_costs_the_same_at_any_size(
    client, django_assert_num_queries, section_archive
):
    client.get("/section/busy/")
    # the newest ids, those articles with their comment counts, their authors, their
    # tags, the pictures their bodies show (full text; none here)
    with django_assert_num_queries(5):
        assert client.get("/section/busy/feed/").status_code == 200


@pytest.mark.parametrize("section_archive", [3], indirect=True)
@pytest.mark.parametrize("page", ["2", "0", "-1", "abc", "99999999"])
def test_section_pages_that_do_not_exist_are_404(client, section_archive, page):
    assert client.get(f"/section/busy/?page={page}").status_code == 404


def test_section_front_and_feed_are_served_from_the_page_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    make_article(section=make_section(slug="sport"))
    for path in ["/section/sport/", "/section/sport/feed/"]:
        assert client.get(path)["X-Page-Cache"] == "miss"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response["X-Page-Cache"] == "hit"
        assert len(queries) == 0


# --- The masthead's navigation -------------------------------------------------------------


def test_navigation_lists_the_shown_sections_in_order(client):
    make_section(name="Sport", slug="sport", order=3)
    make_section(name="Politics", slug="politics", order=1)
    make_section(name="Archive", slug="archive", order=2, show_in_navigation=False)
    html = client.get("/").content.decode()
    nav = re.search(r'<ul class="site-nav-list">(.*?)</ul>', html).group(1)
    assert re.findall(r">([^<]+)</a>", nav) == ["Politics", "Sport"]
    # The small-screen menu: a <details> with the same links, no script needed.
    menu = re.search(r'<details class="site-nav-menu">(.*?)</details>', html, re.S).group(1)
    assert "<summary>Sections</summary>" in menu
    assert re.findall(r">([^<]+)</a>", menu) == ["Politics", "Sport"]
    assert '<nav class="site-nav" aria-label="Sections">' in html
    # No script at all: the one <script> element is the page's structured data.
    assert re.findall(r"<script[^>]*>", html) == ['<script type="application/ld+json">']


def test_navigation_marks_the_section_being_read(client):
    make_section(name="Sport", slug="sport")
    html = client.get("/section/sport/").content.decode()
    assert html.count('<a href="/section/sport/" aria-current="page">Sport</a>') == 2


def test_no_sections_means_no_navigation(client):
    make_article()
    assert "site-nav" not in client.get("/").content.decode()


def test_navigation_is_read_once_per_page_cache_generation(client):
    make_section(name="Sport", slug="sport")
    article = make_article()
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url())
    assert len(_section_queries(queries)) == 1
    for path in [article.get_absolute_url(), "/", "/section/sport/", "/search/?q=x"]:
        with CaptureQueriesContext(connection) as queries:
            assert "Sport</a>" in client.get(path).content.decode()
        assert _section_queries(queries) == [], path


def test_a_section_staff_add_shows_in_the_navigation_at_once(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    make_section(name="Sport", slug="sport")
    make_article()
    assert "Culture" not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    editor = make_staff("Editors")
    staff = type(client)()
    staff.force_login(editor)
    response = staff.post(
        reverse("admin:articles_section_add"),
        {"name": "Culture", "slug": "culture", "description": "", "order": 5,
         "show_in_navigation": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert "Culture</a>" in client.get("/").content.decode()


# --- The newsdesk ------------------------------------------------------------------------


def test_a_reporter_picks_the_section_in_the_admin(client):
    sport = make_section(name="Sport", slug="sport")
    reporter = make_staff("Reporters")
    client.force_login(reporter)
    form = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'name="section"' in form
    data = {
        "headline": "Derby draw",
        "slug": "derby-draw",
        "standfirst": "",
        "body": "<p>Level at the break.</p>",
        "status": "draft",
        "allow_comments": "on",
        "byline": "",
        "section": sport.pk,
        **inline_management_data(),
    }
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    assert Article.objects.get(slug="derby-draw").section == sport


def test_the_changelist_filters_by_section(client):
    sport, culture = make_section(name="Sport", slug="sport"), make_section(slug="culture")
    make_article(headline="Derby draw", section=sport)
    make_article(headline="Gallery opens", section=culture)
    client.force_login(make_staff("Editors"))
    response = client.get(CHANGELIST, {"section__id__exact": sport.pk})
    assert response.status_code == 200
    assert [article.headline for article in response.context["cl"].result_list] == ["Derby draw"]
    assert "By section" in response.content.decode()


def test_the_section_filter_and_fronts_have_matching_indexes():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Article._meta.db_table)
    columns = {name: info["columns"] for name, info in constraints.items() if info.get("index")}
    assert columns["article_section_listing_idx"] == ["section_id", "status", "published_at", "id"]
    assert columns["article_section_recent_idx"] == ["section_id", "published_at", "id"]


def test_a_reporter_cannot_change_sections(client):
    section = make_section()
    client.force_login(make_staff("Reporters"))
    assert client.get(reverse("admin:articles_section_changelist")).status_code == 200
    change = reverse("admin:articles_section_change", args=[section.pk])
    response = client.post(change, {"name": "Renamed", "slug": section.slug, "order": 0})
    assert response.status_code == 403
    assert Section.objects.get(pk=section.pk).name == section.name


def test_a_section_slug_is_checked(client):
    client.force_login(make_staff("Editors"))
    response = client.post(
        reverse("admin:articles_section_add"),
        {"name": "Bad", "slug": "not a slug!", "order": 0},
    )
    assert response.status_code == 200
    assert not Section.objects.exists()
    assert "Enter a valid “slug”" in response.content.decode()


# --- Headlines that never break at a hyphen --------------------------------------------------


def test_keep_hyphenated_wraps_hyphenated_words_and_escapes_the_rest():
    assert keep_hyphenated("Council by-election called") == (
        'Council <span class="nowrap">by-election</span> called'
    )
    assert keep_hyphenated("A well-to-do <b>town</b>") == (
        'A <span class="nowrap">well-to-do</span> &lt;b&gt;town&lt;/b&gt;'
    )
    assert keep_hyphenated("Rock & roll - live") == "Rock &amp; roll - live"
    assert keep_hyphenated("Q&A-style") == 'Q&amp;<span class="nowrap">A-style</span>'


def test_headlines_on_the_front_and_the_article_keep_hyphenated_words_whole(client):
    article = make_article(headline="Harrowfield by-election called for May")
    wrapped = 'Harrowfield <span class="nowrap">by-election</span> called for May'
    assert wrapped in client.get("/").content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    assert f"<h1>{wrapped}</h1>" in page
    # The page's title and share text keep the headline as written.
    assert "<title>Harrowfield by-election called for May" in page
