"""The threads under an article, written out as HTML (``{% comment_threads %}``).

A page of threads holds its 50 thread starts and every reply in them: a few hundred
comments on a busy article. Through a template included once per comment, each cost
about half a millisecond (a context, some twenty lookups, two date filters and
``urlize`` word by word), so the busiest page took 50–100 ms to render; written out
here, as WordPress's comment walker does, each costs a few tens of microseconds. The
markup is the one the template had; ``tests/test_comment_rendering.py`` holds it.
"""

import re

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape, format_html, linebreaks, urlize
from django.utils.safestring import mark_safe

# ``urlize`` links a word only when it starts with http(s)://, www., or ends in one of
# seven top-level domains, or is an email address. Text with none of these anywhere
# comes out of it escaped and nothing more, so it is escaped without the word-by-word
# walk (most comments: a sentence's full stop sends every word through that walk).
_MAYBE_LINKED = re.compile(r"https?://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)", re.I)


def comment_text_html(text):
    """Return a comment's text as readers see it: escaped, links made, paragraphs."""
    if _MAYBE_LINKED.search(text):
        html = urlize(text, nofollow=True, autoescape=True)
    else:
        html = escape(text)
    # linebreaks() only wraps what it is given; the text was escaped above.
    return mark_safe(linebreaks(html, autoescape=False))  # noqa: S308


def _posted(comment):
    """Return the comment's time as the ``<time>`` element's attribute and text."""
    when = timezone.localtime(comment.created)
    shown = f"{when.day} {MONTHS[when.month]} {when.year} at {when:%H:%M}"
    return when.isoformat(), shown


def _one(comment, reply_query, replies_open, out):
    posted_iso, posted = _posted(comment)
    if comment.linkable_website:
        author = format_html(
            '<a href="{}" rel="nofollow ugc noopener">{}</a>',
            comment.linkable_website,
            comment.name,
        )
    else:
        author = escape(comment.name)
    approved = comment.is_approved
    out.append(
        format_html(
            '<li id="comment-{pk}" class="comment depth-{depth}">\n'
            '  <article class="comment-body" aria-label="Comment by {name}">\n'
            '    <footer class="comment-meta">\n'
            '      <span class="avatar avatar-{colour}" aria-hidden="true">{initials}</span>\n'
            '      <b class="comment-author">{author}</b>\n'
            '      <a class="comment-permalink" href="#comment-{pk}">'
            '<time datetime="{posted_iso}">{posted}</time></a>\n'
            "    </footer>\n"
            "    {held}"
            '<div class="comment-content">{text}</div>\n',
            pk=comment.pk,
            depth=comment.thread_depth,
            name=comment.name,
            colour=comment.avatar_colour,
            initials=comment.initials,
            author=author,
            posted_iso=posted_iso,
            posted=posted,
            held=""
            if approved
            else mark_safe(
                '<p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>\n'
                "    "
            ),
            text=comment_text_html(comment.text),
        )
    )
    if approved and replies_open:
        out.append(
            format_html(
                '    <p class="reply"><a class="comment-reply-link" href="?{}replyto={}#respond"'
                ' aria-label="Reply to {}">Reply</a></p>\n',
                reply_query,
                comment.pk,
                comment.name,
            )
        )
    out.append("  </article>\n")
    if comment.thread_replies:
        out.append('  <ol class="children">\n')
        for reply in comment.thread_replies:
            _one(reply, reply_query, replies_open, out)
        out.append("  </ol>\n")
    out.append("</li>\n")


def render_threads(threads, page_number, replies_open):
    """Return the ``<li>`` of each thread in ``threads`` (``arrange_threads``' roots).

    ``replies_open`` adds each approved comment's Reply link, which keeps the page of
    threads (``cpage``) it was followed from.
    """
    reply_query = format_html("cpage={}&amp;", int(page_number)) if page_number > 1 else ""
    out = []
    for comment in threads:
        _one(comment, reply_query, replies_open, out)
    return mark_safe("".join(out))  # noqa: S308 - every part built by format_html/escape
