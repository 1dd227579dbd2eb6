"""Measure Newsroom's public pages against a bare Django response, as ratios.

Usage: ``.venv/bin/python bench/run.py [--seconds 10] [--workers 4] [--connections 16]``
(or ``make bench``). It builds a throwaway SQLite site with the demo content, serves it
with gunicorn and the production settings on 127.0.0.1, loads each page with wrk (or a
small threaded client where wrk is not installed) and prints requests per second for
each page and its ratio to the bare response: once as anonymous readers get it (the page
cache), once fully rendered on every request (the page cache off). Timings vary with the
machine; the ratios are what to compare between changes. Nothing here asserts a time.
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# Run as a script (python bench/run.py), the checkout is not on the path yet.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    load_generator,
    manage,
    start_server,
    stop_server,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--port", type=int, help="serve on this port (default: any free one)")
    parser.add_argument(
        "--pages",
        help="measure only these pages, comma-separated (e.g. article,article-uncounted)",
    )
    parser.add_argument(
        "--no-render", action="store_true", help="skip the pass with the page cache off"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure the pages this many times in turn and keep each page's median "
        "(on a busy machine, A/B pages measured side by side in many rounds compare fairly)",
    )
    args = parser.parse_args()
    if not 1 <= args.seconds <= 120:
        raise SystemExit("--seconds must be between 1 and 120")
    if not 1 <= args.rounds <= 20:
        raise SystemExit("--rounds must be between 1 and 20")

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SQLITE_PATH=str(workdir / "bench.sqlite3"),
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        CACHE_URL=f"file://{workdir / 'cache'}",
        PYTHONPATH=str(ROOT),
    )
    load = load_generator()
    results = {}
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput", "-v0")
        probe = subprocess.run(
            [PYTHON, "-c", BENCH_URLS_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if probe.returncode:
            raise SystemExit(probe.stderr)
        pages = json.loads(probe.stdout)
        # Readers without cookies get the page cache; the second pass measures a full
        # render of every page, as for a reader with a session or comment cookies.
        passes = [("", {"PAGE_CACHE_SECONDS": "300"}), (" (render)", {"PAGE_CACHE_SECONDS": "0"})]
        if args.no_render:
            passes = passes[:1]
        wanted = args.pages.split(",") if args.pages else None
        for suffix, overrides in passes:
            ports = [args.port] if args.port else None
            server, port = start_server({**env, **overrides}, args.workers, ports=ports)
            try:
                targets = [("bare Django", "/bench/bare/")] if not suffix else []
                measured = [
                    (name, path)
                    for name, path in [*targets, *pages.items()]
                    if not wanted or name in wanted or name == "bare Django"
                ]
                rates = {name: [] for name, _ in measured}
                for _ in range(args.rounds):
                    for name, path in measured:
                        url = f"http://127.0.0.1:{port}{path}"
                        # Readers' browsers name themselves; every read of an article
                        # page is counted for "Most read" (mostread/counting.py). The same
                        # page asked for by a crawler is served alike but not counted:
                        # the difference between the two is what counting costs.
                        agent = CRAWLER if name.endswith("-uncounted") else BROWSER
                        headers = [f"User-Agent: {agent}"]
                        load(url, 1, args.connections, headers)  # warm up: renditions, caches
                        rate, errors = load(url, args.seconds, args.connections, headers)
                        rates[name].append(rate)
                        row = results.setdefault(name + suffix, {"path": path, "errors": 0})
                        row["errors"] += errors
                for name, values in rates.items():
                    results[name + suffix]["requests_per_second"] = round(
                        statistics.median(values), 1
                    )
                    results[name + suffix]["rounds"] = [round(value, 1) for value in values]
            finally:
                stop_server(server)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    floor = results["bare Django"]["requests_per_second"]
    print(f"\n{'page':<20}{'req/s':>9}{'ratio':>8}{'errors':>8}  path")
    for name, row in results.items():
        row["ratio_to_bare"] = round(row["requests_per_second"] / floor, 3)
        print(
            f"{name:<20}{row['requests_per_second']:>9.1f}{row['ratio_to_bare']:>8.3f}"
            f"{row['errors']:>8}  {row['path']}"
        )
    if args.rounds > 1:
        for name, row in results.items():
            print(f"{name:<20}rounds: {', '.join(map(str, row['rounds']))}")
    print(
        f"\nload generator: {load.__name__}, {args.workers} gunicorn workers, "
        f"{args.connections} connections, {args.seconds}s a page, {os.cpu_count()} cores"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

# Runs inside the benchmark's environment to find a real article and tag to load.
BENCH_URLS_SCRIPT = """
import json, django
django.setup()
from articles.models import Article
article = Article.objects.published().order_by("-published_at").first()
tag = article.tags.first()
print(json.dumps({"home": "/", "article": article.get_absolute_url(),
                  "article-uncounted": article.get_absolute_url(),
                  "tag": tag.get_absolute_url() if tag else "/"}))
"""

if __name__ == "__main__":
    main()
