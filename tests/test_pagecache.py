"""The whole-page cache for anonymous readers (newsroom/pagecache.py)."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.forms import SIGNING_SALT
from comments.models import Comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

SECURITY = re.compile(r'name="security" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def test_second_anonymous_view_comes_from_the_cache_without_queries(
    client, django_assert_num_queries
):
    article = make_article(headline="Cached story")
    first = client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        second = Client().get(article.get_absolute_url())
    assert second.status_code == 200
    assert "Cached story" in second.content.decode()
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_each_reader_of_a_cached_page_gets_a_fresh_form_key_and_csrf_token():
    article = make_article()
    pages = [Client().get(article.get_absolute_url()).content.decode() for _ in range(3)]
    keys = [SECURITY.search(html).group(1) for html in pages]
    tokens = [CSRF.search(html).group(1) for html in pages]
    assert len(set(keys)) == 3
    assert len(set(tokens)) == 3
    payloads = [signing.loads(key, salt=SIGNING_SALT) for key in keys]
    assert {payload["article"] for payload in payloads} == {article.pk}
    assert len({payload["token"] for payload in payloads}) == 3
    assert "\x00" not in "".join(pages)


def test_a_comment_posted_from_a_cached_page_is_accepted(time_machine):
    time_machine.move_to(timezone.now())
    article = make_article()
    Client().get(article.get_absolute_url())  # fills the cache
    reader = Client(enforce_csrf_checks=True)
    html = reader.get(article.get_absolute_url()).content.decode()
    time_machine.shift(timedelta(seconds=10))  # a reader takes time to write
    response = reader.post(
        reverse("comments:post", args=[article.pk]),
        {
            "csrfmiddlewaretoken": CSRF.search(html).group(1),
            "security": SECURITY.search(html).group(1),
            "comment": "Posted from a cached page.",
            "author": "Cache Reader",
            "email": "cache@example.com",
            "url": "",
            "parent": "",
            "honeypot": "",
        },
    )
    assert response.status_code == 302
    assert Comment.objects.get().text == "Posted from a cached page."


def test_approving_a_comment_shows_it_at_once_despite_the_cache(admin_client):
    article = make_article()
    held = make_comment(article, status=Comment.Status.PENDING, text="Waiting for approval.")
    assert "Waiting for approval." not in Client().get(article.get_absolute_url()).content.decode()
    response = admin_client.post(
        reverse("admin:comments_comment_changelist") + "?status=all",
        {"action": "approve", "_selected_action": [held.pk], "index": 0},
    )
    assert response.status_code == 302
    assert "Waiting for approval." in Client().get(article.get_absolute_url()).content.decode()


def test_a_refused_post_does_not_empty_the_cache(client, django_assert_num_queries):
    article = make_article()
    Client().get("/")
    client.post(reverse("comments:post", args=[article.pk]), {"comment": ""})
    with django_assert_num_queries(0):
        Client().get("/")


def test_scheduled_article_appears_on_its_minute_despite_the_cache(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_article(headline="Already out")
    make_article(headline="Embargoed story", published_at=timezone.now() + timedelta(minutes=1))
    assert "Embargoed story" not in Client().get("/").content.decode()
    time_machine.shift(timedelta(seconds=59))
    assert "Embargoed story" not in Client().get("/").content.decode()
    time_machine.shift(timedelta(seconds=2))
    assert "Embargoed story" in Client().get("/").content.decode()


def test_readers_with_personal_cookies_get_a_fresh_page(client):
    article = make_article()
    url = article.get_absolute_url()
    Client().get(url)
    for cookie in ["sessionid", "comment_author", "comments_own"]:
        reader = Client()
        reader.cookies[cookie] = "x"
        with CaptureQueriesContext(connection) as captured:
            reader.get(url)
        assert len(captured) > 0, cookie


def test_unknown_query_parameters_are_not_cached():
    make_article()
    Client().get("/?utm_source=newsletter")
    with CaptureQueriesContext(connection) as captured:
        Client().get("/?utm_source=newsletter")
    assert len(captured) > 0


def test_pages_of_a_list_are_cached_apart():
    for day in range(12):
        make_article(headline=f"Story {day}", published_at=timezone.now() - timedelta(days=day))
    first = Client().get("/").content.decode()
    second = Client().get("/?page=2").content.decode()
    assert "Story 0" in first and "Story 0" not in second
    assert "Story 11" in second


def test_load_demo_empties_the_cache(django_capture_on_commit_callbacks):
    Client().get("/")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    assert "Harrowfield" in Client().get("/").content.decode()


def test_page_cache_can_be_turned_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_article()
    Client().get("/")
    with CaptureQueriesContext(connection) as captured:
        Client().get("/")
    assert len(captured) > 0


def test_a_failed_login_does_not_empty_the_cache(client, django_assert_num_queries):
    make_article()
    Client().get("/")
    client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"})
    with django_assert_num_queries(0):
        Client().get("/")


def test_an_approved_reader_comment_empties_the_cache_a_held_one_does_not(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now())
    article = make_article()
    earlier = make_comment(article, name="Known Reader", email="known@example.com")
    Comment.objects.filter(pk=earlier.pk).update(created=timezone.now() - timedelta(hours=1))

    def post_as(name, email, text, ip):
        html = Client().get(article.get_absolute_url()).content.decode()
        time_machine.shift(timedelta(seconds=20))
        return Client().post(
            reverse("comments:post", args=[article.pk]),
            {
                "security": SECURITY.search(html).group(1),
                "comment": text,
                "author": name,
                "email": email,
                "url": "",
                "parent": "",
                "honeypot": "",
            },
            REMOTE_ADDR=ip,
        )

    assert (
        post_as("New Reader", "new@example.com", "Held for now.", "203.0.113.1").status_code == 302
    )
    assert "Held for now." not in Client().get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_as("Known Reader", "known@example.com", "Shown at once.", "203.0.113.2")
    assert response.status_code == 302
    assert "Shown at once." in Client().get(article.get_absolute_url()).content.decode()


def test_only_the_numbers_a_page_reads_are_cached(django_assert_num_queries):
    article = make_article()
    for path in [
        "/?cpage=1",
        # The last value is read: page 1, which exists (a 404 may need no query).
        "/?page=2&page=1",
        f"{article.get_absolute_url()}?page=2",
    ]:
        Client().get(path)
        with CaptureQueriesContext(connection) as captured:
            Client().get(path)
        assert len(captured) > 0, path
    Client().get(f"{article.get_absolute_url()}?replyto=07")
    with django_assert_num_queries(0):
        Client().get(f"{article.get_absolute_url()}?replyto=7")


def test_cached_pages_keep_the_headers_their_view_set():
    make_article()
    first = Client().get("/feed/")
    second = Client().get("/feed/")
    assert second["Content-Type"] == first["Content-Type"]
    assert second.content == first.content


def test_generation_survives_the_cache_timeout_and_is_never_reused(
    settings, tmp_path, time_machine
):
    """With the file cache (the default), the generation must not expire or repeat."""
    from django.core.cache import cache

    from newsroom import pagecache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    time_machine.move_to(timezone.now())
    seen = set()
    for _ in range(3):
        pagecache.invalidate()
        generation = pagecache._generation()
        assert generation not in seen
        seen.add(generation)
    time_machine.shift(timedelta(days=2))
    assert pagecache._generation() == generation
    cache.delete(pagecache.GENERATION_KEY)  # culled
    assert pagecache._generation() not in seen
