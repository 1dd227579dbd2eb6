"""Most read: reads counted without cookies or anything about the reader, in batches."""

import re
from datetime import timedelta

import pytest
import redis
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from mostread.counting import read_counter
from mostread.models import HourlyReads, hour_number, most_read
from mostread.templatetags.mostread_tags import most_read_links
from newsroom import pagecache
from tests.factories import log_in, make_article, make_staff, make_tag, run_queued_tasks
from tests.page_caches import REDIS_URL, page_cache_in

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(autouse=True)
def no_counts_from_other_tests():
    """Start and end with no reads counted in this process."""
    read_counter.clear()
    yield
    read_counter.clear()


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """Turn the page cache on, in memory or in Redis (as two app servers share it)."""
    with page_cache_in(settings, request.param, "mostread") as backend:
        yield backend


def _reader():
    return Client(HTTP_USER_AGENT=BROWSER)


def _pending():
    """Return reads counted in this process and not handed over, by article id."""
    totals = {}
    for (article, _hour), reads in read_counter.pending().items():
        totals[article] = totals.get(article, 0) + reads
    return totals


def _stored():
    return {
        article: views for article, views in HourlyReads.objects.values_list("article_id", "views")
    }


def _flush():
    handed_over = read_counter.flush()
    ran = run_queued_tasks()
    return handed_over, ran


def _most_read_section(html):
    found = re.search(r'<section class="most-read".*?</section>', html, re.S)
    return found.group(0) if found else None


def test_readers_served_from_the_page_cache_are_counted(page_cache):
    article = make_article()
    reader = _reader()
    answers = [reader.get(article.get_absolute_url())["X-Page-Cache"] for _ in range(3)]
    assert answers == ["miss", "hit", "hit"]
    # A reader with a cookie of their own (a comment awaiting moderation) is a reader too.
    reader.cookies["comments_pending"] = "x"
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert _pending() == {article.pk: 4}
    assert HourlyReads.objects.count() == 0  # no write per read
    assert _flush() == (4, 1)
    assert _stored() == {article.pk: 4}


def test_hits_served_before_url_resolution_are_counted(page_cache, settings):
    article = make_article()
    reader = _reader()
    reader.get(article.get_absolute_url())
    # The middleware answers this one from the process's memory of pages it served.
    hit = reader.get(article.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    assert "newsroom.pagecache.PageCacheMiddleware" in settings.MIDDLEWARE
    assert _pending() == {article.pk: 2}


def test_counted_pages_are_never_left_to_shared_caches(page_cache):
    # Comments closed: no form, so no per-reader token makes the page private. A CDN or
    # nginx holding it would answer readers the page cache never sees, uncounted.
    article = make_article(allow_comments=False)
    reader = _reader()
    for answer in ("miss", "hit"):
        response = reader.get(article.get_absolute_url())
        assert response["X-Page-Cache"] == answer
        assert response["Cache-Control"] == "private, max-age=0"
    assert _pending() == {article.pk: 2}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Googlebot/2.1 (+http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; bingbot/2.0)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Yahoo! Slurp)"},
        {"HTTP_USER_AGENT": "Baiduspider+(+http://www.baidu.com/search/spider.htm)"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": "Wget/1.21"},
        {"HTTP_USER_AGENT": "python-requests/2.32"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 HeadlessChrome/126.0"},
        {"HTTP_USER_AGENT": "facebookexternalhit/1.1"},
        {"HTTP_USER_AGENT": ""},
        {},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_X_MOZ": "prefetch"},
    ],
)
def test_bots_and_prefetches_are_not_counted(page_cache, headers):
    article = make_article()
    client = Client(**headers)
    answers = [client.get(article.get_absolute_url())["X-Page-Cache"] for _ in range(2)]
    assert answers == ["miss", "hit"]
    assert _pending() == {}


def test_head_requests_are_not_counted(page_cache):
    article = make_article()
    reader = _reader()
    reader.get(article.get_absolute_url())
    assert reader.head(article.get_absolute_url()).status_code == 200
    assert _pending() == {article.pk: 1}


