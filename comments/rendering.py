"""The threads under an article, written out as HTML (``{% comment_threads %}``).

A page of threads holds its 50 thread starts and every reply in them: a few hundred
comments on a busy article. Through a template included once per comment, each cost
about half a millisecond (a context, some twenty lookups, two date filters and
``urlize`` word by word), so the busiest page took 50–100 ms to render; written out
here, as WordPress's comment walker does, each costs a few tens of microseconds. The
markup is the one the template had; ``tests/test_comment_rendering.py`` holds it.
"""

import re
from datetime import timedelta
from html import escape as escape_text
from typing import NamedTuple

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape, linebreaks, urlize
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


def _one(comment, context, out):
    """Append the ``<li>`` of ``comment`` and its replies to ``out``.

    Plain strings and the standard library's ``html.escape`` (what Django's ``escape``
    calls, without its lazy-text wrapper): at a few hundred comments a page, the
    wrappers' cost showed.
    """
    pk = comment.pk
    name = escape_text(comment.name)
    when = timezone.localtime(comment.created)
    posted = f"{when.day} {context.months[when.month]} {when.year} at {when:%H:%M}"
    website = comment.linkable_website
    if website:
        author = f'<a href="{escape_text(website)}" rel="nofollow ugc noopener">{name}</a>'
    else:
        author = name
    approved = comment.is_approved
    out.append(
        f'<li id="comment-{pk}" class="comment depth-{int(comment.thread_depth)}">\n'
        f'  <article class="comment-body" aria-label="Comment by {name}">\n'
        '    <footer class="comment-meta">\n'
        f'      <span class="avatar avatar-{int(comment.avatar_colour)}" aria-hidden="true">'
        f"{escape_text(comment.initials)}</span>\n"
        f'      <b class="comment-author">{author}</b>\n'
        f'      <a class="comment-permalink" href="#comment-{pk}">'
        f'<time datetime="{when.isoformat()}">{posted}</time></a>\n'
        "    </footer>\n"
    )
    if not approved:
        out.append(
            '    <p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>\n'
        )
    out.append(f'    <div class="comment-content">{comment_text_html(comment.text)}</div>\n')
    if pk in context.editable_ids:
        until = timezone.localtime(comment.created + context.edit_window)
        out.append(
            '    <p class="comment-own-actions">'
            f'<a class="comment-edit-link" href="{reverse("comments:edit", args=[pk])}">'
            'Edit<span class="visually-hidden"> your comment</span></a> '
            f'<a class="comment-delete-link" href="{reverse("comments:delete", args=[pk])}">'
            'Delete<span class="visually-hidden"> your comment</span></a> '
            f'<span class="comment-edit-until">(until {until:%H:%M})</span></p>\n'
        )
    if approved and context.replies_open:
        out.append(
            f'    <p class="reply"><a class="comment-reply-link" href="?{context.reply_query}'
            f'replyto={pk}#respond" aria-label="Reply to {name}">Reply</a></p>\n'
        )
    out.append("  </article>\n")
    if comment.thread_replies:
        out.append('  <ol class="children">\n')
        for reply in comment.thread_replies:
            _one(reply, context, out)
        out.append("  </ol>\n")
    out.append("</li>\n")


class _Context(NamedTuple):
    reply_query: str
    replies_open: bool
    months: dict
    editable_ids: frozenset
    edit_window: timedelta


def render_threads(threads, page_number, replies_open, editable_ids=()):
    """Return the ``<li>`` of each thread in ``threads`` (``arrange_threads``' roots).

    ``replies_open`` adds each approved comment's Reply link, which keeps the page of
    threads (``cpage``) it was followed from; the comments of ``editable_ids`` (the
    reader's own, still in their edit window) get Edit and Delete links.
    """
    context = _Context(
        reply_query=f"cpage={int(page_number)}&amp;" if page_number > 1 else "",
        replies_open=replies_open,
        # The month names in the active language, as the date filter showed them.
        months={number: str(name) for number, name in MONTHS.items()},
        editable_ids=frozenset(editable_ids),
        edit_window=timedelta(minutes=settings.COMMENTS_EDIT_MINUTES),
    )
    out = []
    for comment in threads:
        _one(comment, context, out)
    return mark_safe("".join(out))  # noqa: S308 - every value in it escaped by _one
