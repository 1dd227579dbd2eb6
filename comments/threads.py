"""Arrange one article's comments into threads, in Python, from a single query."""


def arrange_threads(comments, max_depth):
    """Return the top-level comments, each with ``thread_replies`` and ``thread_depth`` set.

    ``comments`` is every comment to show, oldest first. A reply whose parent is not
    shown (held, spam, trash, deleted) is shown at the top level rather than lost, and
    one deeper than ``max_depth`` joins the deepest level, as WordPress shows them.
    """
    by_id = {comment.pk: comment for comment in comments}
    for comment in comments:
        comment.thread_replies = []
        comment.thread_depth = None
        comment.thread_parent = None
    roots = []

    def place(comment, seen=()):
        if comment.thread_depth is not None:
            return
        parent = by_id.get(comment.parent_id)
        if parent is None or parent.pk in seen or parent is comment:
            comment.thread_depth = 1
            roots.append(comment)
            return
        place(parent, (*seen, comment.pk))
        while parent is not None and parent.thread_depth >= max_depth:
            parent = parent.thread_parent
        if parent is None:
            comment.thread_depth = 1
            roots.append(comment)
            return
        comment.thread_parent = parent
        comment.thread_depth = parent.thread_depth + 1
        parent.thread_replies.append(comment)

    for comment in comments:
        place(comment)

    def order(comment):
        return (comment.created, comment.pk)

    roots.sort(key=order)
    for comment in comments:
        comment.thread_replies.sort(key=order)
    return roots
