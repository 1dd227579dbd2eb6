"""The newsdesk's front page: each panel, as each role, and its cost at two archive sizes."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.desk import review_rows, scheduled_today_rows
from articles.models import Article, Correction
from tests.factories import make_article, make_comment, make_staff, make_user

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
CHANGELIST = reverse("admin:articles_article_changelist")


def _panel(html, panel_id):
    """Return the HTML of the panel ``panel_id`` on the desk, or "" if it is not shown."""
    match = re.search(rf'<section [^>]*id="{panel_id}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def _listed(client, query):
    return list(client.get(f"{CHANGELIST}?{query}").context["cl"].result_list)


@pytest.fixture
def reporter():
    return make_staff("Reporters", username="rosa")


@pytest.fixture
def editor():
    return make_staff("Editors", username="desk")


def _local(hour, minute, days=0):
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def test_my_drafts_lists_only_the_users_drafts_and_links_to_them(client, reporter):
    mine = make_article(
        status=Article.Status.DRAFT, headline="My harbour draft", authors=[reporter]
    )
    make_article(status=Article.Status.DRAFT, headline="Someone else's draft")
    make_article(status=Article.Status.IN_REVIEW, headline="My submitted story", authors=[reporter])
    client.force_login(reporter)
    panel = _panel(client.get(INDEX).content.decode(), "desk-my-drafts")
    assert "My harbour draft" in panel
    assert "Someone else" not in panel and "submitted" not in panel
    assert f'href="{CHANGELIST}?workflow=draft&amp;author=mine"' in panel
    assert _listed(client, "workflow=draft&author=mine") == [mine]


def test_author_filter_mine_works_for_editors_too(client, editor):
    mine = make_article(status=Article.Status.DRAFT, authors=[editor])
    make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    assert _listed(client, "author=mine") == [mine]
    assert len(_listed(client, "workflow=draft")) == 2


def test_my_drafts_shows_at_most_five_last_saved_first(client, editor):
    drafts = [make_article(status=Article.Status.DRAFT, authors=[editor]) for _ in range(7)]
    drafts[0].save()  # saved last
    client.force_login(editor)
    panel = _panel(client.get(INDEX).content.decode(), "desk-my-drafts")
    assert panel.count("<li>") == 5
    assert panel.index(drafts[0].headline + "<") < panel.index(drafts[6].headline + "<")


def test_in_review_is_for_editors_with_count_list_and_link(client, editor, reporter):
    waiting = [make_article(status=Article.Status.IN_REVIEW) for _ in range(6)]
    client.force_login(editor)
    panel = _panel(client.get(INDEX).content.decode(), "needs-review")
    assert "<strong>6</strong> articles waiting for an editor" in panel
    assert panel.count("<li>") == 5
    assert waiting[-1].headline in panel  # newest first
    assert f'href="{CHANGELIST}?workflow=review"' in panel
    assert set(_listed(client, "workflow=review")) == set(waiting)
    assert set(_listed(client, "status__exact=review")) == set(waiting)
    client.force_login(reporter)
    assert _panel(client.get(INDEX).content.decode(), "needs-review") == ""


def _zone_well_before_midnight():
    """Return a time zone far from UTC where it is not yet 21:00, so two later times fit."""
    for name in ["Pacific/Auckland", "Asia/Tokyo", "America/Los_Angeles", "America/New_York"]:
        if datetime.now(ZoneInfo(name)).hour < 21:
            return name
    raise AssertionError("four zones 3+ hours apart cannot all be past 21:00")


def test_scheduled_today_shows_local_times_soonest_first(client, editor, settings):
    settings.TIME_ZONE = _zone_well_before_midnight()
    now = timezone.localtime()
    soon = make_article(headline="Soon", published_at=now + timedelta(minutes=30))
    later = make_article(headline="Later", published_at=now + timedelta(minutes=90))
    make_article(headline="Tomorrow's story", published_at=_local(9, 0, days=1))
    make_article(headline="Already out", published_at=now - timedelta(minutes=5))
    client.force_login(editor)
    panel = _panel(client.get(INDEX).content.decode(), "desk-scheduled")
    assert "Tomorrow" not in panel and "Already out" not in panel
    assert panel.index("Soon") < panel.index("Later")
    local_time = timezone.localtime(soon.published_at).strftime("%H:%M")
    assert f">{local_time}</time>" in panel
    assert f'href="{CHANGELIST}?workflow=today"' in panel
    assert set(_listed(client, "workflow=today")) == {soon, later}


def test_latest_published_lists_live_articles_and_reporters_own(client, editor, reporter):
    own = make_article(headline="Rosa's story", authors=[reporter])
    other = make_article(headline="Desk story", published_at=timezone.now() - timedelta(minutes=5))
    make_article(headline="Not yet", published_at=timezone.now() + timedelta(hours=3))
    client.force_login(editor)
    panel = _panel(client.get(INDEX).content.decode(), "desk-published")
    assert panel.index("Desk story") < panel.index("Rosa&#x27;s story")
    assert "Not yet" not in panel
    assert f'href="{CHANGELIST}?workflow=live"' in panel
    assert set(_listed(client, "workflow=live")) == {own, other}
    client.force_login(reporter)
    panel = _panel(client.get(INDEX).content.decode(), "desk-published")
    assert "Rosa&#x27;s story" in panel and "Desk story" not in panel


def test_corrections_this_week_are_listed_and_filtered(client, editor):
    fresh = make_article(headline="Council budget")
    Correction.objects.create(article=fresh, text="The vote was 7 to 5.")
    old = make_article(headline="Old bridge")
    Correction.objects.create(
        article=old, text="An old fix.", created=timezone.now() - timedelta(days=9)
    )
    make_article(headline="Never corrected")
    client.force_login(editor)
    panel = _panel(client.get(INDEX).content.decode(), "desk-corrections")
    assert "Council budget" in panel and "The vote was 7 to 5." in panel
    assert "Old bridge" not in panel
    assert f'href="{CHANGELIST}?corrected=7d"' in panel
    assert _listed(client, "corrected=7d") == [fresh]


def test_comment_panel_quotes_the_newest_three_escaped_with_headlines(client, editor):
    article = make_article(headline="Harbour wall")
    for number in range(4):
        make_comment(article, status="pending", text=f"Pending number {number}")
    make_comment(article, status="pending", text="<script>alert(1)</script> " + "long " * 60)
    make_comment(article, text="Approved, not quoted")
    client.force_login(editor)
    panel = _panel(client.get(INDEX).content.decode(), "comments-awaiting-moderation")
    assert "<strong>5</strong> comments awaiting moderation" in panel
    assert panel.count("<blockquote") == 3
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel and "<script>" not in panel
    assert "…</p></blockquote>" in panel  # cut short
    assert "Pending number 3" in panel and "Pending number 2" in panel
    assert "Pending number 1" not in panel and "Approved, not quoted" not in panel
    assert "Harbour wall" in panel
    assert f'href="{reverse("admin:comments_comment_changelist")}?status=pending"' in panel


def test_reporters_see_no_comments_or_review_panels(client, reporter):
    make_comment(status="pending")
    make_article(status=Article.Status.IN_REVIEW)
    client.force_login(reporter)
    html = client.get(INDEX).content.decode()
    assert _panel(html, "comments-awaiting-moderation") == ""
    assert _panel(html, "needs-review") == ""
    assert _panel(html, "desk-my-drafts")


def test_staff_without_a_group_see_no_panels(client):
    client.force_login(make_user(is_staff=True))
    html = client.get(INDEX).content.decode()
    assert 'class="desk" id="desk"></div>' in html


def _role(name):
    if name == "superuser":
        return make_user(is_staff=True, is_superuser=True)
    return make_staff(name)


@pytest.fixture
def archive(request):
    """``request.param`` articles of every state and as many comments, the user's included."""
    size = request.param
    author = make_staff("Reporters", username="writer")
    statuses = [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.PUBLISHED]
    for number in range(size):
        status = statuses[number % 3]
        published_at = None
        if status == Article.Status.PUBLISHED:
            published_at = timezone.now() - timedelta(hours=number)
            if number % 2:
                published_at = timezone.now() + timedelta(minutes=number)
        article = make_article(status=status, published_at=published_at, authors=[author])
        make_comment(article, status="pending" if number % 2 else "approved")
        if status == Article.Status.PUBLISHED and published_at <= timezone.now():
            Correction.objects.create(article=article, text="A name was misspelled.")
    return author