def test_staff_reading_the_site_are_not_counted(page_cache):
    article = make_article()
    editor = make_staff("Editors", username="desk", password="a long editor password")
    staff = _reader()
    assert log_in(staff, editor.username, "a long editor password")
    assert staff.get(article.get_absolute_url())["X-Page-Cache"] == "pass"
    assert _pending() == {}


def test_only_answered_published_article_pages_are_counted(client):
    tag = make_tag(slug="harbour")
    article = make_article(tags=[tag])
    draft = make_article(status=Article.Status.DRAFT)
    reader = _reader()
    assert reader.get("/").status_code == 200
    assert reader.get("/tag/harbour/").status_code == 200
    assert reader.get("/feed/").status_code == 200
    assert reader.get(f"/2001/01/01/{article.slug}/").status_code == 301  # wrong date
    assert reader.get(draft.get_absolute_url()).status_code == 404
    assert reader.get("/2001/01/01/no-such-story/").status_code == 404
    assert _pending() == {}
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert _pending() == {article.pk: 1}


def test_nothing_about_the_reader_is_stored(page_cache):
    article = make_article()
    agent = f"{BROWSER} ReaderMarker42"
    reader = Client(
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR="203.0.113.77",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
        HTTP_ACCEPT_LANGUAGE="cy-GB",
    )
    for _ in range(2):
        response = reader.get(article.get_absolute_url())
        # No cookie beyond the CSRF one the comment form already needs.
        assert set(response.cookies) <= {"csrftoken"}
    # In memory: the article and the hour, nothing else.
    assert list(read_counter.pending()) == [(article.pk, hour_number(timezone.now()))]
    read_counter.flush()
    queued = DBTaskResult.objects.get()
    run_queued_tasks()
    row = HourlyReads.objects.get()
    assert [field.name for field in HourlyReads._meta.get_fields()] == [
        "id",
        "article",
        "hour",
        "views",
    ]
    assert (row.article_id, row.views) == (article.pk, 2)
    stored = [repr(queued.args_kwargs), repr(queued.return_value), repr(list(_stored().items()))]
    if page_cache == "redis":
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter():
            stored.append(repr(key))
            if store.type(key) == b"string":
                stored.append(repr(store.get(key)))
    else:
        cache = caches["default"]
        stored += [repr(key) + repr(value) for key, value in cache._cache.items()]
    everything = "\n".join(stored)
    for trace in ("203.0.113.77", "198.51.100.23", "ReaderMarker42", "Firefox", "cy-GB"):
        assert trace not in everything


def test_reads_reach_the_table_in_batches_through_the_task_worker(settings):
    settings.MOST_READ_FLUSH_READS = 3
    first, second = make_article(), make_article()
    reader = _reader()
    reader.get(first.get_absolute_url())
    reader.get(second.get_absolute_url())
    assert DBTaskResult.objects.count() == 0
    reader.get(first.get_absolute_url())  # the third read hands the batch over
    assert DBTaskResult.objects.count() == 1
    assert _pending() == {}
    assert HourlyReads.objects.count() == 0  # the worker has not run yet
    assert run_queued_tasks() == 1
    assert _stored() == {first.pk: 2, second.pk: 1}
    # The next batch adds to the same hour's rows.
    for _ in range(3):
        reader.get(first.get_absolute_url())
    run_queued_tasks()
    assert _stored() == {first.pk: 5, second.pk: 1}


def test_reads_are_handed_over_after_the_interval(settings):
    settings.MOST_READ_FLUSH_SECONDS = 60
    article = make_article()
    reader = _reader()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        read_counter.clear()
        reader.get(article.get_absolute_url())
        assert DBTaskResult.objects.count() == 0
        clock.shift(timedelta(seconds=61))
        reader.get(article.get_absolute_url())
    assert DBTaskResult.objects.count() == 1
    run_queued_tasks()
    assert _stored() == {article.pk: 2}


