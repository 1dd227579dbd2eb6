"""A reader edits or deletes their own comment, from the browser that posted it, for a while."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from newsroom import pagecache
from tests.comments.helpers import post
from tests.factories import make_article, make_comment
from tests.page_caches import page_cache_in

pytestmark = pytest.mark.django_db

EDIT_LINK = re.compile(r'href="/comments/(\d+)/edit/"')


@pytest.fixture(autouse=True)
def quick_readers(settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_EDIT_MINUTES = 10


def _known(email="ann@example.com", name="Ann"):
    """Give the author an approved comment elsewhere, so their next post shows at once."""
    make_comment(make_article(), email=email, name=name, status="approved")


def _post_as(browser, article, text, email="ann@example.com", name="Ann", ip="203.0.113.1"):
    response = post(browser, article, comment=text, email=email, author=name, ip=ip)
    assert response.status_code == 302, response.content[:300]
    return Comment.objects.get(text=text)


def _page(browser, article):
    return browser.get(article.get_absolute_url()).content.decode()


def _edit(browser, comment, text, **extra):
    return browser.post(reverse("comments:edit", args=[comment.pk]), {"comment": text}, **extra)


def test_the_posting_browser_alone_sees_edit_and_delete_links(client):
    _known()
    article = make_article()
    shown = _post_as(client, article, "Shown at once.")
    held = _post_as(client, article, "Held for a moderator.", email="new@example.com", name="Nu")
    assert shown.status == "approved" and held.status == "pending"
    html = _page(client, article)
    assert sorted(map(int, EDIT_LINK.findall(html))) == sorted([shown.pk, held.pk])
    assert f'href="/comments/{shown.pk}/delete/"' in html
    # Someone else's approved comment on the same page gets none.
    make_comment(article, text="Not yours.")
    assert len(EDIT_LINK.findall(_page(client, article))) == 2
    stranger = _page(Client(), article)
    assert "Shown at once." in stranger
    assert EDIT_LINK.search(stranger) is None and "/delete/" not in stranger


def test_edit_shows_the_text_and_saves_it_cleaned(client):
    _known()
    article = make_article()
    comment = _post_as(client, article, "First thoughts.")
    page = client.get(reverse("comments:edit", args=[comment.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Edit your comment</h1>" in html
    assert re.search(r'<textarea name="comment"[^>]*>\s*First thoughts.</textarea>', html)
    assert 'name="csrfmiddlewaretoken"' in html

    # The post's cleaning: a soft hyphen and surrounding space go, markup stays text.
    response = _edit(client, comment, "  Second <b>thoughts</b>\u00ad.  ")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.text == "Second <b>thoughts</b>."
    assert comment.status == "approved"  # a known author, nothing held
    assert "Second &lt;b&gt;thoughts&lt;/b&gt;." in _page(Client(), article)


@pytest.mark.parametrize(
    "text,message",
    [("   ", "Please type your comment text."), ("x" * 65526, "Your comment is too long.")],
)
def test_an_empty_or_long_edit_is_refused_with_the_posts_messages(client, text, message):
    _known()
    comment = _post_as(client, make_article(), "Keep me.")
    response = _edit(client, comment, text)
    assert response.status_code == 400
    assert message in response.content.decode()
    comment.refresh_from_db()
    assert comment.text == "Keep me."


def test_editing_an_approved_comment_runs_the_rules_again(
    client, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATION_WORDS = ["casino"]
    _known()
    article = make_article()
    comment = _post_as(client, article, "An honest remark.")
    stranger = Client()
    assert "An honest remark." in _page(stranger, article)
    generation = pagecache.generation()

    with django_capture_on_commit_callbacks(execute=True):
        response = _edit(client, comment, "Visit my casino.")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "pending"
    # Hidden from others, every cached page dropped; its author sees it waiting.
    assert pagecache.generation() != generation
    assert "casino" not in _page(stranger, article)
    mine = _page(client, article)
    assert "Visit my casino." in mine and "Your comment is awaiting moderation." in mine
    assert "comments_own" in response.cookies
    # The moderators are told, through the worker.
    assert DBTaskResult.objects.filter(task_path="comments.tasks.notify_moderators").exists()


def test_a_first_time_authors_approved_comment_waits_again_after_an_edit(client):
    """Approved by a moderator, then edited: it cannot vouch for itself."""
    article = make_article()
    comment = _post_as(client, article, "Hello, first time here.")
    Comment.objects.filter(pk=comment.pk).approve()
    _edit(client, comment, "Hello, first time here (edited).")
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_an_edit_never_lifts_a_comment_out_of_spam(client):
    article = make_article()
    comment = _post_as(client, article, "Cheap pills.")
    Comment.objects.filter(pk=comment.pk).mark_spam()
    _known()
    assert _edit(client, comment, "A perfectly fine remark.").status_code == 302
    comment.refresh_from_db()
    assert comment.status == "spam"


def test_delete_asks_then_moves_the_comment_to_the_trash(
    client, django_capture_on_commit_callbacks
):
    _known()
    article = make_article()
    comment = _post_as(client, article, "Regrettable words.")
    page = client.get(reverse("comments:delete", args=[comment.pk]))
    assert page.status_code == 200
    assert "<h1>Delete your comment?</h1>" in page.content.decode()
    assert "Regrettable words." in page.content.decode()
    comment.refresh_from_db()
    assert comment.status == "approved"  # asking changes nothing
    generation = pagecache.generation()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("comments:delete", args=[comment.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    comment.refresh_from_db()
    assert comment.status == "trash"
    assert pagecache.generation() != generation
    assert "Regrettable words." not in _page(Client(), article)
    # Gone from the reader's page too, and cannot be edited or deleted again.
    assert "Regrettable words." not in _page(client, article)
    assert client.get(reverse("comments:edit", args=[comment.pk])).status_code == 404


def test_after_the_window_a_change_is_refused_with_a_clear_403(client):
    _known()
    article = make_article()
    comment = _post_as(client, article, "Written in haste.")
    later = timezone.now() + timedelta(minutes=10, seconds=30)
    # By then the browser has dropped its cookie (its max-age is the window); one that
    # kept it (a clock that differs from the server's, say) is refused all the same.
    cookie = client.cookies["comments_editable"].value
    with time_machine.travel(later):
        kept = Client()
        kept.cookies["comments_editable"] = cookie
        for browser, name in [(Client(), "edit"), (kept, "edit"), (kept, "delete")]:
            url = reverse(f"comments:{name}", args=[comment.pk])
            for response in (browser.get(url), browser.post(url, {"comment": "Changed."})):
                assert response.status_code == 403
                assert "Too late to change this comment" in response.content.decode()
                assert "for 10 minutes after it is posted" in response.content.decode()
        assert EDIT_LINK.search(_page(kept, article)) is None
    comment.refresh_from_db()
    assert (comment.text, comment.status) == ("Written in haste.", "approved")


def test_the_cookie_lasts_as_long_as_the_window(client, settings):
    settings.COMMENTS_EDIT_MINUTES = 7
    _known()
    post(client, make_article(), author="Ann", email="ann@example.com")
    cookie = client.cookies["comments_editable"]
    assert cookie["max-age"] == 7 * 60
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_someone_elses_comment_cannot_be_changed(client):
    _known()
    article = make_article()
    comment = _post_as(client, article, "Mine, not yours.")
    forged_ids = signing.get_cookie_signer(salt="comments_editable" + "comments.wrong").sign(
        str(comment.pk)
    )
    for browser_cookie in (None, forged_ids, str(comment.pk)):
        other = Client()
        if browser_cookie:
            other.cookies["comments_editable"] = browser_cookie
        for name in ("edit", "delete"):
            url = reverse(f"comments:{name}", args=[comment.pk])
            assert other.get(url).status_code == 404
            assert other.post(url, {"comment": "Hijacked."}).status_code == 404
    # A browser that posted another comment cannot reach this one either.
    other = Client()
    _post_as(other, article, "Bob's own.", email="bob@example.com", name="Bob", ip="203.0.113.2")
    assert _edit(other, comment, "Hijacked.").status_code == 404
    comment.refresh_from_db()
    assert comment.text == "Mine, not yours."


def test_changes_need_the_csrf_token(client):
    _known()
    comment = _post_as(client, make_article(), "Protected.")
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["comments_editable"] = client.cookies["comments_editable"].value
    assert _edit(browser, comment, "Forged.").status_code == 403
    assert browser.post(reverse("comments:delete", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert (comment.text, comment.status) == ("Protected.", "approved")


def test_editing_can_be_turned_off(client, settings):
    settings.COMMENTS_EDIT_MINUTES = 0
    _known()
    article = make_article()
    comment = _post_as(client, article, "Final words.")
    assert "comments_editable" not in client.cookies
    assert EDIT_LINK.search(_page(client, article)) is None
    assert client.get(reverse("comments:edit", args=[comment.pk])).status_code == 404


def test_a_browser_with_a_comment_to_edit_gets_a_rendered_page_others_the_cache(settings, tmp_path):
    with page_cache_in(settings, "locmem", "own-edits", folder=tmp_path):
        _known()
        article = make_article()
        author = Client()
        _post_as(author, article, "Cached for others.")
        url = article.get_absolute_url()
        Client().get(url)
        stranger = Client().get(url)
        assert stranger["X-Page-Cache"] == "hit"
        assert EDIT_LINK.search(stranger.content.decode()) is None
        mine = author.get(url)
        assert mine["X-Page-Cache"] == "pass"
        assert mine["Cache-Control"] == "private, max-age=0"
        assert EDIT_LINK.search(mine.content.decode())


@pytest.mark.parametrize("others", [0, 40])
def test_the_edit_and_delete_pages_cost_the_same_queries_at_any_size(
    client, django_assert_num_queries, others
):
    _known()
    article = make_article()
    comment = _post_as(client, article, "Counted.")
    for _ in range(others):
        make_comment(article)
    for name in ("edit", "delete"):
        url = reverse(f"comments:{name}", args=[comment.pk])
        client.get(url)  # the page furniture, read once per page cache generation
        # The comment with its article and author account.
        with django_assert_num_queries(1):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("number", ["0", "99999999999999999999999999"])
def test_a_number_that_is_no_comment_is_a_404(client, number):
    for name in ("edit", "delete"):
        assert client.get(f"/comments/{number}/{name}/").status_code == 404


@pytest.mark.parametrize("own,others", [(1, 0), (5, 40)])
def test_the_article_page_with_edit_links_costs_the_same_queries_at_any_size(
    client, django_assert_num_queries, own, others
):
    _known()
    article = make_article()
    for _ in range(others):
        make_comment(article)
    for number in range(own):
        _post_as(client, article, f"My remark number {number}.")
    _page(client, article)  # the page furniture, read once per page cache generation
    # the article, its tags, its authors, the page's thread starts with their count,
    # the page's comments: the links come from the cookie and the comments' own times.
    with django_assert_num_queries(5):
        html = _page(client, article)
    assert len(EDIT_LINK.findall(html)) == own
