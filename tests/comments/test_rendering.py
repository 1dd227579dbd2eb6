"""The threads' markup, written out by ``comments.rendering`` rather than a template.

The comment text goes through a shortcut when it holds nothing ``urlize`` could link;
these tests prove the shortcut's output is the filters' own, on texts either side of
every rule ``urlize`` links by.
"""

import zoneinfo
from datetime import datetime

import pytest
from django.template.defaultfilters import linebreaks_filter, urlize
from django.utils import timezone

from comments.rendering import comment_text_html, render_threads
from comments.threads import arrange_threads
from tests.factories import make_article, make_comment

TEXTS = [
    "Plain words. And a full stop, a comma: a colon; nothing to link.",
    "Lines\nbroken\n\nand paragraphs\r\n\r\nwith Windows endings",
    "See https://example.org/path?a=1&b=2 and http://x.test, please.",
    "HTTPS://SHOUTING.EXAMPLE/ counts too",
    "www.example.net is linked, so is example.com/page and news.org.",
    "mail me: someone@example.com (or not)",
    "an @handle and a trailing @",
    "example.co.uk and file.txt and v1.2.3 are not linked",
    "Tags <b>bold</b> <script>alert(1)</script> & \"quotes\" 'single' stay text",
    "&amp; already an entity, &lt;tag&gt;, and www&#46;example&#46;com",
    "(https://wrapped.example/) [www.brackets.org] trailing.dots...",
    "émigré café naïve — ünïcödé text with no links",
    "javascript:alert(1) data:text/html,hi are words",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_comment_text_is_what_the_urlize_and_linebreaks_filters_give(text):
    assert comment_text_html(text) == linebreaks_filter(urlize(text, autoescape=True))


def test_the_shortcut_escapes_a_text_with_nothing_to_link():
    html = comment_text_html('A <b>bold</b> claim. "Quoted" & done.')
    assert html == "<p>A &lt;b&gt;bold&lt;/b&gt; claim. &quot;Quoted&quot; &amp; done.</p>"


@pytest.mark.django_db
def test_a_page_of_threads_has_the_markup_the_template_had(settings):
    settings.TIME_ZONE = "Europe/London"
    article = make_article()
    posted = datetime(2026, 7, 4, 17, 5, tzinfo=zoneinfo.ZoneInfo("UTC"))
    first = make_comment(
        article, name="Ann <Lee>", website="https://ann.example/?a=1&b=2", text="Hi.\n\nBye"
    )
    reply = make_comment(article, parent=first, name="Bo", text="Yes")
    held = make_comment(article, parent=first, name="Cy", text="Wait", status="pending")
    from comments.models import Comment

    Comment.objects.filter(pk__in=[first.pk, reply.pk, held.pk]).update(created=posted)
    comments = list(Comment.objects.filter(pk__in=[first.pk, reply.pk, held.pk]))
    threads = arrange_threads(comments, settings.COMMENTS_THREAD_DEPTH)
    with timezone.override("Europe/London"):
        html = render_threads(threads, 3, replies_open=True)
    assert html.startswith(f'<li id="comment-{first.pk}" class="comment depth-1">\n')
    assert '<article class="comment-body" aria-label="Comment by Ann &lt;Lee&gt;">' in html
    assert '<span class="avatar avatar-' in html and '" aria-hidden="true">A</span>' in html
    assert (
        '<b class="comment-author"><a href="https://ann.example/?a=1&amp;b=2" '
        'rel="nofollow ugc noopener">Ann &lt;Lee&gt;</a></b>' in html
    )
    # Local time, as the date filter showed it: 17:05 UTC is 18:05 in London in July.
    assert (
        f'<a class="comment-permalink" href="#comment-{first.pk}">'
        '<time datetime="2026-07-04T18:05:00+01:00">4 July 2026 at 18:05</time></a>' in html
    )
    assert '<div class="comment-content"><p>Hi.</p>\n\n<p>Bye</p></div>' in html
    # Replies keep the page of threads they were followed from.
    assert (
        f'<p class="reply"><a class="comment-reply-link" href="?cpage=3&amp;replyto={first.pk}'
        '#respond" aria-label="Reply to Ann &lt;Lee&gt;">Reply</a></p>' in html
    )
    children = html.split('<ol class="children">', 1)[1]
    assert f'<li id="comment-{reply.pk}" class="comment depth-2">' in children
    # The held reply: marked, and no Reply link under it.
    held_part = children.split(f'<li id="comment-{held.pk}"', 1)[1]
    assert '<p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>' in (
        held_part
    )
    assert "comment-reply-link" not in held_part
    assert html.count("<li ") == html.count("</li>") == 3


@pytest.mark.django_db
def test_no_reply_links_when_comments_are_closed_and_none_on_page_one_query():
    article = make_article()
    comment = make_comment(article)
    threads = arrange_threads([comment], 5)
    assert "comment-reply-link" not in render_threads(threads, 1, replies_open=False)
    assert f'href="?replyto={comment.pk}#respond"' in render_threads(threads, 1, replies_open=True)


@pytest.mark.django_db
def test_the_readers_own_comments_get_edit_and_delete_links_with_their_deadline(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.COMMENTS_EDIT_MINUTES = 10
    from comments.models import Comment

    article = make_article()
    mine, theirs = make_comment(article), make_comment(article)
    posted = datetime(2026, 7, 4, 17, 5, tzinfo=zoneinfo.ZoneInfo("UTC"))
    Comment.objects.filter(pk=mine.pk).update(created=posted)
    threads = arrange_threads(list(Comment.objects.filter(article=article)), 5)
    with timezone.override("Europe/London"):
        html = render_threads(threads, 1, replies_open=True, editable_ids={mine.pk})
    assert (
        '<p class="comment-own-actions">'
        f'<a class="comment-edit-link" href="/comments/{mine.pk}/edit/">'
        'Edit<span class="visually-hidden"> your comment</span></a> '
        f'<a class="comment-delete-link" href="/comments/{mine.pk}/delete/">'
        'Delete<span class="visually-hidden"> your comment</span></a> '
        '<span class="comment-edit-until">(until 18:15)</span></p>'
    ) in html
    assert html.count("comment-own-actions") == 1
    assert f"/comments/{theirs.pk}/" not in html
