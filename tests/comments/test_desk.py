"""An article's comments on its admin page, the quick moderation buttons, and the desk's link."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from newsroom import pagecache
from tests.factories import make_article, make_comment, make_staff, make_user

pytestmark = pytest.mark.django_db

COMMENTS = reverse("admin:comments_comment_changelist")


def _change(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _moderate(comment):
    return reverse("admin:comments_comment_moderate", args=[comment.pk])


def _panel(html):
    match = re.search(r'<section [^>]*id="article-comments".*?</section>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def editor():
    return make_staff("Editors", username="desk")


@pytest.fixture
def viewer():
    """Staff who may read comments but not change them."""
    user = make_staff("Reporters", username="reader-desk")
    user.user_permissions.add(
        Permission.objects.get(codename="view_comment"),
        Permission.objects.get(codename="view_article"),
        Permission.objects.get(codename="publish_article"),  # sees every article
    )
    return user


def _article_with_comments(count, **fields):
    article = make_article(**fields)
    statuses = ["approved", "pending", "spam", "trash"]
    base = timezone.now() - timedelta(hours=1)
    comments = []
    for number in range(count):
        comment = make_comment(article, status=statuses[number % 4], text=f"Comment {number}")
        Comment.objects.filter(pk=comment.pk).update(created=base + timedelta(minutes=number))
        comments.append(comment)
    return article, comments


def test_article_page_lists_its_latest_ten_comments_newest_first(client, editor):
    article, comments = _article_with_comments(12)
    make_comment(text="On another article")
    client.force_login(editor)
    panel = _panel(client.get(_change(article)).content.decode())
    shown = re.findall(r'id="article-comment-(\d+)"', panel)
    assert shown == [str(c.pk) for c in reversed(comments[2:])]
    for status in ("Approved", "Pending", "Spam", "Trash"):
        assert f"<td>{status}</td>" in panel
    assert f'href="{COMMENTS}?article={article.pk}&amp;status=all">All 12 comments</a>' in panel
    assert "another article" not in panel


def test_the_all_comments_link_lists_that_articles_comments(client, editor):
    article, comments = _article_with_comments(5)
    make_comment(text="On another article")
    client.force_login(editor)
    listed = client.get(COMMENTS, {"article": article.pk, "status": "all"}).context["cl"]
    assert {c.pk for c in listed.result_list} == {c.pk for c in comments}
    pending = client.get(COMMENTS, {"article": article.pk}).context["cl"].result_list
    assert [c.status for c in pending] == ["pending"]


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "1 OR 1=1"])
def test_a_bad_article_filter_is_an_empty_list_not_an_error(client, editor, value):
    make_comment()
    client.force_login(editor)
    response = client.get(COMMENTS, {"article": value, "status": "all"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_comment_text_is_escaped_and_cut_short(client, editor):
    article = make_article()
    make_comment(article, text="<img src=x onerror=alert(1)> " + "word " * 80)
    client.force_login(editor)
    panel = _panel(client.get(_change(article)).content.decode())
    assert "&lt;img src=x onerror=alert(1)&gt;" in panel and "<img" not in panel
    assert "…</a></td>" in panel


def test_moderators_get_buttons_for_the_other_statuses_and_a_reply_link(client, editor):
    article = make_article()
    approved = make_comment(article, name="Ada")
    pending = make_comment(article, status="pending", name="Bo")
    client.force_login(editor)
    panel = _panel(client.get(_change(article)).content.decode())
    approved_row = re.search(rf'id="article-comment-{approved.pk}".*?</tr>', panel, re.S)[0]
    pending_row = re.search(rf'id="article-comment-{pending.pk}".*?</tr>', panel, re.S)[0]
    assert 'value="approve"' not in approved_row
    assert 'value="spam"' in approved_row and 'value="trash"' in approved_row
    assert 'value="approve"' in pending_row
    assert 'name="csrfmiddlewaretoken"' in approved_row
    assert f'action="{_moderate(approved)}"' in approved_row
    reply = f'href="{article.get_absolute_url()}?replyto={approved.pk}#respond"'
    assert reply in approved_row and "replyto" not in pending_row
    # The link opens the site's reply form for that comment.
    page = client.get(f"{article.get_absolute_url()}?replyto={approved.pk}").content.decode()
    assert f'name="parent" value="{approved.pk}"' in page


def test_no_reply_link_where_readers_cannot_comment(client, editor):
    article = make_article(allow_comments=False)
    make_comment(article)
    client.force_login(editor)
    panel = _panel(client.get(_change(article)).content.decode())
    assert "replyto" not in panel and "Approved" in panel


def test_read_only_for_those_who_may_only_view_comments(client, viewer):
    article = make_article()
    make_comment(article, text="Visible to the viewer")
    client.force_login(viewer)
    panel = _panel(client.get(_change(article)).content.decode())
    assert "Visible to the viewer" in panel
    assert "<form" not in panel and "<button" not in panel


def test_reporters_see_no_comments_panel(client):
    reporter = make_staff("Reporters")
    article = make_article(status="draft", authors=[reporter])
    make_comment(article, text="Not for reporters")
    client.force_login(reporter)
    html = client.get(_change(article)).content.decode()
    assert _panel(html) == "" and "Not for reporters" not in html


def test_the_add_page_has_no_comments_panel(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert _panel(html) == ""


@pytest.mark.parametrize(
    "action,status", [("approve", "approved"), ("spam", "spam"), ("trash", "trash")]
)
def test_quick_action_changes_the_status_and_returns(client, editor, action, status):
    article = make_article()
    comment = make_comment(article, status="pending")
    client.force_login(editor)
    back = _change(article) + "?from=desk"
    before = pagecache.generation()
    response = client.post(_moderate(comment), {"action": action, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    comment.refresh_from_db()
    assert comment.status == status
    # A new page cache generation, as after every moderation in the admin.
    assert pagecache.generation() != before


def test_approving_shows_the_comment_to_readers_at_once(client, editor):
    article = make_article()
    comment = make_comment(article, status="pending", text="Now on the page")
    reader = type(client)()
    assert "Now on the page" not in reader.get(article.get_absolute_url()).content.decode()
    client.force_login(editor)
    client.post(_moderate(comment), {"action": "approve"})
    assert "Now on the page" in reader.get(article.get_absolute_url()).content.decode()


def test_approving_a_parent_rethreads_its_replies_as_the_admin_does(client, editor):
    article = make_article()
    parent = make_comment(article, status="pending")
    reply = make_comment(article, parent=parent)
    assert reply.thread_root_id is None
    client.force_login(editor)
    client.post(_moderate(parent), {"action": "approve"})
    reply.refresh_from_db()
    assert reply.thread_root_id == parent.pk


def test_quick_action_goes_back_to_the_article_not_to_another_site(client, editor):
    article = make_article()
    comment = make_comment(article, status="pending")
    client.force_login(editor)
    for unsafe in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", ""):
        response = client.post(_moderate(comment), {"action": "spam", "next": unsafe})
        assert response["Location"] == _change(article)


def test_get_changes_nothing(client, editor):
    comment = make_comment(status="pending")
    client.force_login(editor)
    before = pagecache.generation()
    response = client.get(_moderate(comment), {"action": "approve"})
    assert response.status_code == 405
    comment.refresh_from_db()
    assert comment.status == "pending" and pagecache.generation() == before


@pytest.mark.parametrize("who", ["reporter", "viewer", "staff without a group"])
def test_others_are_refused(client, viewer, who):
    users = {
        "reporter": lambda: make_staff("Reporters"),
        "viewer": lambda: viewer,
        "staff without a group": lambda: make_user(is_staff=True),
    }
    comment = make_comment(status="pending")
    client.force_login(users[who]())
    before = pagecache.generation()
    assert client.post(_moderate(comment), {"action": "approve"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending" and pagecache.generation() == before


def test_readers_and_strangers_go_to_the_login_page(client):
    comment = make_comment(status="pending")
    assert client.post(_moderate(comment), {"action": "approve"}).status_code == 302
    client.force_login(make_user())
    assert client.post(_moderate(comment), {"action": "approve"}).status_code == 302
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_csrf_is_required(editor):
    from django.test import Client

    comment = make_comment(status="pending")
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(_moderate(comment), {"action": "approve"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


@pytest.mark.parametrize("action", ["", "delete", "approved", "<script>"])
def test_unknown_action_is_a_clear_400(client, editor, action):
    comment = make_comment(status="pending")
    client.force_login(editor)
    response = client.post(_moderate(comment), {"action": action})
    assert response.status_code == 400
    assert b"choose approve, spam or trash" in response.content
    assert response["Content-Type"].startswith("text/plain")
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_missing_comment_is_404(client, editor):
    client.force_login(editor)
    missing = reverse("admin:comments_comment_moderate", args=[999999])
    assert client.post(missing, {"action": "approve"}).status_code == 404


# The change page as it was (12: session, user, permissions, the article, its authors,
# tags, corrections, sections, the author choices), then the panel's five: each
# status's newest ten (comment_article_idx, one query each) and the capped count.
ARTICLE_PAGE_QUERIES = 17


@pytest.mark.parametrize("size", [5, 60])
def test_article_page_costs_the_same_with_5_or_60_comments(
    client, editor, django_assert_num_queries, size
):
    article, _comments = _article_with_comments(size)
    client.force_login(editor)
    client.get(_change(article))
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES) as captured:
        response = client.get(_change(article))
    assert response.status_code == 200
    assert _panel(response.content.decode()).count('id="article-comment-') == min(10, size)
    for query in captured.captured_queries:
        if "COUNT(" in query["sql"].upper() and "comments_comment" in query["sql"]:
            assert "LIMIT" in query["sql"].upper(), query["sql"]


def _role_user(role):
    if role == "superuser":
        return make_user(is_staff=True, is_superuser=True)
    return make_staff(role)


# The change page of the user's own draft, per role, with the panel's five queries where
# it shows (a superuser asks no permission queries). A reporter gets no comments panel
# and no query for it; the 32 are the form's, with its ownership checks, as before.
PAGE_BY_ROLE = {"Editors": 19, "superuser": 17, "Reporters": 32}


@pytest.mark.parametrize("size", [5, 60])
@pytest.mark.parametrize("role", list(PAGE_BY_ROLE))
def test_article_page_costs_the_same_per_role(client, django_assert_num_queries, role, size):
    user = _role_user(role)
    article, _comments = _article_with_comments(size, status="draft", authors=[user])
    client.force_login(user)
    client.get(_change(article))
    with django_assert_num_queries(PAGE_BY_ROLE[role]):
        response = client.get(_change(article))
    assert response.status_code == 200
    shown = _panel(response.content.decode()).count('id="article-comment-')
    assert shown == (0 if role == "Reporters" else min(10, size))


# Session, user, permissions, the status filter's four capped counts and "All", the
# article filter's headline, the page's capped count and rows.
ONE_ARTICLE_LIST_QUERIES = 12


@pytest.mark.parametrize("size", [5, 60])
def test_one_articles_comment_list_costs_the_same(client, editor, django_assert_num_queries, size):
    article, _comments = _article_with_comments(size)
    for _ in range(3):
        make_comment(text="Elsewhere")
    client.force_login(editor)
    url = f"{COMMENTS}?article={article.pk}&status=all"
    client.get(url)
    with django_assert_num_queries(ONE_ARTICLE_LIST_QUERIES) as captured:
        response = client.get(url)
    assert len(response.context["cl"].result_list) == min(50, size)  # a page holds 50
    for query in captured.captured_queries:
        if "COUNT(" in query["sql"].upper():
            assert "LIMIT" in query["sql"].upper(), query["sql"]


def test_a_comment_number_that_is_not_one_is_404(client, editor):
    client.force_login(editor)
    for bad in ("abc", "1.5", "-3"):
        url = reverse("admin:comments_comment_moderate", args=[bad])
        assert client.post(url, {"action": "approve"}).status_code == 404
