"""What readers see: the form, threads, replies, counts, cookies, escaping, the query budget."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from comments.views import OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT
from tests.comments.helpers import post
from tests.factories import make_article, make_comment, make_tag, prime_page_furniture

pytestmark = pytest.mark.django_db


def _page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def _section(html):
    return html.split('<section id="comments"', 1)[1]


# The form.


def test_form_has_wordpress_wording_and_a_label_on_every_field(client):
    html = _page(client, make_article())
    assert re.search(r'<h3 id="reply-title"[^>]*>\s*Leave a Reply\s*</h3>', html)
    assert "Your email address will not be published." in html
    assert 'Required fields are marked <span class="required">*</span>' in html
    assert 'for="comment">Comment <span class="required">*</span></label>' in html
    assert 'for="author">Name <span class="required">*</span></label>' in html
    assert 'for="email">Email <span class="required">*</span></label>' in html
    assert 'for="url">Website</label>' in html
    assert (
        'for="cookies_consent">Save my name, email, and website in this browser for the '
        "next time I comment.</label>" in html
    )
    assert ">Post Comment</button>" in html
    assert 'id="respond"' in html
    for match in re.finditer(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', html):
        tag = match.group(0)
        if 'type="hidden"' not in tag:
            assert f'for="{match.group(1)}"' in html, tag
    # The form needs no script: the page's only ones are its structured data and the
    # site's own "copy link" file (tests/articles/test_sharing.py).
    assert re.findall(r"<script[^>]*>", html) == [
        '<script type="application/ld+json">',
        '<script src="/static/js/share.js" defer>',
    ]
    assert "style=" not in html


def test_form_carries_a_signed_one_time_key_and_a_honeypot(client):
    html = _page(client, make_article())
    first = re.search(r'name="security" value="([^"]+)"', html).group(1)
    second = re.search(r'name="security" value="([^"]+)"', _page(client, make_article()))
    assert first != second.group(1)
    assert 'name="honeypot"' in html


# Replies and threads.


def test_reply_link_turns_the_heading_into_leave_a_reply_to_name(client):
    article = make_article()
    comment = make_comment(article, name="Ann Lee")
    html = _page(client, article)
    assert f'href="?replyto={comment.pk}#respond"' in html
    replying = _page(client, article, f"?replyto={comment.pk}")
    assert "Leave a Reply to Ann Lee" in replying
    assert f'href="{article.get_absolute_url()}#respond">Cancel reply</a>' in replying
    assert f'name="parent" value="{comment.pk}"' in replying


@pytest.mark.parametrize("replyto", ["²", "{arabic_indic}", "1" * 5000])
def test_reply_link_to_a_non_ascii_or_overlong_number_is_ignored(client, replyto):
    # "²".isdigit() is true but int("²") fails; int() refuses over 4300 digits and
    # reads "١" as 1, so only plain ASCII digits name a comment.
    article = make_article()
    comment = make_comment(article)
    arabic_indic = str(comment.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    html = _page(client, article, "?replyto=" + replyto.format(arabic_indic=arabic_indic))
    assert "Leave a Reply to" not in html


def test_own_comments_cookie_with_non_ascii_digits_is_ignored(client):
    article = make_article()
    held = make_comment(article, status=Comment.Status.PENDING, text="Held for review.")
    signer = signing.get_cookie_signer(salt=OWN_COMMENTS_COOKIE + OWN_COMMENTS_SALT)
    client.cookies[OWN_COMMENTS_COOKIE] = signer.sign(f"².{held.pk}")
    assert "Held for review." in _page(client, article)


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM])
def test_reply_link_to_an_unapproved_comment_is_ignored(client, status):
    article = make_article()
    comment = make_comment(article, status=status)
    html = _page(client, article, f"?replyto={comment.pk}")
    assert "Leave a Reply to" not in html
    assert 'name="parent" value=' not in html


def test_reply_is_stored_under_its_parent_and_shown_nested(client):
    article = make_article()
    parent = make_comment(article, name="Ann Lee", email="ann@example.com")
    response = post(client, article, parent=str(parent.pk), comment="A reply")
    assert response.status_code == 302
    reply = Comment.objects.get(text="A reply")
    assert reply.parent == parent
    html = _section(_page(client, article))
    nested = html.split(f'id="comment-{parent.pk}"', 1)[1]
    assert '<ol class="children">' in nested.split(f'id="comment-{reply.pk}"')[0]


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM, "trash"])
def test_replying_to_an_unapproved_comment_is_refused(client, status):
    article = make_article()
    parent = make_comment(article, status=status)
    response = post(client, article, parent=str(parent.pk))
    assert response.status_code == 400
    assert "You can only reply to a published comment on this article." in (
        response.content.decode()
    )
    assert Comment.objects.count() == 1


def test_replying_to_a_comment_on_another_article_is_refused(client):
    article = make_article()
    elsewhere = make_comment(make_article())
    response = post(client, article, parent=str(elsewhere.pk))
    assert response.status_code == 400
    assert Comment.objects.filter(article=article).count() == 0


def _chain(article, depth):
    parent = None
    chain = []
    for _ in range(depth):
        parent = make_comment(article, parent=parent)
        chain.append(parent)
    return chain


def test_threads_nest_five_levels_by_default(client, settings):
    assert settings.COMMENTS_THREAD_DEPTH == 5
    article = make_article()
    chain = _chain(article, 5)
    html = _section(_page(client, article))
    for level, comment in enumerate(chain, start=1):
        assert f'id="comment-{comment.pk}" class="comment depth-{level}"' in html


def test_reply_to_the_deepest_level_joins_that_level(client):
    article = make_article()
    chain = _chain(article, 5)
    response = post(client, article, parent=str(chain[-1].pk), comment="Too deep")
    assert response.status_code == 302
    reply = Comment.objects.get(text="Too deep")
    assert reply.parent == chain[-2]
    html = _section(_page(client, article))
    assert f'id="comment-{reply.pk}" class="comment depth-5"' in html


def test_depth_setting_is_respected(client, settings):
    settings.COMMENTS_THREAD_DEPTH = 2
    article = make_article()
    chain = _chain(article, 2)
    post(client, article, parent=str(chain[-1].pk), comment="Third level asked")
    assert Comment.objects.get(text="Third level asked").parent == chain[0]
    settings.COMMENTS_THREAD_DEPTH = 1
    post(
        client,
        article,
        parent=str(chain[0].pk),
        comment="Flat",
        ip="198.51.100.9",
        email="flat@example.com",
    )
    assert Comment.objects.get(text="Flat").parent is None


def test_threads_deeper_than_the_setting_are_shown_at_the_deepest_level(client, settings):
    article = make_article()
    chain = _chain(article, 4)
    settings.COMMENTS_THREAD_DEPTH = 2
    html = _section(_page(client, article))
    assert f'id="comment-{chain[3].pk}" class="comment depth-2"' in html


def test_replies_to_hidden_comments_are_shown_at_the_top_level(client):
    article = make_article()
    parent = make_comment(article, status=Comment.Status.SPAM)
    reply = make_comment(article, parent=parent, text="Orphaned but approved")
    html = _section(_page(client, article))
    assert f'id="comment-{reply.pk}" class="comment depth-1"' in html
    assert f'id="comment-{parent.pk}"' not in html


def test_comments_are_oldest_first(client):
    article = make_article()
    newer = make_comment(article, text="Newer")
    older = make_comment(article, text="Older")
    Comment.objects.filter(pk=older.pk).update(created=timezone.now() - timedelta(hours=2))
    html = _section(_page(client, article))
    assert html.index("Older") < html.index("Newer")
    assert newer


def test_threads_paginate_past_comments_per_page(client, settings):
    assert settings.COMMENTS_PER_PAGE == 50
    article = make_article()
    for number in range(52):
        make_comment(article, text=f"Number {number:02d}.")
    first = _section(_page(client, article))
    assert first.count('class="comment depth-1"') == 50
    assert "Comments page 1 of 2" in first and 'href="?cpage=2#comments"' in first
    second = _section(_page(client, article, "?cpage=2"))
    assert second.count('class="comment depth-1"') == 2
    assert "Number 51." in second


# What each comment shows.


def test_comment_shows_name_linked_date_permalink_and_text_with_line_breaks(client):
    article = make_article()
    comment = make_comment(
        article,
        name="Ann Lee",
        email="ann.private@example.com",
        website="https://ann.example/",
        text="First line\nsecond line\n\nNew paragraph with https://link.example/page",
    )
    html = _section(_page(client, article))
    assert '<a href="https://ann.example/" rel="nofollow ugc noopener">Ann Lee</a>' in html
    assert f'<a class="comment-permalink" href="#comment-{comment.pk}"><time' in html
    assert "<p>First line<br>second line</p>" in html
    assert '<a href="https://link.example/page" rel="nofollow">' in html
    assert "ann.private" not in html
    assert '<span class="avatar avatar-' in html and ">AL</span>" in html
    assert "gravatar" not in html


def test_a_website_that_is_not_http_is_never_linked(client):
    article = make_article()
    make_comment(article, name="Mallory", website="javascript:alert(1)")
    html = _section(_page(client, article))
    assert "javascript:" not in html
    assert '<b class="comment-author">Mallory</b>' in html


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'&'


def test_xss_payloads_in_every_field_are_rendered_escaped(client):
    article = make_article()
    make_comment(
        article,
        name=XSS,
        email="x@example.com",
        website='https://ok.example/"><script>alert(2)</script>',
        text=XSS + "\nhttps://example.com/?q=<script>",
        user_agent=XSS,
    )
    html = _section(_page(client, article))
    assert "<script" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_xss_payloads_posted_through_the_form_are_escaped_on_reedit(client):
    article = make_article()
    response = post(client, article, author=XSS, email="bad", comment=XSS)
    assert response.status_code == 400
    assert "<script" not in _section(response.content.decode())


# Held comments: shown to their author only.


def test_held_comment_is_shown_to_its_author_only_marked_awaiting(client):
    article = make_article()
    response = post(client, article, comment="Wait for me")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    mine = _section(_page(client, article))
    assert f'id="comment-{comment.pk}"' in mine
    assert "Your comment is awaiting moderation." in mine
    assert "Wait for me" in mine
    assert "Reply</a>" not in mine.split(f'id="comment-{comment.pk}"')[1].split("</li>")[0]
    stranger = _section(Client().get(article.get_absolute_url()).content.decode())
    assert "Wait for me" not in stranger
    assert response.cookies["comments_own"]["httponly"]


def test_forged_own_comments_cookie_reveals_nothing(client):
    article = make_article()
    held = make_comment(article, status=Comment.Status.PENDING, text="Someone else's")
    client.cookies["comments_own"] = str(held.pk)
    assert "Someone else's" not in _page(client, article)


def test_approving_a_comment_shows_it_to_everyone_and_never_before(client):
    article = make_article()
    held = make_comment(article, status=Comment.Status.PENDING, text="Held remark")
    assert "Held remark" not in _page(client, article)
    Comment.objects.filter(pk=held.pk).approve()
    assert "Held remark" in _page(client, article)


# "N comments".


def test_comment_count_on_the_article_and_on_lists_counts_approved_only(client):
    tag = make_tag(slug="town")
    article = make_article(tags=[tag])
    for _ in range(3):
        make_comment(article)
    make_comment(article, status=Comment.Status.PENDING)
    make_comment(article, status=Comment.Status.SPAM)
    assert "3 comments</a>" in _page(client, article)
    assert '<h2 id="comments-heading">3 comments</h2>' in _page(client, article)
    make_article()  # so the commented article is a card, not only the lead
    assert f'{article.get_absolute_url()}#comments">3 comments</a>' in (
        client.get("/").content.decode()
    )
    assert "3 comments</a>" in client.get("/tag/town/").content.decode()


def test_one_comment_is_singular(client):
    article = make_article()
    make_comment(article)
    assert '<h2 id="comments-heading">1 comment</h2>' in _page(client, article)


# The "Save my name, email, and website" box.


def test_ticked_box_saves_name_email_and_website_for_a_year_and_prefills(client):
    article = make_article()
    response = post(
        client,
        article,
        author="Zoë Ångström",
        url="https://zoe.example/",
        cookies_consent="on",
    )
    assert response.status_code == 302
    for name in ["comment_author", "comment_author_email", "comment_author_url"]:
        assert response.cookies[name]["max-age"] == 365 * 24 * 60 * 60
        assert response.cookies[name]["httponly"]
    html = _page(client, article)
    assert 'value="Zoë Ångström"' in html
    assert 'value="jane@example.com"' in html
    assert 'value="https://zoe.example/"' in html
    assert 'name="cookies_consent" id="cookies_consent" checked' in html


def test_unticked_box_clears_the_saved_details(client):
    article = make_article()
    post(client, article, cookies_consent="on")
    Comment.objects.update(created=timezone.now() - timedelta(minutes=1))
    response = post(client, article, comment="Forget me")
    assert response.status_code == 302
    for name in ["comment_author", "comment_author_email", "comment_author_url"]:
        if name in response.cookies:
            assert response.cookies[name]["max-age"] == 0
    html = _page(client, article)
    assert 'value="Jane Reader"' not in html


def test_no_personal_data_is_stored_in_the_browser_without_the_box(client):
    article = make_article()
    response = post(client, article)
    # Ids of the browser's own comments, signed; no name or address.
    assert set(response.cookies) <= {"comments_own", "comments_editable", "csrftoken"}
    assert "jane" not in str(response.cookies).lower()


# The budget.


def _threads(article, roots, depth):
    """Create ``roots`` threads, each a chain ``depth`` deep."""
    for _ in range(roots):
        _chain(article, depth)


@pytest.mark.parametrize("roots,depth", [(1, 1), (40, 5)])
def test_article_page_query_count_is_fixed_for_200_comments_in_5_levels(
    client, django_assert_num_queries, roots, depth
):
    article = make_article()
    _threads(article, roots, depth)
    held = make_comment(article, status=Comment.Status.PENDING)
    from comments.views import OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT

    client.get("/")  # a CSRF cookie, as a returning reader has
    from django.core.signing import get_cookie_signer

    signer = get_cookie_signer(salt=OWN_COMMENTS_COOKIE + OWN_COMMENTS_SALT)
    client.cookies[OWN_COMMENTS_COOKIE] = signer.sign(str(held.pk))
    # the article (approved-comment and correction counts), its tags, its authors, the
    # page's thread starts with their count, the page's comments; no pictures or
    # corrections here, so no queries for them
    first = Comment.objects.filter(article=article).earliest("created", "pk")
    with django_assert_num_queries(5):
        html = _page(client, article, f"?replyto={first.pk}")
    assert "Leave a Reply to" in html
    assert html.count('class="comment depth-') == roots * depth + 1
    assert "Your comment is awaiting moderation." in html
    if depth == 5:
        assert html.count('class="comment depth-5"') == roots


@pytest.mark.parametrize("count", [1, 10])
def test_comment_counts_on_lists_add_no_query(client, django_assert_num_queries, count):
    tag = make_tag(slug="busy")
    for _ in range(count):
        article = make_article(tags=[tag])
        for _ in range(3):
            make_comment(article)
    # Home, with nothing cached: the count and the next scheduled publication and front
    # page pin expiry (how long the count may be kept: articles/pagination.py), the
    # page's ids, those articles with pictures and comment counts, their authors, the
    # front page's pins.
    prime_page_furniture()
    with django_assert_num_queries(7):
        home = client.get("/").content.decode()
    # Tag page: the tag, then the same but the sections (kept) and the pins (home only).
    with django_assert_num_queries(7):
        tagged = client.get("/tag/busy/").content.decode()
    # Counted once per page cache generation: the next views skip the count, the times
    # and the sections.
    with django_assert_num_queries(4):
        assert client.get("/").content.decode() == home
    with django_assert_num_queries(4):
        assert client.get("/tag/busy/").content.decode() == tagged
    assert home.count("3 comments</a>") == count
    assert tagged.count("3 comments</a>") == count
