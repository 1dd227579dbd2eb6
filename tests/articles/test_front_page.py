"""The front page editors control: a pinned lead, top stories, section blocks, the latest."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, FrontPagePin
from newsroom import pagecache
from tests.factories import make_article, make_comment, make_image, make_section, make_staff

pytestmark = pytest.mark.django_db

PINS = reverse("admin:articles_frontpagepin_changelist")
ADD_PIN = reverse("admin:articles_frontpagepin_add")
# The test's own range of ports, where nothing listens.
REDIS_DOWN = "redis://127.0.0.1:8639/5"


def _ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


def _front(client):
    return client.get("/").context


def _headlines(articles):
    return [article.headline for article in articles]


def pin(article, kind=FrontPagePin.Kind.TOP, **fields):
    return FrontPagePin.objects.create(article=article, kind=kind, **fields)


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def editor_client():
    staff = Client()
    staff.force_login(make_staff("Editors"))
    return staff


# --- Automatic until an editor says otherwise ----------------------------------------------


def test_with_nothing_pinned_the_newest_story_leads(client):
    make_article(headline="Older", published_at=_ago(30))
    make_article(headline="Newest", published_at=_ago(5))
    context = _front(client)
    assert context["lead"].headline == "Newest"
    assert context["top_stories"] == []
    assert _headlines(context["article_list"]) == ["Older"]


def test_a_pinned_lead_leads_above_newer_stories_and_is_not_repeated(client):
    chosen = make_article(headline="Chosen lead", published_at=_ago(600))
    make_article(headline="Newest", published_at=_ago(5))
    pin(chosen, FrontPagePin.Kind.LEAD)
    context = _front(client)
    assert context["lead"].headline == "Chosen lead"
    assert "Chosen lead" not in _headlines(context["article_list"])
    assert "Newest" in _headlines(context["article_list"])


def test_top_stories_show_in_their_order_below_the_lead(client):
    first = make_article(headline="First top", published_at=_ago(50))
    second = make_article(headline="Second top", published_at=_ago(10))
    make_article(headline="Newest", published_at=_ago(1))
    pin(second, position=2)
    pin(first, position=1)
    context = _front(client)
    assert _headlines(context["top_stories"]) == ["First top", "Second top"]
    assert context["lead"].headline == "Newest"
    html = client.get("/").content.decode()
    assert html.index("Newest") < html.index("Top stories") < html.index("First top")
    assert html.index("First top") < html.index("Second top")
    assert "First top" not in _headlines(context["article_list"])


def test_a_top_story_that_is_also_the_newest_does_not_lead_as_well(client):
    make_article(headline="Older", published_at=_ago(30))
    pin(make_article(headline="Newest, pinned as a top story", published_at=_ago(5)))
    context = _front(client)
    assert _headlines(context["top_stories"]) == ["Newest, pinned as a top story"]
    assert context["lead"].headline == "Older"
    assert client.get("/").content.decode().count("Newest, pinned as a top story") == 1


def test_only_the_first_page_has_the_pinned_and_section_blocks(client):
    section = make_section(slug="sport")
    for minutes in range(12):
        make_article(section=section, published_at=_ago(minutes + 1))
    pin(Article.objects.last(), FrontPagePin.Kind.LEAD)
    response = client.get("/?page=2")
    assert response.status_code == 200
    assert response.context.get("lead") is None
    assert response.context.get("section_blocks") is None
    assert len(response.context["article_list"]) == 2


# --- Pins readers must never see ------------------------------------------------------------


@pytest.mark.parametrize(
    "article_fields,pin_fields",
    [
        ({"status": Article.Status.DRAFT}, {}),
        ({"status": Article.Status.IN_REVIEW}, {}),
        ({"published_at": timezone.now() + timedelta(days=1)}, {}),
        ({}, {"expires_at": timezone.now() - timedelta(minutes=1)}),
    ],
    ids=["draft", "in review", "scheduled", "expired"],
)
def test_unpublished_scheduled_or_expired_pins_never_show(client, article_fields, pin_fields):
    make_article(headline="Ordinary story", published_at=_ago(5))
    hidden = make_article(headline="Hidden pin", **article_fields)
    pin(hidden, FrontPagePin.Kind.LEAD, **pin_fields)
    pin(hidden_top := make_article(headline="Hidden top", **article_fields), **pin_fields)
    pin(make_article(headline="Visible top", published_at=_ago(600)))
    context = _front(client)
    assert context["lead"].headline == "Ordinary story"
    assert _headlines(context["top_stories"]) == ["Visible top"]
    if hidden.is_public:
        # An expired pin ends the pin, not the story: it is one of the latest again.
        assert {"Hidden pin", "Hidden top"} <= set(_headlines(context["article_list"]))
    else:
        assert hidden.headline not in client.get("/").content.decode()
        assert hidden_top.headline not in client.get("/").content.decode()


def test_a_pinned_article_unpublished_in_the_newsdesk_leaves_the_cached_front_at_once(
    client, page_cache_on, editor_client
):
    make_article(headline="Ordinary story", published_at=_ago(60))
    pinned = make_article(headline="Pinned story", published_at=_ago(600))
    pin(pinned, FrontPagePin.Kind.LEAD)
    assert "Pinned story" in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [pinned.pk]},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=pinned.pk).status == Article.Status.DRAFT
    front = client.get("/")
    assert front["X-Page-Cache"] == "miss"
    assert "Pinned story" not in front.content.decode()


def test_a_pins_expiry_ends_the_cached_front_page_on_time(client, page_cache_on, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_article(headline="Ordinary story", published_at=_ago(60))
    pin(
        make_article(headline="Pinned for a minute", published_at=_ago(600)),
        FrontPagePin.Kind.LEAD,
        expires_at=timezone.now() + timedelta(minutes=1),
    )
    assert "Pinned for a minute" in client.get("/").content.decode()
    # Nothing else is due: the front page may be kept only until the pin expires.
    assert pagecache.seconds_to_keep(300) <= 61
    time_machine.shift(timedelta(seconds=59))
    cached = client.get("/")
    assert cached["X-Page-Cache"] == "hit"
    assert "Pinned for a minute" in cached.content.decode()
    time_machine.shift(timedelta(seconds=2))
    fresh = client.get("/")
    assert fresh["X-Page-Cache"] == "miss"
    assert fresh.context["lead"].headline == "Ordinary story"
    # Back among the latest, in its place by date.
    assert _headlines(fresh.context["article_list"]) == ["Pinned for a minute"]


def test_a_pin_on_a_scheduled_article_shows_when_it_goes_live(client, page_cache_on, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_article(headline="Ordinary story", published_at=_ago(60))
    embargoed = make_article(
        headline="Embargoed lead", published_at=timezone.now() + timedelta(minutes=1)
    )
    pin(embargoed, FrontPagePin.Kind.LEAD)
    assert "Embargoed lead" not in client.get("/").content.decode()
    time_machine.shift(timedelta(seconds=61))
    assert client.get("/").context["lead"].headline == "Embargoed lead"


# --- Section blocks -------------------------------------------------------------------------


def test_each_shown_section_has_a_block_of_its_newest_stories_in_navigation_order(client, settings):
    settings.FRONT_PAGE_SECTION_STORIES = 2
    sport = make_section(name="Sport", slug="sport", order=2)
    politics = make_section(name="Politics", slug="politics", order=1)
    hidden = make_section(name="Archive", slug="archive", order=0, show_in_navigation=False)
    for number in range(3):
        make_article(headline=f"Sport {number}", section=sport, published_at=_ago(10 + number))
        make_article(
            headline=f"Politics {number}", section=politics, published_at=_ago(20 + number)
        )
    make_article(headline="Archived", section=hidden, published_at=_ago(1))
    make_article(headline="Sport draft", section=sport, status=Article.Status.DRAFT)
    blocks = _front(client)["section_blocks"]
    assert [block.section.name for block in blocks] == ["Politics", "Sport"]
    assert _headlines(blocks[0].articles) == ["Politics 0", "Politics 1"]
    assert _headlines(blocks[1].articles) == ["Sport 0", "Sport 1"]
    html = client.get("/").content.decode()
    assert '<a href="/section/politics/">Politics</a></h2>' in html


def test_section_blocks_leave_out_the_lead_and_top_stories(client, settings):
    settings.FRONT_PAGE_SECTION_STORIES = 2
    sport = make_section(name="Sport", slug="sport")
    newest = make_article(headline="Sport newest", section=sport, published_at=_ago(1))
    top = make_article(headline="Sport pinned", section=sport, published_at=_ago(2))
    for number in range(3):
        make_article(headline=f"Sport {number}", section=sport, published_at=_ago(10 + number))
    pin(top)
    context = _front(client)
    assert context["lead"] == newest
    assert _headlines(context["section_blocks"][0].articles) == ["Sport 0", "Sport 1"]


def test_the_default_section_block_holds_articles_without_a_section(client, settings):
    settings.NEWS_DEFAULT_SECTION = "news"
    make_section(name="News", slug="news")
    make_article(headline="Lead story", published_at=_ago(1))
    make_article(headline="Unfiled", published_at=_ago(5))
    blocks = _front(client)["section_blocks"]
    assert [block.section.slug for block in blocks] == ["news"]
    assert _headlines(blocks[0].articles) == ["Unfiled"]


# --- A fixed number of queries, whatever the number of sections ------------------------------


def _front_page_archive(sections, per_section):
    """Publish ``per_section`` stories in each of ``sections``, then a page of older ones.

    The oldest three are pinned, so the pins' rows are never on the latest page.
    """
    made = [make_section(slug=f"desk-{number}") for number in range(sections)]
    total = per_section * sections
    for number in range(total + 12):
        article = make_article(
            featured_image=make_image(),
            section=made[number % sections] if number < total else None,
            published_at=_ago(number + 1),
        )
        make_comment(article)
    articles = list(Article.objects.order_by("-published_at"))
    pin(articles[-1], FrontPagePin.Kind.LEAD)
    pin(articles[-2], position=1)
    pin(articles[-3], position=2)


@pytest.mark.parametrize("per_section", [2, 5])
@pytest.mark.parametrize("sections", [1, 8])
def test_the_whole_front_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, sections, per_section
):
    _front_page_archive(sections, per_section)
    client.get("/")  # the count, the sections and the renditions, once
    # The latest page: its ids, those articles, their authors, their renditions; the
    # pins; every section's newest ids (one query); the pinned and section articles not
    # on the latest page, their authors, their renditions.
    with django_assert_num_queries(9):
        response = client.get("/")
    context = response.context
    assert len(context["section_blocks"]) == sections
    assert context["lead"] is not None and len(context["top_stories"]) == 2
    assert response.content.decode().count("1 comment</a>") >= 3


def _front_page_queries_with_the_cache_down(client, settings, sections):
    for number in range(sections):
        make_article(section=make_section(slug=f"desk-{sections}-{number}"))
    # Nothing listens on this port: Redis is down, and nothing read once is kept.
    down = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_DOWN}
    settings.CACHES = {"default": down, "pagecache_meta": down}
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_with_the_cache_down_the_front_page_still_costs_the_same_for_any_number_of_sections(
    client, settings
):
    one = _front_page_queries_with_the_cache_down(client, settings, 1)
    Article.objects.all().delete()
    assert _front_page_queries_with_the_cache_down(client, settings, 8) == one


def test_the_section_blocks_are_read_in_one_query(client):
    for number in range(8):
        make_article(section=make_section(slug=f"desk-{number}"))
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    unions = [query["sql"] for query in queries if "UNION ALL" in query["sql"]]
    assert len(unions) == 1
    assert unions[0].count("UNION ALL") == 7


# --- The newsdesk: editors pin, nobody else --------------------------------------------------


def test_an_editor_pins_a_lead_in_the_admin_and_readers_see_it(client, editor_client):
    make_article(headline="Newest", published_at=_ago(1))
    chosen = make_article(headline="Chosen by the desk", published_at=_ago(600))
    response = editor_client.post(
        ADD_PIN, {"article": chosen.pk, "kind": "lead", "position": 0, "expires_at_0": ""}
    )
    assert response.status_code == 302, response.content.decode()
    assert FrontPagePin.objects.get().pinned_by.groups.filter(name="Editors").exists()
    assert _front(client)["lead"] == chosen
    listing = editor_client.get(PINS).content.decode()
    assert "Chosen by the desk" in listing and "Yes" in listing


def test_a_second_lead_is_refused_with_a_clear_message(editor_client):
    pin(make_article(headline="Current lead"), FrontPagePin.Kind.LEAD)
    other = make_article(headline="Challenger")
    response = editor_client.post(ADD_PIN, {"article": other.pk, "kind": "lead", "position": 0})
    assert response.status_code == 200
    assert "“Current lead” is already pinned as the lead story" in response.content.decode()
    assert FrontPagePin.objects.count() == 1


def test_an_expiry_in_the_past_is_refused(editor_client):
    article = make_article()
    past = timezone.localtime() - timedelta(hours=1)
    response = editor_client.post(
        ADD_PIN,
        {
            "article": article.pk,
            "kind": "top",
            "position": 0,
            "expires_at_0": past.strftime("%Y-%m-%d"),
            "expires_at_1": past.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert "The unpin time has already passed" in response.content.decode()
    assert not FrontPagePin.objects.exists()


def test_a_pin_for_a_missing_article_is_refused(editor_client):
    response = editor_client.post(ADD_PIN, {"article": 999999, "kind": "top", "position": 0})
    assert response.status_code == 200
    assert not FrontPagePin.objects.exists()


def test_reporters_cannot_see_or_make_pins(client):
    client.force_login(make_staff("Reporters"))
    article = make_article()
    assert client.get(PINS).status_code == 403
    response = client.post(ADD_PIN, {"article": article.pk, "kind": "lead", "position": 0})
    assert response.status_code == 403
    assert not FrontPagePin.objects.exists()


def test_the_pin_list_says_why_a_pin_does_not_show(editor_client):
    pin(make_article(headline="Draft pin", status=Article.Status.DRAFT))
    pin(make_article(headline="Scheduled pin", published_at=timezone.now() + timedelta(hours=1)))
    listing = editor_client.get(PINS).content.decode()
    assert "No: the article is not published" in listing
    assert "Not yet: the article is scheduled" in listing
