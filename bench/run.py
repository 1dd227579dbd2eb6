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
    args = parser.parse_args()
    if not 1 <= args.seconds <= 120:
        raise SystemExit("--seconds must be between 1 and 120")

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
        for suffix, overrides in passes:
            ports = [args.port] if args.port else None
            server, port = start_server({**env, **overrides}, args.workers, ports=ports)
            try:
                targets = [("bare Django", "/bench/bare/")] if not suffix else []
                for name, path in [*targets, *pages.items()]:
                    url = f"http://127.0.0.1:{port}{path}"
                    load(url, 1, args.connections)  # warm up: renditions, caches, connections
                    rate, errors = load(url, args.seconds, args.connections)
                    results[name + suffix] = {
                        "path": path,
                        "requests_per_second": round(rate, 1),
                        "errors": errors,
                    }
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
    print(
        f"\nload generator: {load.__name__}, {args.workers} gunicorn workers, "
        f"{args.connections} connections, {args.seconds}s a page, {os.cpu_count()} cores"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


# Runs inside the benchmark's environment to find a real article and tag to load.
BENCH_URLS_SCRIPT = """
import json, django
django.setup()
from articles.models import Article
article = Article.objects.published().order_by("-published_at").first()
tag = article.tags.first()
print(json.dumps({"home": "/", "article": article.get_absolute_url(),
                  "tag": tag.get_absolute_url() if tag else "/"}))
"""

if __name__ == "__main__":
    main()
