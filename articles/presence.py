"""Who has an article open in the newsdesk: one small cache entry per article.

Opening an article's change page records the user in the entry, and lists the others
who opened it in the last ``PRESENCE_SECONDS``. The entry is in the project's cache
(Redis, or the file cache on one server), never the database, so the form's query
count does not change; it expires on its own. A small script (static/js/admin-locking.js)
keeps a user's mark fresh while the page stays open.

Best effort, on purpose: two openings at the same instant may each write the entry
without the other's mark. Losing a "who else is here" notice is harmless; what
actually protects the text is the version check on save (Article.version).
"""

from datetime import UTC, datetime

from django.core.cache import cache

# How long a user counts as having the article open after they last loaded it.
PRESENCE_SECONDS = 5 * 60
# Kept per article at most: enough for a desk, small enough to stay one short value.
MAX_PEOPLE = 10


def _key(article_pk):
    return f"article-presence:{article_pk}"


def mark_open(article_pk, user):
    """Record that ``user`` has the article open now; return the others who have.

    The others are ``(full name, since)`` pairs, earliest first, ``since`` an aware
    datetime: when they opened it (and have kept it open since).
    """
    now = datetime.now(UTC).timestamp()
    people = cache.get(_key(article_pk)) or {}
    # Entries may come from an older form of this value: anything odd is dropped.
    people = {
        uid: entry
        for uid, entry in people.items()
        if isinstance(entry, dict) and now - entry.get("seen", 0) < PRESENCE_SECONDS
    }
    mine = people.get(user.pk)
    people[user.pk] = {
        "name": user.get_full_name() or user.get_username(),
        "since": mine["since"] if mine else now,
        "seen": now,
    }
    if len(people) > MAX_PEOPLE:
        people = dict(sorted(people.items(), key=lambda item: -item[1]["seen"])[:MAX_PEOPLE])
    cache.set(_key(article_pk), people, PRESENCE_SECONDS)
    others = sorted(
        (entry for uid, entry in people.items() if uid != user.pk), key=lambda e: e["since"]
    )
    return [(entry["name"], datetime.fromtimestamp(entry["since"], UTC)) for entry in others]
