"""The sitemap index and its files: every public article in exactly one file."""

from datetime import UTC, datetime, timedelta

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from articles.models import Article
from newsroom import pagecache
from tests.factories import make_article, make_tag, make_user, prime_page_furniture

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _locations(response, element):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return [node.findtext(f"{NS}loc") for node in root.iter(f"{NS}{element}")]


def _files(client):
    return _locations(client.get("/sitemap.xml"), "sitemap")


def _urls(client, file_url):
    return _locations(client.get(file_url.removeprefix("http://testserver")), "url")


def _when(year, month, day=15):
    return timezone.make_aware(datetime(year, month, day, 12))


def _archive(months):
    """Publish articles in ``months`` ``(year, month, count)``, with drafts and scheduled ones."""
    author = make_user()
    tag = make_tag()
    articles = [
        make_article(published_at=_when(year, month, 1 + number % 28), authors=[author], tags=[tag])
        for year, month, count in months
        for number in range(count)
    ]
    make_article(status=Article.Status.DRAFT, tags=[make_tag(slug="draft-only")])
    make_article(published_at=timezone.now() + timedelta(days=40))
    return articles


def test_every_public_article_is_in_exactly_one_file_and_no_other_is_anywhere(client):
    articles = _archive([(2024, 12, 2), (2025, 1, 3), (2025, 3, 1)])
    listed = []
    for file_url in _files(client):
        listed += _urls(client, file_url)
    article_urls = [url for url in listed if "/tag/" not in url and "/author/" not in url]
    expected = sorted(f"http://testserver{a.get_absolute_url()}" for a in articles)
    assert sorted(article_urls) == sorted(expected + ["http://testserver/"])
    assert not any(
        "draft-only" in url or url.endswith(f"{Article.objects.latest('pk').slug}/")
        for url in listed
    )


def test_index_lists_home_sections_tags_authors_pages_and_each_month_with_articles(client):
    _archive([(2024, 12, 1), (2025, 3, 2)])
    response = client.get("/sitemap.xml")
    assert _files(client) == [
        "http://testserver/sitemap-home.xml",
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-tags.xml",
        "http://testserver/sitemap-authors.xml",
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-articles-2025-03.xml",
        "http://testserver/sitemap-articles-2024-12.xml",
    ]
    assert "Last-Modified" in response
    assert b"<lastmod>" in response.content


def test_a_month_file_lists_its_articles_oldest_first_with_dates(client):
    first, second = _archive([(2025, 3, 2)])
    response = client.get("/sitemap-articles-2025-03.xml")
    assert _locations(response, "url") == [
        f"http://testserver{first.get_absolute_url()}",
        f"http://testserver{second.get_absolute_url()}",
    ]
    assert response.content.count(b"<lastmod>") == 2
    assert "Last-Modified" in response


def test_tags_and_authors_files_list_only_those_with_a_published_article(client):
    used, unused = make_tag(slug="used"), make_tag(slug="unused")
    writer, idle = make_user(username="writer"), make_user(username="idle")
    make_article(tags=[used], authors=[writer])
    make_article(status=Article.Status.DRAFT, tags=[unused], authors=[idle])
    make_article(published_at=timezone.now() + timedelta(hours=1), tags=[unused], authors=[idle])
    tags = _locations(client.get("/sitemap-tags.xml"), "url")
    authors = _locations(client.get("/sitemap-authors.xml"), "url")
    assert tags == ["http://testserver/tag/used/"]
    assert authors == ["http://testserver/author/writer/"]
    assert client.get("/author/writer/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap-articles-2025-04.xml",  # no articles that month
        "/sitemap-articles-2025-13.xml",
        "/sitemap-articles-25-03.xml",
        "/sitemap-articles-2025-03-01.xml",
        "/sitemap-nothing.xml",
        "/sitemap-articles-2025-03.xml?p=2",
        "/sitemap-articles-2025-03.xml?p=0",
        "/sitemap-articles-2025-03.xml?p=x",
    ],
)
def test_files_that_do_not_exist_are_404(client, path):
    _archive([(2025, 3, 1)])
    assert client.get(path).status_code == 404