# Session, user, permissions (the user's and the groups'; none asked for a superuser),
# Django's recent actions, then the panels: my drafts 1, in review 2 (capped count,
# list), scheduled 1, published 1, comments 2 (capped count, quotes), corrections 1.
# Reporters have no review or comments panel.
DESK_QUERIES = {"Reporters": 9, "Editors": 13, "superuser": 11}


@pytest.mark.parametrize("archive", [5, 60], indirect=True)
@pytest.mark.parametrize("role", list(DESK_QUERIES))
def test_desk_costs_the_same_at_any_archive_size(client, django_assert_num_queries, archive, role):
    user = archive if role == "Reporters" else _role(role)
    client.force_login(user)
    with django_assert_num_queries(DESK_QUERIES[role]) as captured:
        response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    live = Article.objects.published().count()
    assert _panel(html, "desk-published").count("<li>") == min(5, live)
    # No count of a whole table: every COUNT is over a LIMITed subquery.
    for query in captured.captured_queries:
        if "COUNT(" in query["sql"].upper():
            assert "LIMIT" in query["sql"].upper(), query["sql"]


def test_in_review_and_scheduled_queries_use_the_listing_index():
    """EXPLAIN at 3,000 articles: both panels read an index of articles, never the table."""
    # As a desk is: a few drafts and a few in review, the rest published (some scheduled).
    now = timezone.now()

    def state(number):
        if number % 100 == 1:
            return Article.Status.DRAFT, None
        if number % 100 == 2:
            return Article.Status.IN_REVIEW, None
        if number % 100 == 3:
            return Article.Status.PUBLISHED, now + timedelta(minutes=number)
        return Article.Status.PUBLISHED, now - timedelta(hours=number)

    Article.objects.bulk_create(
        Article(
            headline=f"Story {number}",
            slug=f"story-{number}",
            status=state(number)[0],
            published_at=state(number)[1],
        )
        for number in range(3000)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")
    review_plan = review_rows().explain()
    assert "article_listing_idx" in review_plan, review_plan
    # Today's window is a range of publication times: SQLite reads it from the listing
    # index, PostgreSQL may prefer article_recent_idx's range and check the status.
    today_plan = scheduled_today_rows(Article.objects).explain()
    assert re.search(r"article_(listing|recent)_idx", today_plan), today_plan
    for plan in (review_plan, today_plan):
        assert "Seq Scan" not in plan and "SCAN articles_article" not in plan, plan


# The article list as the editor sees it, filtered as the panels link to it.
# Session, user, permissions (2), the capped count, the rows, their authorships and the
# authors, the sections for the section filter.
FILTERED_LIST_QUERIES = dict.fromkeys(
    [
        "workflow=draft&author=mine",
        "workflow=today",
        "workflow=review",
        "workflow=live",
        "corrected=7d",
    ],
    9,
)


@pytest.mark.parametrize("archive", [5, 60], indirect=True)
@pytest.mark.parametrize("query", list(FILTERED_LIST_QUERIES))
def test_filtered_lists_cost_the_same_at_any_archive_size(
    client, django_assert_num_queries, archive, query
):
    editor = make_staff("Editors")
    for article in Article.objects.filter(status=Article.Status.DRAFT)[:3]:
        article.set_authors([editor])
    # One to go live later today (a minute from now), so no list is empty.
    make_article(published_at=timezone.now() + timedelta(minutes=1), authors=[editor])
    client.force_login(editor)
    client.get(f"{CHANGELIST}?{query}")
    with django_assert_num_queries(FILTERED_LIST_QUERIES[query]):
        response = client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert response.context["cl"].result_list
