"""Time listing pages, sitemaps and the article admin on a big archive (issue 9).

Rendered every time (the page cache is off in the test settings), one client, Django's
test Client in this process, so the numbers are the view's own cost without HTTP:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_listings_scale \\
        DJANGO_SETTINGS_MODULE=newsroom.settings.test \\
        .venv/bin/python bench/listings_time.py [--runs 30] [path ...]

The archive comes from bench/listings_fill.sql.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.test")

import django  # noqa: E402

django.setup()
# 404s are expected for some paths; the table says so.
logging.disable(logging.WARNING)

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

DEFAULT_PATHS = [
    "/",
    "/?page=500",
    "/?page=5000",
    "/?page=10000",
    "/tag/topic-1/",
    "/tag/topic-1/?page=1250",
    "/tag/topic-1/?page=2500",
    "/author/author1/",
    "/author/author1/?page=200",
    "/corrections/",
    "/feed/",
    "/tag/topic-1/feed/",
    "/sitemap.xml",
    "/sitemap-articles-2021-06.xml",
    "/sitemap-tags.xml",
    "/sitemap-authors.xml",
    "admin:/admin/articles/article/",
    "admin:/admin/articles/article/?p=500",
    "admin:/admin/articles/article/?status__exact=published",
    "admin:/admin/articles/article/?q=story",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    options = parser.parse_args()
    reader, staff = Client(), Client()
    staff.force_login(get_user_model().objects.filter(is_superuser=True).first())
    print(f"{'path':45} {'status':>6} {'queries':>7} {'first':>8} {'p50':>8} {'p95':>8}")
    for entry in options.paths:
        client, path = (staff, entry[6:]) if entry.startswith("admin:") else (reader, entry)
        timings = []
        for _ in range(options.runs + 1):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
        first, rest = timings[0], sorted(timings[1:])
        p95 = rest[min(len(rest) - 1, int(round(0.95 * len(rest))) - 1)]
        print(
            f"{entry:45} {response.status_code:>6} {len(queries):>7} {first:>7.1f}ms"
            f" {statistics.median(rest):>7.1f}ms {p95:>7.1f}ms"
        )


if __name__ == "__main__":
    main()