def test_a_scheduled_article_appears_at_its_time_despite_the_cached_months(
    client, settings, time_machine
):
    settings.PAGE_CACHE_SECONDS = 300
    time_machine.move_to(_when(2025, 3, 10), tick=False)
    make_article(published_at=_when(2025, 3, 1))
    scheduled = make_article(published_at=_when(2025, 4, 1))
    assert "http://testserver/sitemap-articles-2025-04.xml" not in _files(client)
    assert client.get("/sitemap-articles-2025-04.xml").status_code == 404
    time_machine.move_to(_when(2025, 4, 1) + timedelta(seconds=2), tick=False)
    assert "http://testserver/sitemap-articles-2025-04.xml" in _files(client)
    urls = _urls(client, "/sitemap-articles-2025-04.xml")
    assert urls == [f"http://testserver{scheduled.get_absolute_url()}"]


def test_a_staff_change_shows_in_the_sitemaps_at_once(client):
    _archive([(2025, 3, 1)])
    _files(client)
    make_article(published_at=_when(2025, 5))
    pagecache.invalidate()  # as every staff write does (InvalidateOnStaffWriteMiddleware)
    assert "http://testserver/sitemap-articles-2025-05.xml" in _files(client)


def test_a_big_month_is_split_into_pages_the_index_lists(client, monkeypatch):
    from articles import sitemaps

    monkeypatch.setattr(sitemaps, "ARTICLES_PER_FILE", 2)
    articles = _archive([(2025, 3, 5)])
    files = _files(client)
    month = "http://testserver/sitemap-articles-2025-03.xml"
    assert [url for url in files if url.startswith(month)] == [
        month,
        month + "?p=2",
        month + "?p=3",
    ]
    listed = []
    for url in files:
        if url.startswith(month):
            listed += _urls(client, url)
    assert listed == [f"http://testserver{a.get_absolute_url()}" for a in articles]


@pytest.mark.parametrize("per_month", [1, 12])
def test_sitemap_query_counts_are_fixed(client, django_assert_num_queries, per_month):
    _archive([(2025, month, per_month) for month in range(1, 6)])
    # The index, cold: the next scheduled publication and front page pin expiry (how
    # long to keep what follows), the months with their counts and dates; then nothing,
    # until the page cache's generation moves on.
    with django_assert_num_queries(3):
        client.get("/sitemap.xml")
    with django_assert_num_queries(0):
        client.get("/sitemap.xml")
    # Each file: its rows; the home file none.
    for path, queries in [
        ("/sitemap-articles-2025-03.xml", 1),
        ("/sitemap-tags.xml", 1),
        ("/sitemap-authors.xml", 1),
        ("/sitemap-home.xml", 0),
        ("/sitemap-sections.xml", 1),  # the sections, then cached for every page
    ]:
        with django_assert_num_queries(queries):
            assert client.get(path).status_code == 200, path


