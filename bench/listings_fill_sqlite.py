"""Fill a migrated, empty SQLite database with the archive of bench/listings_fill.sql.

DATABASE_URL=sqlite:////tmp/listings-scale.sqlite3 .venv/bin/python manage.py migrate
.venv/bin/python bench/listings_fill_sqlite.py /tmp/listings-scale.sqlite3
"""

import sqlite3
import sys
from datetime import UTC, datetime, timedelta

ARTICLES, DRAFTS, SCHEDULED, COMMENTS = 100_000, 1_000, 10, 1_000_000


def main(path):
    now = datetime.now(UTC).replace(tzinfo=None)
    stamp = lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731
    db = sqlite3.connect(path)
    db.executemany(
        "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name,"
        " email, is_staff, is_active, date_joined) VALUES (?, '!', ?, ?, ?, ?, ?, 1, 1, ?)",
        [
            (i, i == 1, f"author{i}", f"First{i}", f"Last{i}", f"author{i}@example.com", stamp(now))
            for i in range(1, 61)
        ],
    )
    db.executemany(
        "INSERT INTO articles_tag (id, name, slug, description) VALUES (?, ?, ?, '')",
        [(i, f"Topic {i}", f"topic-{i}") for i in range(1, 501)],
    )
    total = ARTICLES + SCHEDULED + DRAFTS

    def published(i):
        if i > ARTICLES + SCHEDULED:
            return None
        if i > ARTICLES:
            return stamp(now + timedelta(hours=i - ARTICLES))
        # Every 97th shares its neighbour's time, so the id breaks ties.
        j = i - 1 if i % 97 == 0 else i
        return stamp(now - timedelta(hours=1) - timedelta(seconds=3155 * (ARTICLES - j)))

    db.executemany(
        "INSERT INTO articles_article (id, headline, slug, standfirst, body, body_text, byline,"
        " status, published_at, updated_at, allow_comments, created_at, modified_at)"
        " VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, NULL, 1, ?, ?)",
        [
            (
                i,
                f"Headline number {i}",
                f"headline-number-{i}",
                f"Standfirst for story {i}.",
                f"<p>Body of story {i}.</p>",
                f"Body of story {i}.",
                "draft" if i > ARTICLES + SCHEDULED else "published",
                published(i),
                stamp(now),
                stamp(now),
            )
            for i in range(1, total + 1)
        ],
    )
    db.executemany(
        "INSERT INTO articles_articleauthor (article_id, author_id, position) VALUES (?, ?, 0)",
        [(i, 1 + i % 50) for i in range(1, total + 1)],
    )
    tags = {(i, 1) for i in range(4, total + 1, 4)}
    tags |= {(i, 2 + i % 499) for i in range(1, total + 1)}
    tags |= {(i, 2 + (i // 3 * 7) % 499) for i in range(3, total + 1, 3)}
    db.executemany(
        "INSERT INTO articles_article_tags (article_id, tag_id) VALUES (?, ?)", sorted(tags)
    )

    def comment(i):
        status = "pending" if i % 20 == 0 else "spam" if i % 41 == 0 else "approved"
        article = 3 + (i % 40) * 2477 if i <= 112_000 else 1 + (i * 7919) % ARTICLES
        return (status, f"Reader {i}", f"reader{i % 5000}@example.com", f"Comment {i}.", article)

    db.executemany(
        "INSERT INTO comments_comment (status, name, email, website, text, ip_address,"
        " user_agent, created, article_id) VALUES (?, ?, ?, '', ?, '192.0.2.1', '', ?, ?)",
        [
            (*comment(i)[:4], stamp(now - timedelta(days=1)), comment(i)[4])
            for i in range(1, COMMENTS + 1)
        ],
    )
    db.executemany(
        "INSERT INTO articles_correction (article_id, kind, text, created)"
        " VALUES (?, 'correction', 'An earlier version misspelled a name.', ?)",
        [(i * 50, stamp(now - timedelta(hours=2000 - i))) for i in range(1, 2001)],
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()


if __name__ == "__main__":
    main(sys.argv[1])
