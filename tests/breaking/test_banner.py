"""The breaking-news banner: set in the admin, on every public page at once, gone at expiry."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.sections import site_sections
from breaking.models import BreakingNews
from newsroom import pagecache
from pages import furniture
from tests.factories import log_in, make_article, make_staff
from tests.page_caches import page_cache_in

pytestmark = pytest.mark.django_db

PASSWORD = "a long editor password"


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """Turn the page cache on, in memory or in Redis (as two app servers share it)."""
    with page_cache_in(settings, request.param, "banner") as backend:
        yield backend


def _editor_client():
    editor = make_staff("Editors", username="desk", password=PASSWORD)
    client = Client()
    assert log_in(client, editor.username, PASSWORD)
    return client


def _form(text, link="", starts_at=None, expires_at=None, active=True):
    now = timezone.localtime()
    starts_at = timezone.localtime(starts_at or now)
    expires_at = timezone.localtime(expires_at or now + timedelta(hours=1))
    data = {
        "text": text,
        "link": link,
        "starts_at_0": starts_at.strftime("%Y-%m-%d"),
        "starts_at_1": starts_at.strftime("%H:%M:%S"),
        "expires_at_0": expires_at.strftime("%Y-%m-%d"),
        "expires_at_1": expires_at.strftime("%H:%M:%S"),
    }
    if active:
        data["is_active"] = "on"
    return data


def _banner(html):
    """Return the banner's region from a page, or None."""
    found = re.search(r'<section class="breaking-news".*?</section>', html, re.S)
    return found.group(0) if found else None


def _make_banner(**fields):
    fields.setdefault("text", "Harbour bridge closed after crash")
    fields.setdefault("expires_at", timezone.now() + timedelta(hours=1))
    banner = BreakingNews.objects.create(**fields)
    # As the admin's save does (InvalidateOnStaffWriteMiddleware).
    pagecache.invalidate()
    return banner


def test_a_banner_saved_in_the_admin_shows_at_once_on_cached_pages(page_cache):
    article = make_article()
    reader = Client()
    for address in ("/", article.get_absolute_url()):
        reader.get(address)
        cached = reader.get(address)
        assert cached["X-Page-Cache"] == "hit"
        assert _banner(cached.content.decode()) is None

    editor = _editor_client()
    response = editor.post(
        reverse("admin:breaking_breakingnews_add"),
        _form("Harbour bridge closed after crash", link=article.get_absolute_url()),
    )
    assert response.status_code == 302, response.content.decode()

    for address in ("/", article.get_absolute_url(), reverse("articles:corrections")):
        first, second = reader.get(address), reader.get(address)
        assert first["X-Page-Cache"] == "miss"
        assert second["X-Page-Cache"] == "hit"
        for page in (first, second):
            banner = _banner(page.content.decode())
            assert banner is not None, address
            assert f'<a href="{article.get_absolute_url()}">Harbour bridge closed' in banner

    # Taken down in the admin: gone from the cached pages at once too.
    banner = BreakingNews.objects.get()
    data = _form(banner.text, starts_at=banner.starts_at, expires_at=banner.expires_at)
    del data["is_active"]
    response = editor.post(reverse("admin:breaking_breakingnews_change", args=[banner.pk]), data)
    assert response.status_code == 302
    assert _banner(reader.get("/").content.decode()) is None


def test_a_banner_disappears_from_cached_pages_at_its_expiry_with_no_write(page_cache):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        # Sooner than the page cache's 300 seconds.
        _make_banner(expires_at=timezone.now() + timedelta(minutes=2))
        reader = Client()
        assert _banner(reader.get("/").content.decode()) is not None
        hit = reader.get("/")
        assert hit["X-Page-Cache"] == "hit"
        # Shared caches may not keep it past the expiry either.
        assert "s-maxage=60" in hit["Cache-Control"]

        clock.shift(timedelta(minutes=1, seconds=58))
        assert reader.get("/")["X-Page-Cache"] == "hit"
        clock.shift(timedelta(seconds=3))
        expired = reader.get("/")
        assert expired["X-Page-Cache"] == "miss"
        assert _banner(expired.content.decode()) is None


def test_the_page_cache_keeps_no_page_past_the_banners_expiry_or_start(page_cache):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        _make_banner(expires_at=now + timedelta(minutes=3))
        _make_banner(
            text="Polls open",
            starts_at=now + timedelta(minutes=1),
            expires_at=now + timedelta(hours=3),
        )
        BreakingNews.objects.current()
        assert pagecache.seconds_to_keep(300) == 61


def test_a_scheduled_banner_appears_at_its_start(page_cache):
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        _make_banner(text="Polls open", starts_at=now + timedelta(minutes=5))
        reader = Client()
        assert _banner(reader.get("/").content.decode()) is None
        assert reader.get("/")["X-Page-Cache"] == "hit"
        clock.shift(timedelta(minutes=5, seconds=2))
        assert "Polls open" in _banner(reader.get("/").content.decode())


def test_the_rendering_checks_the_expiry_itself(django_assert_num_queries):
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        _make_banner(expires_at=now + timedelta(minutes=10))
        assert BreakingNews.objects.showing() is not None
        clock.shift(timedelta(minutes=10))
        # The list read this generation is still cached; the expiry is checked on it.
        with django_assert_num_queries(0):
            assert BreakingNews.objects.showing() is None


