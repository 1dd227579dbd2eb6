"""Time site search on a large archive, on SQLite or PostgreSQL.

Usage (from the project folder)::

    .venv/bin/python bench/search_scale.py --sqlite /tmp/search-scale.sqlite3 --articles 100000
    .venv/bin/python bench/search_scale.py \\
        --database-url postgres://postgres@127.0.0.1:5432/newsroom_search_scale

It migrates the database, adds articles (about 830 words each, drawn from a made-up
vocabulary with a Zipf distribution) until there are ``--articles`` of them, then renders
``/search/`` through Django's test client (the whole request: middleware, queries,
template) for a word found in nearly every article, a rare word, a missing word and a
two-word phrase, and prints queries, p50 and p95. The database is kept between runs.
Nothing here asserts a time; ``make bench-scale`` is the full benchmark.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


def vocabulary(size, rng):
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def fill(count, batch=500, seed=7):
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article

    rng = random.Random(seed)
    words = vocabulary(30_000, rng)
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(words))]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    existing = Article.objects.count()
    start = time.monotonic()
    now = timezone.now()
    for first in range(existing, count, batch):
        rows = []
        for number in range(first, min(first + batch, count)):
            paragraphs = [
                " ".join(rng.choices(words, cum_weights=cumulative, k=83)) for _ in range(10)
            ]
            body_text = " ".join(paragraphs)
            rows.append(
                Article(
                    headline=" ".join(rng.choices(words, cum_weights=cumulative, k=7)).title(),
                    slug=f"scale-{number}",
                    standfirst=" ".join(rng.choices(words, cum_weights=cumulative, k=20)),
                    body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
                    body_text=body_text,
                    status=Article.Status.PUBLISHED,
                    published_at=now - timezone.timedelta(minutes=count - number),
                )
            )
        # bulk_create skips save(): the database's triggers alone fill the index.
        with transaction.atomic():
            Article.objects.bulk_create(rows)
        done = min(first + batch, count)
        rate = (done - existing) / (time.monotonic() - start)
        print(f"\r{done:,} articles ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return words


def time_searches(queries, repeat):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    print(f"{'query':<28} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}  result line")
    for label, text, page in queries:
        params = {"q": text, "page": page}
        client.get("/search/", params)  # warm the caches, as a running site would be
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get("/search/", params)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as context:
            response = client.get("/search/", params)
        html = response.content.decode()
        summary = html.split('class="standfirst">', 1)[-1].split("<", 1)[0][:60]
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{label:<28} {len(context):>7} {statistics.median(timings):>8.1f} {p95:>8.1f}"
            f"  {summary}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", help="path of the throwaway SQLite file")
    parser.add_argument("--database-url", help="a throwaway PostgreSQL database")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    options = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.test"
    if options.database_url:
        os.environ["DATABASE_URL"] = options.database_url
    else:
        default = os.path.join(tempfile.gettempdir(), "newsroom-search-scale.sqlite3")
        os.environ["SQLITE_PATH"] = options.sqlite or default
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    words = fill(options.articles)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    common, second = words[0], words[1]
    rare = words[25_000]
    queries = [
        ("common word", common, 1),
        ("common word, page 50", common, 50),
        ("two common words", f"{common} {second}", 1),
        ("common phrase", f'"{common} {second}"', 1),
        ("word in ~3% of articles", words[2000], 1),
        ("rare word", rare, 1),
        ("missing word", "qqqzzzx", 1),
        ("common or rare", f"{rare} or {words[3]}", 1),
        ("common minus common", f"{common} -{second}", 1),
    ]
    time_searches(queries, options.repeat)


if __name__ == "__main__":
    main()
