"""Pages of threads picked in SQL: what each page shows, the 404s, and what a page costs."""

import random
import re
from datetime import timedelta

import pytest
from django.core.signing import get_cookie_signer
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.views import OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT, _comment_url
from tests.comments.helpers import post
from tests.factories import make_article, make_comment, prime_page_furniture

pytestmark = pytest.mark.django_db

START = timezone.now() - timedelta(days=2)
SHOWN = re.compile(r'id="comment-(\d+)" class="comment depth-(\d+)"')


def _at(article, minutes, **fields):
    """Create a comment posted ``minutes`` after START (auto_now_add ignores a given date)."""
    comment = make_comment(article, **fields)
    comment.created = START + timedelta(minutes=minutes)
    Comment.objects.filter(pk=comment.pk).update(created=comment.created)
    return comment


def _shown(client, article, query=""):
    """Return {comment id: depth} of the comments a page shows, in page order."""
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    html = response.content.decode().split('<section id="comments"', 1)[1]
    return {int(pk): int(depth) for pk, depth in SHOWN.findall(html)}


def _own_cookie(client, *comments):
    signer = get_cookie_signer(salt=OWN_COMMENTS_COOKIE + OWN_COMMENTS_SALT)
    client.cookies[OWN_COMMENTS_COOKIE] = signer.sign(".".join(str(c.pk) for c in comments))


def _comment_rows_fetched(captured):
    """Return how many comment rows the captured queries brought into Python.

    Each captured SELECT of whole comments is run again and its rows counted.
    """
    total = 0
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if sql.startswith("SELECT") and '"comments_comment"."text"' in sql:
                cursor.execute(sql)
                total += len(cursor.fetchall())
    return total


def _expected_thread_roots():
    """Return {id: thread root id} worked out from scratch by walking up the parents."""
    comments = {comment.pk: comment for comment in Comment.objects.all()}

    def root(comment):
        parent = comments.get(comment.parent_id)
        if parent is None or parent.status != Comment.Status.APPROVED:
            return None
        return root(parent) or parent.pk

    return {pk: root(comment) for pk, comment in comments.items()}


def _stored_thread_roots():
    return dict(Comment.objects.values_list("pk", "thread_root_id"))


# Pages of threads.


@pytest.fixture
def five_threads(settings):
    """Five threads, two a page, with replies posted after later threads began."""
    settings.COMMENTS_PER_PAGE = 2
    article = make_article()
    r1, r2, r3, r4, r5 = (_at(article, minute) for minute in range(5))
    a = _at(article, 10, parent=r1)
    b = _at(article, 11, parent=a)
    e = _at(article, 3.5, parent=r2)
    c = _at(article, 12, parent=r3)
    threads = {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5}
    return article, {**threads, "a": a, "b": b, "c": c, "e": e}


def test_each_page_shows_its_threads_with_all_their_replies(client, five_threads):
    article, c = five_threads
    pages = [_shown(client, article, query) for query in ["", "?cpage=2", "?cpage=3"]]
    assert pages[0] == {c["r1"].pk: 1, c["a"].pk: 2, c["b"].pk: 3, c["r2"].pk: 1, c["e"].pk: 2}
    assert pages[1] == {c["r3"].pk: 1, c["c"].pk: 2, c["r4"].pk: 1}
    assert pages[2] == {c["r5"].pk: 1}
    # Every comment once, on its thread's page: replies are never split from it.
    everywhere = [pk for page in pages for pk in page]
    assert sorted(everywhere) == sorted(Comment.objects.values_list("pk", flat=True))


def test_threads_and_replies_are_in_reading_order(client, five_threads):
    article, c = five_threads
    assert list(_shown(client, article)) == [c[k].pk for k in ["r1", "a", "b", "r2", "e"]]


def test_page_navigation_says_where_the_reader_is(client, five_threads):
    article, _ = five_threads
    html = client.get(article.get_absolute_url() + "?cpage=2").content.decode()
    assert "Comments page 2 of 3" in html
    assert 'href="?cpage=1#comments"' in html and 'href="?cpage=3#comments"' in html