def test_inactive_and_expired_banners_are_not_shown(client):
    _make_banner(text="Taken down", is_active=False)
    _make_banner(
        text="Old news",
        starts_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    assert _banner(client.get("/").content.decode()) is None
    _make_banner(text="Showing")
    assert "Showing" in _banner(client.get("/").content.decode())


def test_the_latest_started_banner_wins(client):
    _make_banner(text="Earlier", starts_at=timezone.now() - timedelta(minutes=30))
    _make_banner(text="Later", starts_at=timezone.now() - timedelta(minutes=5))
    banner = _banner(client.get("/").content.decode())
    assert "Later" in banner and "Earlier" not in banner


def test_the_banner_costs_one_query_a_generation_and_none_a_page(client, django_assert_num_queries):
    _make_banner()
    with django_assert_num_queries(1):
        assert BreakingNews.objects.showing().text == "Harbour bridge closed after crash"
    # What the 404 page's other parts read once per generation.
    site_sections()
    furniture.current()
    # A 404 asks the old addresses (articles.redirects) once; the banner asks nothing.
    with django_assert_num_queries(3):
        for _ in range(3):
            assert BreakingNews.objects.showing() is not None
            # An address no page has (a one-segment one could be a static page's).
            assert client.get("/no-such/page/").status_code == 404
    pagecache.invalidate()
    with django_assert_num_queries(1):
        BreakingNews.objects.showing()


def _queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        html = client.get(address).content.decode()
    return len(captured), html


def test_a_banner_adds_no_query_to_a_page(client):
    article = make_article()
    costs = {}
    for shown in (False, True):
        if shown:
            _make_banner()
        for address in (article.get_absolute_url(), "/"):
            # The first page of a generation reads the banner and the most-read list (a
            # query each), the next pages neither; the front page's own first view also
            # counts the articles and asks for the next scheduled one (articles/pagination.py).
            # What other apps read once per generation (the masthead's sections, the site
            # settings) is read first, so the difference is the banner's and the list's.
            site_sections()
            furniture.current()
            cold, _ = _queries(client, address)
            warm, html = _queries(client, address)
            assert ("Harbour bridge" in html) is shown
            # The front page's first view also asks when its next pin expires (how long
            # its page may be kept: articles/frontpage.py).
            assert cold == warm + (3 if address == "/" else 2)
            costs[shown, address] = warm
    assert costs[True, "/"] == costs[False, "/"]
    address = article.get_absolute_url()
    assert costs[True, address] == costs[False, address]


def test_the_banner_is_a_labelled_region_not_an_alert(client):
    _make_banner(text="Storm warning <b>now</b>", link="https://weather.example/storm")
    html = client.get("/").content.decode()
    banner = _banner(html)
    assert 'aria-labelledby="breaking-news-label"' in banner
    assert re.search(r'id="breaking-news-label"[^>]*>Breaking news<', banner)
    assert "role=" not in banner and "aria-live" not in banner
    # The link's text is the news itself, escaped.
    assert (
        '<a href="https://weather.example/storm">Storm warning &lt;b&gt;now&lt;/b&gt;</a>' in banner
    )
    # Near the top: after the masthead, before the main content.
    assert html.index("</header>") < html.index(banner) < html.index("<main")


@pytest.mark.parametrize(
    "link,message",
    [
        ("javascript:alert(1)", "Enter an address on this site"),
        ("//evil.example/", "Enter an address on this site"),
        ("/a page", "cannot contain spaces"),
        ("ftp://files.example/", "Enter an address on this site"),
    ],
)
def test_the_admin_refuses_a_bad_link_with_a_clear_message(link, message):
    editor = _editor_client()
    response = editor.post(reverse("admin:breaking_breakingnews_add"), _form("News", link=link))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BreakingNews.objects.exists()


def test_the_admin_refuses_an_expiry_before_the_start():
    editor = _editor_client()
    now = timezone.now()
    response = editor.post(
        reverse("admin:breaking_breakingnews_add"),
        _form("News", starts_at=now, expires_at=now - timedelta(minutes=1)),
    )
    assert response.status_code == 200
    assert "The banner must expire after it starts." in response.content.decode()
    assert not BreakingNews.objects.exists()


def test_reporters_cannot_set_a_banner():
    reporter = make_staff("Reporters", username="rita", password=PASSWORD)
    client = Client()
    assert log_in(client, reporter.username, PASSWORD)
    assert client.get(reverse("admin:breaking_breakingnews_add")).status_code == 403
    response = client.post(reverse("admin:breaking_breakingnews_add"), _form("News"))
    assert response.status_code == 403
    assert not BreakingNews.objects.exists()


def test_the_add_form_offers_a_two_hour_expiry():
    editor = _editor_client()
    with time_machine.travel(timezone.now(), tick=False):
        expected = timezone.localtime(timezone.now() + timedelta(hours=2))
        html = editor.get(reverse("admin:breaking_breakingnews_add")).content.decode()
    assert f'value="{expected:%Y-%m-%d}"' in html
    assert f'value="{expected:%H:%M:%S}"' in html
