"""The whole-page cache for anonymous readers (newsroom/pagecache.py).

Every test runs against each backend the site supports: Django's in-memory cache, the
file cache (the single-machine default) and Redis (database 6, emptied before and after).
"""

import re
from datetime import timedelta
from io import StringIO
from urllib.parse import quote

import pytest
from django.core import signing
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.forms import SIGNING_SALT, read_form_key, sign_form
from comments.models import Comment
from newsroom import pagecache
from tests.factories import make_article, make_comment, make_image, make_tag
from tests.page_caches import FILE, REDIS, page_cache_in

pytestmark = pytest.mark.django_db

SECURITY = re.compile(r'name="security" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True, params=["locmem", "file", "redis"])
def page_cache(request, settings, tmp_path):
    """Turn the page cache on, in the backend named by the parameter."""
    with page_cache_in(settings, request.param, "pagecache", folder=tmp_path) as backend:
        yield backend


def get(path, client=None, **extra):
    return (client or Client()).get(path, **extra)


def assert_hit(path, client=None, **extra):
    """Request ``path`` and check it came from the cache: the header, and no query."""
    with CaptureQueriesContext(connection) as queries:
        response = get(path, client, **extra)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit", path
    assert len(queries) == 0, [query["sql"] for query in queries]
    return response


def assert_rendered(path, client=None, **extra):
    """Request ``path`` and check it was rendered: the header, and queries run."""
    with CaptureQueriesContext(connection) as queries:
        response = get(path, client, **extra)
    assert response.get("X-Page-Cache") in ("miss", "pass", None), path
    assert len(queries) > 0
    return response


def test_second_anonymous_view_comes_from_the_cache_without_queries():
    article = make_article(headline="Cached story")
    first = assert_rendered(article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    second = assert_hit(article.get_absolute_url())
    assert "Cached story" in second.content.decode()
    # Served before the view is even resolved, the hit still carries the site's headers.
    for header in [
        "Content-Type",
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
    ]:
        assert second[header] == first[header], header


def test_each_reader_of_a_cached_page_gets_a_fresh_form_key_and_csrf_token():
    article = make_article()
    pages = [get(article.get_absolute_url()) for _ in range(3)]
    assert [page["X-Page-Cache"] for page in pages] == ["miss", "hit", "hit"]
    html = [page.content.decode() for page in pages]
    keys = [read_form_key(SECURITY.search(page).group(1), max_age=60) for page in html]
    tokens = [CSRF.search(page).group(1) for page in html]
    assert {article_pk for article_pk, _, _ in keys} == {article.pk}
    assert len({token for _, token, _ in keys}) == 3
    assert len(set(tokens)) == 3
    assert all(len(token) == 64 for token in tokens)
    # Each reader was given a CSRF cookie to go with the token in their page.
    assert all(page.cookies["csrftoken"].value for page in pages)
    assert not any(pagecache._MARK in page for page in html)


def test_a_comment_posted_from_a_cached_page_is_accepted(time_machine):
    time_machine.move_to(timezone.now())
    article = make_article()
    get(article.get_absolute_url())  # fills the cache
    reader = Client(enforce_csrf_checks=True)
    html = assert_hit(article.get_absolute_url(), reader).content.decode()
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


def test_a_returning_reader_keeps_their_csrf_cookie_and_can_post(time_machine):
    time_machine.move_to(timezone.now())
    article = make_article()
    reader = Client(enforce_csrf_checks=True)
    get(article.get_absolute_url(), reader)
    secret = reader.cookies["csrftoken"].value
    html = assert_hit(article.get_absolute_url(), reader).content.decode()
    assert reader.cookies["csrftoken"].value == secret
    time_machine.shift(timedelta(seconds=10))
    response = reader.post(
        reverse("comments:post", args=[article.pk]),
        {
            "csrfmiddlewaretoken": CSRF.search(html).group(1),
            "security": SECURITY.search(html).group(1),
            "comment": "Second visit.",
            "author": "Cache Reader",
            "email": "cache@example.com",
        },
    )
    assert response.status_code == 302


def test_a_forged_csrf_token_is_still_refused():
    article = make_article()
    reader = Client(enforce_csrf_checks=True)
    html = get(article.get_absolute_url(), reader).content.decode()
    response = reader.post(
        reverse("comments:post", args=[article.pk]),
        {"csrfmiddlewaretoken": "x" * 64, "security": SECURITY.search(html).group(1)},
    )
    assert response.status_code == 403


def test_approving_a_comment_shows_it_at_once_despite_the_cache(admin_client):
    article = make_article()
    held = make_comment(article, status=Comment.Status.PENDING, text="Waiting for approval.")
    get(article.get_absolute_url())
    assert "Waiting for approval." not in assert_hit(article.get_absolute_url()).content.decode()
    response = admin_client.post(
        reverse("admin:comments_comment_changelist") + "?status=all",
        {"action": "approve", "_selected_action": [held.pk], "index": 0},
    )
    assert response.status_code == 302
    after = assert_rendered(article.get_absolute_url())
    assert "Waiting for approval." in after.content.decode()
    assert_hit(article.get_absolute_url())


def test_a_refused_post_does_not_empty_the_cache(client):
    article = make_article()
    get("/")
    client.post(reverse("comments:post", args=[article.pk]), {"comment": ""})
    assert_hit("/")


def test_scheduled_article_appears_on_its_minute_despite_the_cache(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_article(headline="Already out")
    make_article(headline="Embargoed story", published_at=timezone.now() + timedelta(minutes=1))
    assert "Embargoed story" not in get("/").content.decode()
    time_machine.shift(timedelta(seconds=59))
    assert "Embargoed story" not in assert_hit("/").content.decode()
    time_machine.shift(timedelta(seconds=2))
    assert "Embargoed story" in assert_rendered("/").content.decode()


def test_readers_with_a_session_or_their_own_changeable_comments_get_a_fresh_page():
    article = make_article()
    url = article.get_absolute_url()
    get(url)
    for cookie in ["sessionid", "comments_own", "comments_editable"]:
        reader = Client()
        reader.cookies[cookie] = "x"
        response = assert_rendered(url, reader)
        assert response["X-Page-Cache"] == "pass"
        assert response["Cache-Control"] == "private, max-age=0"


def test_a_reader_who_saved_their_name_is_served_the_cached_page_filled_in():
    article = make_article()
    url = article.get_absolute_url()
    anonymous = get(url).content.decode()
    assert 'name="author" value=""' in anonymous
    assert 'id="cookies_consent" checked' not in anonymous
    reader = Client()
    reader.cookies["comment_author"] = quote("Zoë Reader", safe="@:/.")
    reader.cookies["comment_author_email"] = "zoe@example.com"
    reader.cookies["comment_author_url"] = "https://zoe.example.com/"
    html = assert_hit(url, reader).content.decode()
    assert 'name="author" value="Zoë Reader"' in html
    assert 'name="email" value="zoe@example.com"' in html
    assert 'name="url" value="https://zoe.example.com/"' in html
    assert 'name="cookies_consent" id="cookies_consent" checked' in html
    assert assert_hit(url)["Cache-Control"] == "private, max-age=0"


def test_a_hostile_saved_name_cannot_inject_markup_into_a_cached_page():
    article = make_article()
    url = article.get_absolute_url()
    get(url)
    reader = Client()
    reader.cookies["comment_author"] = quote("\"><script>alert(1)</script><x a='", safe="")
    html = assert_hit(url, reader).content.decode()
    assert "<script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;x a=&#x27;"' in html


def test_unknown_query_parameters_are_not_cached():
    make_article()
    get("/?utm_source=newsletter")
    response = assert_rendered("/?utm_source=newsletter")
    assert response["X-Page-Cache"] == "pass"
    assert response["Cache-Control"] == "private, max-age=0"


def test_pages_of_a_list_are_cached_apart():
    for day in range(12):
        make_article(headline=f"Story {day}", published_at=timezone.now() - timedelta(days=day))
    first = get("/").content.decode()
    second = get("/?page=2").content.decode()
    assert "Story 0" in first and "Story 0" not in second
    assert "Story 11" in second
    assert "Story 0" in assert_hit("/").content.decode()
    assert "Story 11" in assert_hit("/?page=2").content.decode()


def test_a_not_found_page_is_never_stored():
    get("/tag/no-such-topic/")
    with CaptureQueriesContext(connection) as queries:
        response = get("/tag/no-such-topic/")
    assert response.status_code == 404
    assert len(queries) > 0


def test_load_demo_empties_the_cache(django_capture_on_commit_callbacks):
    get("/")
    assert_hit("/")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    assert "Harrowfield" in assert_rendered("/").content.decode()


def test_clear_page_cache_empties_the_cache():
    make_article()
    get("/")
    assert_hit("/")
    out = StringIO()
    call_command("clear_page_cache", stdout=out)
    assert "emptied" in out.getvalue()
    assert_rendered("/")
    assert_hit("/")


def test_migrate_starts_a_new_generation():
    make_article()
    get("/")
    assert_hit("/")
    call_command("migrate", verbosity=0)
    assert_rendered("/")


def test_page_cache_can_be_turned_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_article()
    get("/")
    response = assert_rendered("/")
    assert response["Cache-Control"] == "private, max-age=0"


def test_a_failed_login_does_not_empty_the_cache(client):
    make_article()
    get("/")
    client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"})
    assert_hit("/")


def test_an_approved_reader_comment_empties_the_cache_a_held_one_does_not(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now())
    article = make_article()
    earlier = make_comment(article, name="Known Reader", email="known@example.com")
    Comment.objects.filter(pk=earlier.pk).update(created=timezone.now() - timedelta(hours=1))

    def post_as(name, email, text, ip):
        html = get(article.get_absolute_url()).content.decode()
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
    assert "Held for now." not in assert_hit(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_as("Known Reader", "known@example.com", "Shown at once.", "203.0.113.2")
    assert response.status_code == 302
    assert "Shown at once." in assert_rendered(article.get_absolute_url()).content.decode()


def test_only_the_numbers_a_page_reads_are_cached():
    article = make_article()
    for path in [
        "/?cpage=1",
        # The last value is read: page 1, which exists (a 404 may need no query).
        "/?page=2&page=1",
        "/?utm_id=1",
        f"{article.get_absolute_url()}?page=2",
        f"{article.get_absolute_url()}?cpage=x",
    ]:
        get(path)
        assert_rendered(path)


def test_a_reply_link_to_a_visible_comment_is_cached_under_its_number():
    article = make_article()
    comment = make_comment(article, name="Ann Lee")
    url = article.get_absolute_url()
    get(f"{url}?replyto=0{comment.pk}")
    html = assert_hit(f"{url}?replyto={comment.pk}").content.decode()
    assert "Leave a Reply to Ann Lee" in html


@pytest.mark.parametrize("status", [None, Comment.Status.PENDING, Comment.Status.SPAM])
def test_a_reply_link_to_no_visible_comment_is_never_stored(status):
    article = make_article()
    number = 999999 if status is None else make_comment(article, status=status).pk
    path = f"{article.get_absolute_url()}?replyto={number}"
    first = get(path)
    assert first.status_code == 200
    assert "Leave a Reply to" not in first.content.decode()
    assert_rendered(path)


def test_a_view_can_ask_for_its_response_not_to_be_stored(settings):
    calls = []

    def flaky(request):
        calls.append(request)
        if len(calls) == 1:
            pagecache.do_not_store()
        return HttpResponse(f"answer {len(calls)}")

    view = pagecache.cache_public_page(flaky)
    factory = RequestFactory()
    first = view(factory.get("/flaky/"))
    assert first["X-Page-Cache"] == "miss"
    assert first["Cache-Control"] == "private, max-age=0"
    assert view(factory.get("/flaky/")).content == b"answer 2"
    third = view(factory.get("/flaky/"))
    assert (third.content, third["X-Page-Cache"]) == (b"answer 2", "hit")
    assert len(calls) == 2


def test_keys_are_hashed_to_a_fixed_length():
    request = RequestFactory().get("/author/" + "a" * 3000 + "/", {"page": "123456789"})
    key = pagecache._cache_key(pagecache._address(request, ("page",)))
    assert re.fullmatch(r"pagecache:[0-9a-f]{64}", key)
    other = pagecache._cache_key(
        pagecache._address(RequestFactory().get("/", {"page": "2"}), ("page",))
    )
    assert len(other) == len(key) and other != key


def test_public_pages_may_be_held_by_a_shared_cache_for_a_short_while(settings):
    settings.PAGE_CACHE_SHARED_SECONDS = 60
    settings.PAGE_CACHE_STALE_SECONDS = 30
    tag = make_tag()
    make_article(tags=[tag])
    for path in ["/", tag.get_absolute_url(), "/feed/", "/sitemap.xml"]:
        for response in (get(path), assert_hit(path)):
            assert response["Cache-Control"] == (
                "public, max-age=0, s-maxage=60, stale-while-revalidate=30"
            ), path
            assert response["Vary"] == "Cookie"
            assert "Set-Cookie" not in response, path


def test_pages_with_per_reader_values_are_private():
    article = make_article()
    for response in (get(article.get_absolute_url()), assert_hit(article.get_absolute_url())):
        assert response["Cache-Control"] == "private, max-age=0"
        assert "Cookie" in response["Vary"]


def test_shared_caches_keep_nothing_past_the_next_scheduled_publication(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_article()
    make_article(published_at=timezone.now() + timedelta(seconds=20))
    assert "s-maxage=21," in get("/")["Cache-Control"]
    time_machine.shift(timedelta(seconds=10))
    assert "s-maxage=11," in assert_hit("/")["Cache-Control"]


def test_previews_are_never_cached(admin_client):
    article = make_article()
    response = admin_client.get(reverse("articles:preview", args=[article.pk]))
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_cached_pages_keep_the_headers_their_view_set():
    make_article()
    first = get("/feed/")
    second = assert_hit("/feed/")
    assert second["Content-Type"] == first["Content-Type"]
    assert second.content == first.content


def test_generation_survives_the_cache_timeout_and_is_never_reused(time_machine):
    time_machine.move_to(timezone.now())
    seen = set()
    for _ in range(3):
        pagecache.invalidate()
        generation = pagecache._generation()
        assert generation not in seen
        seen.add(generation)
    time_machine.shift(timedelta(days=2))
    assert pagecache._generation() == generation
    caches["pagecache_meta"].delete(pagecache.GENERATION_KEY)  # lost
    assert pagecache._generation() not in seen


@pytest.mark.parametrize("page_cache", ["file"], indirect=True)
def test_culling_the_file_cache_never_drops_the_generation(page_cache, settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": FILE,
            "LOCATION": str(tmp_path / "pages"),
            # Culling every entry each time the cache holds two makes a lost generation
            # certain, were it among them.
            "OPTIONS": {"MAX_ENTRIES": 2, "CULL_FREQUENCY": 1},
        },
    }
    tags = [make_tag() for _ in range(6)]
    for tag in tags:
        make_article(tags=[tag])
    generation = pagecache._generation()
    for tag in tags:
        get(tag.get_absolute_url())
    assert len(list((tmp_path / "pages").glob("*.djcache"))) <= 2
    assert pagecache._generation() == generation
    assert_hit(tags[-1].get_absolute_url())


def test_the_form_key_is_exactly_what_djangos_signer_makes(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    key = sign_form(42, token="one-time")
    value = key.rsplit(":", 1)[0]
    assert key == signing.Signer(salt=SIGNING_SALT).sign(value)
    assert read_form_key(key, max_age=10)[:2] == (42, "one-time")
    with pytest.raises(signing.BadSignature):
        read_form_key(key.replace("42.", "43.", 1), max_age=10)


def test_a_page_another_worker_stored_is_a_hit_here_too():
    article = make_article()
    get(article.get_absolute_url())
    # What a second gunicorn worker sees: the shared cache, nothing in its own memory.
    pagecache._local_pages.clear()
    assert_hit(article.get_absolute_url())
    assert_hit(article.get_absolute_url())


@pytest.mark.parametrize("page_cache", ["redis"], indirect=True)
def test_an_unreachable_cache_costs_speed_not_the_site(
    page_cache, settings, admin_client, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now())
    article = make_article()
    held = make_comment(article, status=Comment.Status.PENDING, text="Held while Redis is down.")
    get(article.get_absolute_url())
    assert_hit(article.get_absolute_url())
    # Nothing listens on this port (the test's own range): Redis is down.
    down = {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:8639/5"}
    settings.CACHES = {"default": down, "pagecache_meta": down}
    # The page this process holds in memory is not served: its generation cannot be
    # checked. It is rendered, and the staff change and the comment still go through.
    page = assert_rendered(article.get_absolute_url())
    assert (page.status_code, page["X-Page-Cache"]) == (200, "pass")
    html = page.content.decode()
    # Lists count without their cache, and a picture without renditions is still queued.
    make_article(featured_image=make_image(renditions=False))
    for path in ["/", "/?page=1", "/sitemap.xml", "/feed/"]:
        assert get(path).status_code == 200, path
    response = admin_client.post(
        reverse("admin:comments_comment_changelist") + "?status=all",
        {"action": "approve", "_selected_action": [held.pk], "index": 0},
    )
    assert response.status_code == 302
    assert "Held while Redis is down." in get(article.get_absolute_url()).content.decode()
    time_machine.shift(timedelta(seconds=10))
    with django_capture_on_commit_callbacks(execute=True):
        posted = Client().post(
            reverse("comments:post", args=[article.pk]),
            {
                "security": SECURITY.search(html).group(1),
                "comment": "Posted while Redis is down.",
                "author": "Another Reader",
                "email": "another@example.com",
            },
        )
    assert posted.status_code == 302


def test_memory_for_recent_pages_stays_within_its_limit(settings):
    pagecache._local_pages.clear()
    settings.PAGE_CACHE_LOCAL_MB = 0
    tags = [make_tag() for _ in range(3)]
    for tag in tags:
        make_article(tags=[tag])
        get(tag.get_absolute_url())
    assert pagecache._local_pages.size == 0 and not pagecache._local_pages.paths
    # Still served from the shared cache, by the view's wrapper.
    assert_hit(tags[0].get_absolute_url())


@pytest.fixture
def observed():
    """Register a page observer for one test; return the (outcome, label) pairs it saw."""
    seen = []

    def observe(request, label):
        seen.append((request.method, label))

    pagecache.register_page_observer(observe)
    yield seen
    pagecache._page_observers.remove(observe)


def test_observers_see_every_answer_of_a_labelled_page_cached_or_not(observed):
    article = make_article()
    label = ("article", article.pk)
    assert get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert_hit(article.get_absolute_url())  # answered by the middleware, no view
    assert Client().head(article.get_absolute_url())["X-Page-Cache"] == "hit"
    personal = Client()
    personal.cookies["comments_own"] = "x"
    assert personal.get(article.get_absolute_url())["X-Page-Cache"] == "pass"
    assert observed == [("GET", label), ("GET", label), ("HEAD", label), ("GET", label)]


def test_observers_hear_nothing_of_unlabelled_pages_or_failures(observed):
    make_article()
    draft = make_article(status="draft")
    for _ in range(2):
        assert get("/").status_code == 200
    assert get(draft.get_absolute_url()).status_code == 404
    assert observed == []