def test_months_and_addresses_follow_local_time(client, settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    # 20:00 UTC on 31 March is 09:00 on 1 April in Auckland.
    article = make_article(published_at=datetime(2025, 3, 31, 20, tzinfo=UTC))
    files = _files(client)
    assert "http://testserver/sitemap-articles-2025-04.xml" in files
    assert "http://testserver/sitemap-articles-2025-03.xml" not in files
    urls = _urls(client, "/sitemap-articles-2025-04.xml")
    assert urls == [f"http://testserver{article.get_absolute_url()}"]
    assert article.get_absolute_url().startswith("/2025/04/01/")


# Google News, pictures, conditional GETs ------------------------------------------------

NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"


def _news(client):
    response = client.get("/news-sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content).findall(f"{NS}url")


def test_news_sitemap_lists_the_last_two_days_articles_as_google_news_asks(client, settings):
    settings.SITE_NAME = "The Harbour Post"
    recent = make_article(headline="Ferry & pier <reopen>")
    make_article(published_at=timezone.now() - timedelta(hours=49))
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(hours=1))
    (url,) = _news(client)
    assert url.findtext(f"{NS}loc") == f"http://testserver{recent.get_absolute_url()}"
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "The Harbour Post"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == "Ferry & pier <reopen>"
    published = datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert published == recent.published_at.replace(microsecond=0)


def test_news_sitemap_holds_at_most_a_thousand_newest_first(client, monkeypatch):
    from articles import sitemaps

    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    articles = [make_article(published_at=timezone.now() - timedelta(hours=h)) for h in range(5)]
    locations = [url.findtext(f"{NS}loc") for url in _news(client)]
    assert locations == [f"http://testserver{a.get_absolute_url()}" for a in articles[:3]]


def test_a_scheduled_article_enters_the_news_sitemap_at_its_time(client, settings, time_machine):
    settings.PAGE_CACHE_SECONDS = 300
    time_machine.move_to(timezone.now(), tick=False)
    scheduled = make_article(published_at=timezone.now() + timedelta(minutes=10))
    assert _news(client) == []
    time_machine.shift(timedelta(minutes=10, seconds=1))
    (url,) = _news(client)
    assert url.findtext(f"{NS}loc").endswith(scheduled.get_absolute_url())


def test_robots_txt_names_the_news_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/news-sitemap.xml" in text


def test_a_month_file_names_each_featured_picture_at_its_largest(client):
    from tests.factories import make_image, make_upload

    picture = make_image(file=make_upload(size=(2400, 1600)))
    article = make_article(featured_image=picture, published_at=_when(2025, 3))
    plain = make_article(published_at=_when(2025, 3, 20))
    root = ElementTree.fromstring(client.get("/sitemap-articles-2025-03.xml").content)
    urls = {url.findtext(f"{NS}loc"): url for url in root.iter(f"{NS}url")}
    largest = picture.renditions.filter(crop="", format="jpeg").order_by("-width").first()
    assert largest.width == 1920
    with_picture = urls[f"http://testserver{article.get_absolute_url()}"]
    assert with_picture.findtext(f"{IMAGE}image/{IMAGE}loc") == f"http://testserver{largest.url}"
    assert urls[f"http://testserver{plain.get_absolute_url()}"].find(f"{IMAGE}image") is None


def test_lastmod_is_the_articles_last_change_for_readers(client):
    article = make_article(published_at=_when(2025, 3))
    article.headline = "A better headline"
    article.save()
    root = ElementTree.fromstring(client.get("/sitemap-articles-2025-03.xml").content)
    lastmod = datetime.fromisoformat(root.find(f"{NS}url").findtext(f"{NS}lastmod"))
    article.refresh_from_db()
    assert lastmod == article.updated_at.replace(microsecond=0)
    assert lastmod > article.published_at


@pytest.mark.parametrize("page_cache_seconds", [0, 300])
def test_sitemaps_answer_conditional_gets_with_304(client, settings, page_cache_seconds):
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    _archive([(2025, 3, 2)])
    make_article()
    for path in ("/sitemap.xml", "/sitemap-articles-2025-03.xml", "/news-sitemap.xml"):
        first = client.get(path)
        etag, last_modified = first["ETag"], first["Last-Modified"]
        assert client.get(path, headers={"if-none-match": etag}).status_code == 304, path
        assert client.get(path, headers={"if-modified-since": last_modified}).status_code == 304
        assert client.get(path, headers={"if-none-match": '"other"'}).status_code == 200


@pytest.mark.parametrize("recent", [1, 30])
def test_news_sitemap_runs_one_query(client, django_assert_num_queries, recent):
    for hours in range(recent):
        make_article(published_at=timezone.now() - timedelta(hours=hours, minutes=1))
    prime_page_furniture()
    with django_assert_num_queries(1):
        assert len(_news(client)) == recent


@pytest.mark.parametrize("per_month", [1, 12])
def test_a_month_file_with_pictures_is_still_one_query(
    client, django_assert_num_queries, per_month
):
    from tests.factories import make_image

    for day in range(per_month):
        make_article(featured_image=make_image(), published_at=_when(2025, 3, 1 + day))
    client.get("/sitemap.xml")  # the months, cached
    # the month's rows, each with its picture's largest rendition (a subquery)
    with django_assert_num_queries(1):
        response = client.get("/sitemap-articles-2025-03.xml")
    assert response.content.count(b"<image:loc>") == per_month


def test_a_month_file_bounds_its_index_scan_by_the_month_before_by_now(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _archive([(2025, 3, 2), (2025, 4, 2)])
    client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap-articles-2025-03.xml").status_code == 200
    where = queries.captured_queries[-1]["sql"].split("WHERE", 1)[1]
    # Of two upper bounds on published_at, SQLite scans up to the first it reads: the
    # month's end must come before "published by now", or an old month's file walks
    # the index all the way to today.
    month_end = where.index('"articles_article"."published_at" < ')
    by_now = where.index('"articles_article"."published_at" <= ')
    assert month_end < by_now
    assert len(_urls(client, "/sitemap-articles-2025-03.xml")) == 2
