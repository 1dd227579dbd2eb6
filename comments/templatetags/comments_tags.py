from django import template

from ..rendering import render_threads

register = template.Library()


@register.simple_tag
def comment_threads(comment_page, replies_open, editable_ids=()):
    """Render a page of threads (``comment_context``'s ``comment_page``) as ``<li>``s.

    Usage: ``<ol class="comment-list">{% comment_threads comment_page comments_open
    editable_comment_ids %}</ol>``; the last is optional (the reader's comments that
    get Edit and Delete links). See ``comments.rendering`` for why this is not a
    template per comment.
    """
    return render_threads(
        comment_page.object_list, comment_page.number, replies_open, editable_ids or ()
    )
