"""Threads of comments: who heads which thread, and arranging a page of them."""

from contextlib import contextmanager

from django.db import connections

APPROVED = "approved"
# PostgreSQL guesses a recursive walk ten times larger per level than it is, and so
# hashes every comment in the table to update a handful (a second, at a million).
# Walked through the parent and primary-key indexes it reads only what it updates.
PLANNER_SETTINGS = {"enable_hashjoin": "off", "enable_mergejoin": "off", "jit": "off"}


@contextmanager
def _index_walk(cursor):
    """Plan the statements run inside on indexes, on PostgreSQL, for this transaction."""
    if cursor.db.vendor != "postgresql":
        yield
        return
    names = list(PLANNER_SETTINGS)
    cursor.execute(
        "SELECT " + ", ".join(f"current_setting('{name}')" for name in names)  # noqa: S608
    )
    previous = cursor.fetchone()

    def apply(values):
        # set_config(..., true) is SET LOCAL: it never outlives the transaction.
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),  # noqa: S608
            [item for pair in zip(names, values, strict=True) for item in pair],
        )

    apply([PLANNER_SETTINGS[name] for name in names])
    try:
        yield
    finally:
        apply(previous)


def _walk_sql(table, anchor, status_of):
    """Return the recursive walk that gives each comment below ``anchor`` its thread root.

    A comment's root is its parent's root (or the parent itself, heading a thread) while
    the parent is approved; below anything else (held, spam, trash, deleted, no parent)
    the comment heads a thread of its own, so readers still see an approved reply.
    """
    # Only quoted names and fixed fragments are formatted in; values are parameters.
    return f"""
        walk(id, status, root) AS (
            SELECT c.id, {status_of}, {anchor["root"]}
            FROM {table} c {anchor["join"]}
            WHERE {anchor["where"]}
            UNION ALL
            SELECT c.id, {status_of}, CASE WHEN w.status = %s THEN COALESCE(w.root, w.id) END
            FROM {table} c JOIN walk w ON c.parent_id = w.id
        )
        UPDATE {table} SET thread_root_id = walk.root FROM walk
        WHERE {table}.id = walk.id
          AND COALESCE({table}.thread_root_id, 0) <> COALESCE(walk.root, 0)
    """  # noqa: S608


def rethread(comments, status):
    """Recompute ``thread_root`` of ``comments`` and everything below them.

    Computed as if ``comments`` had ``status`` (None: as if deleted), so it may run just
    before the UPDATE that gives them that status, while the queryset still selects
    them. One statement however many comments and however deep the threads.
    """
    connection = connections[comments.db]
    table = connection.ops.quote_name(comments.model._meta.db_table)
    changed_sql, changed_params = (
        comments.order_by().values("pk").query.get_compiler(comments.db).as_sql()
    )
    status_of = "CASE WHEN c.id IN (SELECT id FROM changed) THEN %s ELSE c.status END"
    # Start from the affected comments whose parent is not affected: that parent's
    # status and root stay as they are, so the walk down from it is exact.
    anchor = {
        "root": "CASE WHEN p.status = %s THEN COALESCE(p.thread_root_id, p.id) END",
        "join": f"LEFT JOIN {table} p ON p.id = c.parent_id",
        "where": "c.id IN (SELECT id FROM affected) AND NOT EXISTS "
        "(SELECT 1 FROM affected a WHERE a.id = c.parent_id)",
    }
    sql = f"""
        WITH RECURSIVE
        changed(id) AS ({changed_sql}),
        affected(id) AS (
            SELECT id FROM changed
            UNION
            SELECT c.id FROM {table} c JOIN affected a ON c.parent_id = a.id
        ),
        {_walk_sql(table, anchor, status_of)}
    """  # noqa: S608
    new_status = status or ""
    params = [*changed_params, new_status, APPROVED, new_status, APPROVED]
    with connection.cursor() as cursor, _index_walk(cursor):
        cursor.execute(sql, params)


def rethread_all(connection, db_table):
    """Set ``thread_root`` of every comment in ``db_table`` (the data migration)."""
    table = connection.ops.quote_name(db_table)
    anchor = {"root": "CAST(NULL AS BIGINT)", "join": "", "where": "c.parent_id IS NULL"}
    # Every comment at once: here hashing the table is the right plan, so not steered.
    with connection.cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE {_walk_sql(table, anchor, 'c.status')}", [APPROVED])


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