def test_reads_of_an_article_deleted_before_the_flush_are_dropped():
    kept, deleted = make_article(), make_article()
    reader = _reader()
    reader.get(kept.get_absolute_url())
    reader.get(deleted.get_absolute_url())
    deleted.delete()
    _flush()
    assert _stored() == {kept.pk: 1}


def _read(article, times):
    reader = _reader()
    for _ in range(times):
        reader.get(article.get_absolute_url())


def test_the_five_most_read_are_listed_in_order_on_the_front_and_under_articles(client):
    articles = [make_article(headline=f"Story {number}") for number in range(7)]
    for article, times in zip(articles, [3, 7, 1, 5, 2, 6, 4], strict=True):
        _read(article, times)
    _flush()
    unpublished = articles[1]
    Article.objects.filter(pk=unpublished.pk).unpublish()
    pagecache.invalidate()  # as the admin's unpublish does
    expected = ["Story 5", "Story 3", "Story 6", "Story 0", "Story 4"]
    assert [article.headline for article in most_read()] == expected
    for address in ("/", articles[0].get_absolute_url()):
        section = _most_read_section(client.get(address).content.decode())
        assert section is not None, address
        assert re.findall(r'<li><a href="[^"]+">([^<]+)</a></li>', section) == expected
        assert 'aria-labelledby="most-read-heading"' in section
        assert f'href="{articles[5].get_absolute_url()}"' in section


def test_with_no_reads_there_is_no_most_read_block(client):
    make_article()
    assert _most_read_section(client.get("/").content.decode()) is None


def test_most_read_counts_the_last_24_hours():
    old, recent = make_article(headline="Old"), make_article(headline="Recent")
    start = timezone.now().replace(minute=30, second=0, microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        _read(old, 5)
        _flush()
        clock.shift(timedelta(hours=23))
        _read(recent, 2)
        _flush()
        # Both in the last 24 hourly buckets (the current hour and the 23 before it).
        assert [article.headline for article in most_read()] == ["Old", "Recent"]
        clock.shift(timedelta(hours=1))
        # The hour the old reads fell in is now 24 hours back: out of the window.
        assert [article.headline for article in most_read()] == ["Recent"]


def test_the_list_costs_one_query_a_generation(client, django_assert_num_queries):
    for number in range(6):
        _read(make_article(headline=f"Story {number}"), number + 1)
    _flush()
    # The pages read above cached the list of this generation (empty then).
    pagecache.invalidate()
    with django_assert_num_queries(1):
        assert len(most_read_links()) == 5
    with django_assert_num_queries(0):
        assert len(most_read_links()) == 5
    pagecache.invalidate()
    with django_assert_num_queries(1):
        most_read_links()


def test_pages_cost_the_same_with_a_most_read_list(client):
    article = make_article()

    def warm_cost():
        client.get(article.get_absolute_url())
        with CaptureQueriesContext(connection) as captured:
            html = client.get(article.get_absolute_url()).content.decode()
        return len(captured), html

    without, html = warm_cost()
    assert _most_read_section(html) is None
    for number in range(5):
        _read(make_article(), number + 1)
    _flush()
    pagecache.invalidate()
    with_list, html = warm_cost()
    assert _most_read_section(html) is not None
    assert with_list == without


def test_the_list_is_read_once_per_generation_then_at_most_every_minute(settings):
    first = make_article(headline="First")
    _read(first, 1)
    _flush()
    pagecache.invalidate()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert [headline for headline, _ in most_read_links()] == ["First"]
        second = make_article(headline="Second")
        _read(second, 3)
        _flush()
        # No staff change, so the generation stands: the cached list is shown.
        assert [headline for headline, _ in most_read_links()] == ["First"]
        clock.shift(timedelta(seconds=settings.MOST_READ_CACHE_SECONDS + 1))
        assert [headline for headline, _ in most_read_links()] == ["Second", "First"]