def test_held_replies_and_hidden_comments_never_add_a_page(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    article = make_article()
    first = _at(article, 0)
    _at(article, 1)
    for minute, status in enumerate(["pending", "spam", "trash"], start=2):
        _at(article, minute, status=status)
        _at(article, minute + 10, parent=first, status=status)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comments page" not in html
    assert client.get(article.get_absolute_url() + "?cpage=2").status_code == 404


# A reader's own held comments.


def test_own_held_comments_show_on_the_page_whose_span_holds_their_date(client, five_threads):
    article, c = five_threads
    before_all = _at(article, -1, status="pending", text="Held before all")
    between = _at(article, 2.5, status="pending", text="Held between r3 and r4")
    after_r4 = _at(article, 3.7, status="spam", text="Held after r4")
    last = _at(article, 20, status="pending", text="Held after all")
    held_reply = _at(article, 13, parent=c["r3"], status="pending")
    _own_cookie(client, before_all, between, after_r4, last, held_reply)
    pages = [_shown(client, article, query) for query in ["", "?cpage=2", "?cpage=3"]]
    assert before_all.pk in pages[0]
    assert {between.pk, after_r4.pk, held_reply.pk} <= set(pages[1])
    assert pages[1][held_reply.pk] == 2
    assert last.pk in pages[2]
    everywhere = [pk for page in pages for pk in page]
    assert len(everywhere) == len(set(everywhere)) == Comment.objects.count()
    # Another reader sees none of them, and the same three pages.
    stranger = [_shown(Client(), article, q) for q in ["", "?cpage=2", "?cpage=3"]]
    held = {before_all.pk, between.pk, after_r4.pk, last.pk, held_reply.pk}
    assert not held & {pk for page in stranger for pk in page}


def test_the_address_after_posting_a_held_comment_shows_it(client, five_threads):
    article, c = five_threads
    response = post(client, article, comment="Held on the last page")
    held = Comment.objects.get(text="Held on the last page")
    assert held.status == Comment.Status.PENDING
    assert response["Location"] == f"{article.get_absolute_url()}?cpage=3#comment-{held.pk}"
    assert held.pk in _shown(client, article, "?cpage=3")


def test_a_held_thread_start_on_a_full_last_page_stays_on_it(client, settings):
    # Two threads, two a page: a held third must not send its author to a page 2
    # that does not exist.
    settings.COMMENTS_PER_PAGE = 2
    article = make_article()
    _at(article, 0)
    _at(article, 1)
    response = post(client, article, comment="Third, held")
    held = Comment.objects.get(text="Third, held")
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{held.pk}"
    assert held.pk in _shown(client, article)


# Replies whose parent is not shown, and moderation moving threads.


@pytest.mark.parametrize("status", ["pending", "spam", "trash"])
def test_approved_reply_to_a_hidden_comment_heads_its_own_thread_on_its_page(
    client, settings, status
):
    settings.COMMENTS_PER_PAGE = 1
    article = make_article()
    hidden = _at(article, 0, status=status)
    _at(article, 1)
    orphan = _at(article, 2, parent=hidden, text="Orphaned but approved")
    grandchild = _at(article, 3, parent=orphan)
    assert _shown(client, article, "?cpage=2") == {orphan.pk: 1, grandchild.pk: 2}
    assert client.get(article.get_absolute_url() + "?cpage=3").status_code == 404


def test_approving_a_held_parent_brings_its_replies_under_it(client):
    article = make_article()
    parent = _at(article, 0)
    reply = _at(article, 1, parent=parent)
    Comment.objects.filter(pk=parent.pk).unapprove()
    assert _shown(client, article) == {reply.pk: 1}
    Comment.objects.filter(pk=parent.pk).approve()
    assert _shown(client, article) == {parent.pk: 1, reply.pk: 2}


def test_spamming_a_thread_start_splits_its_replies_into_threads(client):
    article = make_article()
    start = _at(article, 0)
    first = _at(article, 1, parent=start)
    deeper = _at(article, 2, parent=first)
    second = _at(article, 3, parent=start)
    Comment.objects.filter(pk=start.pk).mark_spam()
    assert _shown(client, article) == {first.pk: 1, deeper.pk: 2, second.pk: 1}
    assert _stored_thread_roots() == _expected_thread_roots()


def test_deleting_a_comment_makes_its_replies_threads(client):
    article = make_article()
    start = _at(article, 0)
    reply = _at(article, 1, parent=start)
    deeper = _at(article, 2, parent=reply)
    start.delete()
    assert _shown(client, article) == {reply.pk: 1, deeper.pk: 2}
    other = _at(article, 3)
    other_reply = _at(article, 4, parent=other)
    Comment.objects.filter(pk=other.pk).delete()
    assert _shown(client, article) == {reply.pk: 1, deeper.pk: 2, other_reply.pk: 1}


def test_changing_the_status_in_the_admin_form_moves_the_replies(admin_client):
    article = make_article()
    start = _at(article, 0)
    reply = _at(article, 1, parent=start)
    url = reverse("admin:comments_comment_change", args=[start.pk])
    data = {
        "status": "spam",
        "name": start.name,
        "email": start.email,
        "website": "",
        "text": start.text,
    }
    assert admin_client.post(url, data).status_code == 302
    reply.refresh_from_db()
    assert reply.thread_root_id is None
    assert _shown(Client(), article) == {reply.pk: 1}


def test_moderating_by_a_status_filter_moves_the_replies_it_should(client):
    # The queryset selects by the status it changes: afterwards it selects nothing,
    # so the threads must be worked out before the UPDATE.
    article = make_article()
    start = _at(article, 0, status="pending")
    reply = _at(article, 1, parent=start)
    _at(article, 2, parent=reply, status="pending")
    Comment.objects.filter(status="pending").approve()
    assert _stored_thread_roots() == _expected_thread_roots()
    assert set(_stored_thread_roots().values()) == {None, start.pk}


def test_thread_roots_stay_right_through_any_moderation(client):
    rng = random.Random(9)
    article = make_article()
    comments = []
    for minute in range(40):
        parent = rng.choice([None, *comments[-10:]]) if comments else None
        status = rng.choice(["approved"] * 3 + ["pending", "spam"])
        if parent is not None and not parent.is_approved:
            # The form only replies to approved comments; moderation changes it later.
            status = "approved"
            Comment.objects.filter(pk=parent.pk).approve()
            parent.refresh_from_db()
        comments.append(_at(article, minute, parent=parent, status=status))
    assert _stored_thread_roots() == _expected_thread_roots()
    actions = ["approve", "unapprove", "mark_spam", "move_to_trash", "delete", "save"]
    for _ in range(40):
        pks = list(Comment.objects.values_list("pk", flat=True))
        chosen = rng.sample(pks, min(len(pks), rng.randint(1, 4)))
        action = rng.choice(actions)
        if action == "save":
            comment = Comment.objects.get(pk=chosen[0])
            comment.status = rng.choice(Comment.Status.values)
            comment.save()
        else:
            getattr(Comment.objects.filter(pk__in=chosen), action)()
        assert _stored_thread_roots() == _expected_thread_roots(), action
    shown = _shown(Client(), article, "")
    assert set(shown) == set(Comment.objects.approved().values_list("pk", flat=True))


# Pages that do not exist.


@pytest.mark.parametrize(
    "cpage", ["3", "4", "0", "-1", "", "abc", "1.5", "²", "٢", "1" * 30, "99999999999"]
)
def test_a_page_of_comments_that_does_not_exist_is_a_404(client, settings, cpage):
    settings.COMMENTS_PER_PAGE = 2
    article = make_article()
    for minute in range(3):
        _at(article, minute)
    assert client.get(article.get_absolute_url() + "?cpage=" + cpage).status_code == 404


def test_the_last_page_and_no_cpage_are_found(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    article = make_article()
    for minute in range(3):
        _at(article, minute)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(article.get_absolute_url() + "?cpage=1").status_code == 200
    assert client.get(article.get_absolute_url() + "?cpage=2").status_code == 200


def test_an_article_without_comments_has_page_one_only(client):
    article = make_article()
    assert client.get(article.get_absolute_url() + "?cpage=1").status_code == 200
    assert client.get(article.get_absolute_url() + "?cpage=2").status_code == 404


# Replying.


def test_reply_link_to_a_comment_on_another_page_is_honoured(client, five_threads):
    article, c = five_threads
    html = client.get(article.get_absolute_url() + f"?replyto={c['r5'].pk}").content.decode()
    assert f"Leave a Reply to {c['r5'].name}" in html
    assert f'name="parent" value="{c["r5"].pk}"' in html


def test_reply_link_to_a_comment_of_another_article_is_ignored(client):
    article = make_article()
    make_comment(article)
    elsewhere = make_comment(make_article())
    html = client.get(article.get_absolute_url() + f"?replyto={elsewhere.pk}").content.decode()
    assert "Leave a Reply to" not in html
    assert 'name="parent" value=' not in html


def test_reply_links_keep_the_page(client, five_threads):
    article, c = five_threads
    html = client.get(article.get_absolute_url() + "?cpage=2").content.decode()
    assert f'href="?cpage=2&amp;replyto={c["c"].pk}#respond"' in html


def test_after_posting_a_reply_the_address_is_its_threads_page(client, five_threads):
    article, c = five_threads
    known = {"author": c["r3"].name, "email": c["r3"].email}
    response = post(client, article, parent=str(c["c"].pk), comment="Late reply", **known)
    reply = Comment.objects.get(text="Late reply")
    assert reply.status == Comment.Status.APPROVED
    assert reply.thread_root_id == c["r3"].pk
    assert response["Location"] == f"{article.get_absolute_url()}?cpage=2#comment-{reply.pk}"
    assert reply.pk in _shown(client, article, "?cpage=2")


def test_comment_url_counts_thread_starts_up_to_the_thread(settings, five_threads):
    article, c = five_threads
    url = article.get_absolute_url()
    assert _comment_url(article, c["r1"]) == f"{url}#comment-{c['r1'].pk}"
    assert _comment_url(article, c["b"]) == f"{url}#comment-{c['b'].pk}"
    assert _comment_url(article, c["r2"]) == f"{url}#comment-{c['r2'].pk}"
    assert _comment_url(article, c["r3"]) == f"{url}?cpage=2#comment-{c['r3'].pk}"
    assert _comment_url(article, c["c"]) == f"{url}?cpage=2#comment-{c['c'].pk}"
    assert _comment_url(article, c["r5"]) == f"{url}?cpage=3#comment-{c['r5'].pk}"
    # Threads starting at the same moment are told apart by their number.
    twin = _at(article, 4)
    assert _comment_url(article, twin) == f"{url}?cpage=3#comment-{twin.pk}"


# What a page costs.


def _big_article():
    """150 threads, three pages; the second page holds one thread of 450 replies."""
    article = make_article()
    starts = [_at(article, minute) for minute in range(150)]
    parent = starts[60]
    for number in range(450):
        # Chains five deep, then back to the thread's start: deep and wide.
        parent = starts[60] if number % 5 == 0 else parent
        parent = _at(article, 200 + number, parent=parent)
    return article


def _small_article():
    article = make_article()
    start = _at(article, 0)
    for minute in range(1, 5):
        _at(article, minute, parent=start if minute % 2 else None)
    return article


@pytest.mark.parametrize("query", ["", "?cpage=2", "?cpage=3"])
def test_an_article_page_costs_the_same_at_5_and_600_comments(client, query):
    small, big = _small_article(), _big_article()
    assert Comment.objects.filter(article=big).count() == 600
    held = _at(big, 1000, status="pending")
    _own_cookie(client, held)
    # What every page reads once per page cache generation is read first, so only the
    # article is measured.
    prime_page_furniture()
    costs = {}
    for article, address in [(small, ""), (big, query)]:
        with CaptureQueriesContext(connection) as captured:
            shown = _shown(client, article, address)
        # the article (counts), its tags, its authors, the page's thread starts with
        # their count, the page's comments (the reader's held one among them)
        assert len(captured) == 5, [q["sql"] for q in captured]
        assert _comment_rows_fetched(captured) == len(shown)
        costs[article.pk] = len(captured)
    assert costs[small.pk] == costs[big.pk]
    if query == "?cpage=2":
        assert len(shown) == 50 + 450
    if query == "?cpage=3":
        assert held.pk in shown


def test_a_reader_without_cookies_costs_five_queries_on_any_page(client, django_assert_num_queries):
    big = _big_article()
    prime_page_furniture()
    for query in ["", "?cpage=2", "?cpage=3"]:
        with django_assert_num_queries(5):
            client.get(big.get_absolute_url() + query)


def test_moderation_leaves_the_planner_settings_as_they_were():
    comment = make_comment(make_article())
    with CaptureQueriesContext(connection) as captured:
        Comment.objects.filter(pk=comment.pk).mark_spam()
    steered = [query for query in captured if "set_config" in query["sql"]]
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.SPAM
    if connection.vendor != "postgresql":
        # Only PostgreSQL's planner is steered (comments.threads._index_walk).
        assert steered == []
        return
    assert len(steered) == 2  # set for the re-threading statement, then put back
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_hashjoin'), current_setting('jit')")
        assert cursor.fetchone() == ("on", "on")
