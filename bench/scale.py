"""Measure every public and admin page on a 100,000-article, 1,000,000-comment archive.

Usage: ``.venv/bin/python bench/scale.py [options]`` (or ``make bench-scale ARGS="…"``).

1. Builds the archive once (``manage.py generate_archive``) into a dedicated database and
   keeps it: PostgreSQL ``newsroom_bench_scale`` by default, or with ``--database sqlite``
   the file ``.bench/scale.sqlite3``. ``migrate`` runs every time (with this checkout's
   migrations); the archive is rebuilt only with ``--rebuild`` or when its recorded size,
   seed or schema (this checkout's migrations of the archive's apps) differ.
2. Serves the site with gunicorn and the production settings on 127.0.0.1 (ports
   8640–8649), the page cache off (``PAGE_CACHE_SECONDS=0``: every request is rendered).
   ``--root DIR`` serves another checkout's code (say a ``git worktree`` of an older
   commit) against the same database, to measure a BEFORE baseline.
3. For each page: SQL queries (in-process, Django's test client and
   ``CaptureQueriesContext``, same database and settings), p50/p95 of sequential
   requests at one client, requests per second at 16 clients for a few seconds (wrk, or
   threads), and that rate as a ratio to a bare Django response measured in the same run.
   Status codes are checked: any error is shown in the table, never hidden.
4. Prints a Markdown table and writes it, with the date, CPU, database and sizes, between
   the markers of the "Results" section of ``bench/README.md``.

Timings vary with the machine and its load; nothing here asserts a time. The budgets
(issue 9) are shown as a pass/miss column.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

# Run as a script (python bench/scale.py), the checkout is not on the path yet.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    load_generator,
    percentile,
    start_server,
    stop_server,
    time_requests,
)

PORTS = list(range(8640, 8650))
README = ROOT / "bench" / "README.md"
RESULTS_START, RESULTS_END = (
    "<!-- bench-scale results: start -->",
    "<!-- bench-scale results: end -->",
)
# Budgets from issue 9, rendered pages at one client: p95 in milliseconds.
BUDGET_P95_MS = {"public": 25, "search": 50, "admin": 100}
BUDGET_SEARCH_RPS = 100
META_TABLE = "bench_scale_build"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--db-name", default="newsroom_bench_scale", help="PostgreSQL database")
    parser.add_argument("--sqlite-path", default=str(ROOT / ".bench" / "scale.sqlite3"))
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--rebuild", action="store_true", help="build the archive again")
    parser.add_argument("--build-only", action="store_true", help="build (if needed) and stop")
    parser.add_argument("--root", default=str(ROOT), help="serve this checkout's code")
    parser.add_argument("--label", help="name of this run in the README (default: the commit)")
    parser.add_argument("--requests", type=int, default=100, help="timed requests at one client")
    parser.add_argument(
        "--warmups",
        type=int,
        help="untimed requests before each page's timed ones (default: twice the workers,"
        " so every worker has served the page once: a worker's first request of a page"
        " loads its templates, which a long-running server has long done)",
    )
    parser.add_argument("--seconds", type=int, default=5, help="length of the 16-client window")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--no-readme", action="store_true", help="print only")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 60 or not 5 <= args.requests <= 500:
        parser.error("--seconds must be 1–60 and --requests 5–500")
    if args.articles < 100 or args.comments < 0:
        parser.error("--articles must be at least 100")
    args.root = Path(args.root).resolve()
    if not (args.root / "manage.py").exists() or not (args.root / "bench" / "wsgi.py").exists():
        parser.error(
            f"{args.root} is not a Newsroom checkout with bench/ (manage.py, bench/wsgi.py)"
        )
    return args


# --- The kept archive -------------------------------------------------------------------


class Store:
    """The benchmark's database: create, drop, and the row recording what was built."""

    def __init__(self, args):
        self.args = args
        self.postgres = args.database == "postgres"
        base = Path.home() / ".cache" / "newsroom-bench-scale" if self.postgres else ROOT / ".bench"
        # PostgreSQL outlives any checkout, so its pictures live outside them too.
        name = args.db_name if self.postgres else Path(args.sqlite_path).stem
        self.media_root = base / f"{name}-media"
        # The pictures' originals (articles.storage): what the build writes. Renditions,
        # in media_root, come after, from the task worker.
        self.originals_root = base / f"{name}-originals"

    def env(self):
        if self.postgres:
            return {"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.args.db_name}"}
        return {"SQLITE_PATH": self.args.sqlite_path}

    def _admin_connection(self):
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
        connection.autocommit = True
        return connection

    def _connect(self):
        if self.postgres:
            import psycopg2

            return psycopg2.connect(host="127.0.0.1", user="postgres", dbname=self.args.db_name)
        import sqlite3

        return sqlite3.connect(self.args.sqlite_path)

    def exists(self):
        if self.postgres:
            connection = self._admin_connection()
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT 1 FROM pg_database WHERE datname = %s", [self.args.db_name]
                    )
                    return cursor.fetchone() is not None
            finally:
                connection.close()
        return Path(self.args.sqlite_path).exists()

    def drop_and_create(self):
        shutil.rmtree(self.media_root, ignore_errors=True)
        shutil.rmtree(self.originals_root, ignore_errors=True)
        if self.postgres:
            connection = self._admin_connection()
            with connection.cursor() as cursor:
                name = self.args.db_name
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{name}"')
            connection.close()
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(self.args.sqlite_path + suffix).unlink(missing_ok=True)
            Path(self.args.sqlite_path).parent.mkdir(parents=True, exist_ok=True)

    def _query(self, sql, params=()):
        connection = self._connect()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
            connection.commit()
            return rows
        finally:
            connection.close()

    def recorded(self):
        try:
            return dict(self._query(f"SELECT key, value FROM {META_TABLE}"))  # noqa: S608
        except Exception:  # noqa: BLE001 - no table yet: nothing was recorded
            return {}

    def record(self, values):
        placeholder = "%s" if self.postgres else "?"
        self._query(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key varchar(50) PRIMARY KEY, value text)"
        )
        self._query(f"DELETE FROM {META_TABLE}")  # noqa: S608
        for key, value in values.items():
            self._query(
                f"INSERT INTO {META_TABLE} (key, value) VALUES ({placeholder}, {placeholder})",  # noqa: S608
                (key, str(value)),
            )


# The migrations of the apps whose tables the archive fills, as this checkout has them.
# Other apps' tables (sessions, the task queue) hold nothing of the archive.
SCHEMA_SCRIPT = r"""
import hashlib, django
django.setup()
from django.db.migrations.loader import MigrationLoader
apps = {"articles", "comments", "auth"}
names = sorted(key for key in MigrationLoader(None).disk_migrations if key[0] in apps)
print(hashlib.sha256(repr(names).encode()).hexdigest()[:16])
"""


def schema(env):
    """Return a fingerprint of this checkout's migrations of the archive's apps."""
    result = subprocess.run(
        [PYTHON, "-c", SCHEMA_SCRIPT],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def ensure_archive(args, store, env):
    """Migrate, and build the archive unless the recorded one matches; return its record.

    The record is compared before migrating, so an archive about to be rebuilt is not
    first put through migrations that rewrite every row.
    """
    wanted = {
        "articles": str(args.articles),
        "comments": str(args.comments),
        "seed": str(args.seed),
        "schema": schema(env),
    }
    recorded = store.recorded() if store.exists() else {}
    originals = store.originals_root
    media_present = originals.is_dir() and any(originals.iterdir())
    kept = all(recorded.get(k) == v for k, v in wanted.items()) and media_present
    if kept and not args.rebuild:
        run_manage(env, "migrate", "--noinput", "-v0")
        print(f"Archive kept: built {recorded.get('built_at')} in {recorded.get('build_seconds')}s")
        return recorded
    if recorded or media_present:
        print("Archive differs from the one asked for (size, seed or schema): rebuilding.")
    store.drop_and_create()
    run_manage(env, "migrate", "--noinput", "-v0")
    print(f"Building the archive: {args.articles:,} articles, {args.comments:,} comments…")
    started = time.monotonic()
    run_manage(
        env,
        "generate_archive",
        f"--articles={args.articles}",
        f"--comments={args.comments}",
        f"--seed={args.seed}",
    )
    built = {
        **wanted,
        "build_seconds": f"{time.monotonic() - started:.0f}",
        "built_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    store.record(built)
    return built


def run_manage(env, *args, root=ROOT):
    # The archive and the schema always come from this checkout, whatever --root serves.
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=root, env={**env, "PYTHONPATH": str(root)}, check=True
    )


# --- What to measure ----------------------------------------------------------------------

# Runs inside the served checkout (``--root``), with its code, against the archive: picks
# the pages to measure, counts each one's SQL queries with the test client, and logs an
# administrator in for the timed admin requests. Prints JSON.
PROBE_SCRIPT = r"""
import json, math, sys, xml.etree.ElementTree as ET
from urllib.parse import urlsplit
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article, Tag
from comments.models import Comment

words = json.loads(sys.argv[1])
per_page = settings.ARTICLES_PER_PAGE
published = Article.objects.published()
approved = Q(comments__status=Comment.Status.APPROVED)
pages = []
sitemap_files = []

def page(name, path, kind="public"):
    pages.append({"name": name, "path": path, "kind": kind})

def last_page(count, size):
    return max(1, math.ceil(count / size))

page("bare Django (floor)", "/bench/bare/", "floor")
page("home", "/")
home_pages = last_page(published.count(), per_page)
page(f"home ?page={min(500, home_pages)}", f"/?page={min(500, home_pages)}")
page("home, last page", f"/?page={home_pages}")
few = (published.filter(allow_comments=True).annotate(n=Count("comments", filter=approved))
       .filter(n__gte=1, n__lte=5).order_by("-published_at").first())
if few:
    page(f"article, {few.n} comments", few.get_absolute_url())
most = (published.annotate(n=Count("comments", filter=approved)).order_by("-n", "-pk").first())
page(f"article, {most.n:,} comments", most.get_absolute_url())
# Top-level threads as readers see them: approved comments whose parent is not shown.
shown = Comment.objects.filter(article=most, status=Comment.Status.APPROVED)
roots = shown.filter(Q(parent__isnull=True) | ~Q(parent__status=Comment.Status.APPROVED)).count()
last_cpage = last_page(roots, settings.COMMENTS_PER_PAGE)
page(f"  its last comment page ({last_cpage})", f"{most.get_absolute_url()}?cpage={last_cpage}")
in_public = Q(articles__in=published)
tag = Tag.objects.annotate(n=Count("articles", filter=in_public)).order_by("-n").first()
page(f"tag ({tag.n:,} articles)", tag.get_absolute_url())
page("  its last page", f"{tag.get_absolute_url()}?page={last_page(tag.n, per_page)}")
author = (get_user_model().objects.annotate(n=Count("articles", filter=Q(articles__in=published)))
          .order_by("-n").first())
page(f"author ({author.n:,} articles)", f"/author/{author.username}/")
for label in ("common", "rare", "missing"):
    page(f"search, {label} word", f"/search/?q={words[label]}", "search")

client = Client(HTTP_HOST="127.0.0.1")
sitemap = client.get("/sitemap.xml")
page("/sitemap.xml", "/sitemap.xml")
if sitemap.status_code == 200:
    root = ET.fromstring(sitemap.content)
    if root.tag.endswith("sitemapindex"):
        files = []
        for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
            parts = urlsplit(loc.text.strip())
            files.append(parts.path + ("?" + parts.query if parts.query else ""))
        # Every file is fetched here (status, queries); a sample of them is timed: the
        # fixed files, the newest and oldest months, and a second page of a month.
        for path in files:
            with CaptureQueriesContext(connection) as queries:
                status = client.get(path).status_code
            sitemap_files.append({"path": path, "status": status, "queries": len(queries)})
        months = [path for path in files if "articles" in path]
        sample = [path for path in files if "articles" not in path] + months[:1] + months[-1:]
        sample += [path for path in months if "?p=2" in path][:1]
        for path in dict.fromkeys(sample):
            page(f"  {path}", path)
    else:
        page("/sitemap.xml?p=2", "/sitemap.xml?p=2")
page("/feed/", "/feed/")
page("tag feed", f"{tag.get_absolute_url()}feed/")

admin = get_user_model().objects.filter(username="bench-admin").first()
if admin is None:
    admin = get_user_model().objects.create_superuser("bench-admin", "bench@example.com", None)
page("admin: article list", "/admin/articles/article/", "admin")
page("admin: comments, all", "/admin/comments/comment/?status=all", "admin")
page("admin: comments, default", "/admin/comments/comment/", "admin")
page("admin: article change", f"/admin/articles/article/{most.pk}/change/", "admin")

staff = Client(HTTP_HOST="127.0.0.1")
staff.force_login(admin)
for entry in pages:
    browser = staff if entry["kind"] == "admin" else client
    browser.get(entry["path"])  # first use: renditions, caches, connections
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(entry["path"])
    entry["queries"] = len(queries)
    entry["probe_status"] = response.status_code
print(json.dumps({"pages": pages, "session": staff.cookies[settings.SESSION_COOKIE_NAME].value,
                  "session_cookie": settings.SESSION_COOKIE_NAME, "sitemap_files": sitemap_files}))
"""


def probe(env, args):
    from synthetic.archive import COMMON_WORD, MISSING_WORD, RARE_WORD

    words = json.dumps({"common": COMMON_WORD, "rare": RARE_WORD, "missing": MISSING_WORD})
    result = subprocess.run(
        [PYTHON, "-c", PROBE_SCRIPT, words], cwd=args.root, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"Picking and probing the pages failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def make_queued_renditions(env, root):
    """Run the task worker once over the queue, where the served code has one.

    Code whose pages never make renditions queues the missing ones (the probe's first
    request of each page did); in production a worker makes them within moments, so
    they are made before timing, not left out of every timed page. Older code made them
    inside the probe's first requests and has no worker.
    """
    command = [PYTHON, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    try:
        result = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=900
        )
    except subprocess.TimeoutExpired:
        print("The task worker did not finish within 15 minutes; measuring anyway.")
        return
    if result.returncode and "Unknown command" not in result.stderr:
        raise SystemExit(f"The task worker failed:\n{result.stderr}")


# --- Measuring ------------------------------------------------------------------------------


def drain(port, seconds=600):
    """Wait until requests queued by a load window are served, so the next page is fair.

    A page that takes seconds leaves its 16 clients' requests queued in gunicorn after
    the window closes; the next page's timings must not wait behind them.
    """
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        try:
            latencies, _, _ = time_requests(
                f"http://127.0.0.1:{port}/bench/bare/", 3, warmups=0, timeout=30
            )
        except OSError:
            continue
        if latencies[-1] < 0.05:
            return
        time.sleep(0.5)


def measure(entry, port, args, load, headers):
    url = f"http://127.0.0.1:{port}{entry['path']}"
    entry.update(p50_ms=float("nan"), p95_ms=float("nan"), timed=0, kb=0, rps=0.0, errors="")
    try:
        latencies, statuses, size = time_requests(url, args.requests, args.warmups, headers)
        rate, load_errors = load(url, args.seconds, args.connections, headers)
    except (OSError, subprocess.CalledProcessError) as error:
        entry["errors"] = f"measurement failed: {error}"
        drain(port)
        return entry
    drain(port)
    bad = sorted({status for status in statuses if status >= 400})
    entry.update(
        p50_ms=percentile(latencies, 0.5) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        timed=len(latencies),
        kb=size / 1024,
        rps=rate,
        errors="; ".join(
            [
                *(f"HTTP {s}" for s in bad),
                *([f"{load_errors} failed under load"] * bool(load_errors)),
            ]
        ),
    )
    if entry["probe_status"] >= 400 and str(entry["probe_status"]) not in entry["errors"]:
        entry["errors"] = "; ".join(
            filter(None, [f"HTTP {entry['probe_status']} in-process", entry["errors"]])
        )
    return entry


def sitemap_summary(files):
    """Say what fetching every file the sitemap index lists found."""
    if not files:
        return "The sitemap is not an index: its files are the rows above."
    failed = [
        f"{entry['path']} (HTTP {entry['status']})" for entry in files if entry["status"] != 200
    ]
    queries = sorted({entry["queries"] for entry in files})
    summary = (
        f"Every file the sitemap index lists was fetched in-process: {len(files)} files, "
        f"{sum(entry['status'] == 200 for entry in files)} answered 200, "
        f"queries per file {', '.join(map(str, queries))}; the rows above time a sample."
    )
    return summary + (f" FAILED: {', '.join(failed)}." if failed else "")


def verdict(entry):
    kind = entry["kind"]
    if kind == "floor":
        return ""
    if entry["errors"]:
        return "**ERROR**"
    ok = entry["p95_ms"] <= BUDGET_P95_MS[kind]
    if kind == "search":
        ok = ok and entry["rps"] >= BUDGET_SEARCH_RPS
    return "pass" if ok else "MISS"


def table(pages, floor_rps):
    lines = [
        "| Page | Queries | p50 ms | p95 ms | n | req/s at 16 | ratio to floor | KB | Budget "
        "| Errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for entry in pages:
        ratio = entry["rps"] / floor_rps if floor_rps else float("nan")
        budget = verdict(entry)
        lines.append(
            f"| {entry['name'].strip()} | {entry['queries']} | {entry['p50_ms']:.1f} | "
            f"{entry['p95_ms']:.1f} | {entry['timed']} | {entry['rps']:,.1f} | {ratio:.3f} | "
            f"{entry['kb']:,.0f} | "
            f"{budget} | {entry['errors'] or ''} |"
        )
    return "\n".join(lines)


def machine():
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    return f"{model}, {os.cpu_count()} cores"


def git_label(root):
    result = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    )
    label = result.stdout.strip() or str(root)
    return label if len(label) <= 60 else label[:59].rsplit(" ", 1)[0] + "…"


def write_readme(key, section):
    text = README.read_text() if README.exists() else ""
    if RESULTS_START not in text:
        text = text.rstrip() + f"\n\n## Results\n\n{RESULTS_START}\n{RESULTS_END}\n"
    head, rest = text.split(RESULTS_START, 1)
    body, tail = rest.split(RESULTS_END, 1)
    start, end = f"<!-- run: {key} -->", f"<!-- /run: {key} -->"
    block = f"{start}\n{section}\n{end}"
    if start in body:
        before, after = body.split(start, 1)
        body = before + block + after.split(end, 1)[1]
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    README.write_text(head + RESULTS_START + body.rstrip("\n") + "\n" + RESULTS_END + tail)


def main():
    args = parse_args()
    if args.warmups is None:
        args.warmups = 2 * args.workers
    store = Store(args)
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-scale-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(
        store.env(),
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(store.media_root),
        PRIVATE_MEDIA_ROOT=str(store.originals_root),
        STATIC_ROOT=str(workdir / "static"),
        # Every request rendered: the archive's cost, not the page cache's, is measured.
        PAGE_CACHE_SECONDS="0",
        CACHE_URL="locmem://",
        LOG_LEVEL="WARNING",
    )
    load_before = os.getloadavg()[0]
    try:
        built = ensure_archive(args, store, env)
        if args.build_only:
            return 0
        load_before = os.getloadavg()[0]
        served = {**env, "PYTHONPATH": str(args.root)}
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=args.root,
            env=served,
            check=True,
        )
        found = probe(served, args)
        make_queued_renditions(served, args.root)
        pages = found["pages"]
        headers = [f"Cookie: {found['session_cookie']}={found['session']}"]
        load = load_generator()
        server, port = start_server(served, args.workers, root=args.root, ports=PORTS)
        try:
            for entry in pages:
                print(f"  {entry['name'].strip():<40} {entry['path']}", flush=True)
                measure(entry, port, args, load, headers if entry["kind"] == "admin" else ())
        finally:
            stop_server(server)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    floor = next(entry for entry in pages if entry["kind"] == "floor")
    label = args.label or git_label(args.root)
    database = f"PostgreSQL ({args.db_name})" if store.postgres else f"SQLite ({args.sqlite_path})"
    now = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    section = "\n".join(
        [
            f"### {database}, {args.articles:,} articles / {args.comments:,} comments: {label}",
            "",
            f"{now}. {machine()}. Code: `{args.root}` ({label}). Archive built "
            f"{built.get('built_at')} in {built.get('build_seconds')}s (seed {args.seed}). "
            f"gunicorn {args.workers} workers; {load.__name__}; {args.requests} timed requests "
            f"after {args.warmups} warm-ups; {args.connections} clients for {args.seconds}s. "
            f"Load average {load_before:.1f} before measuring, {os.getloadavg()[0]:.1f} after "
            "(other work on the machine slows every page alike; compare ratios).",
            "",
            table(pages, floor["rps"]),
            "",
            sitemap_summary(found.get("sitemap_files", [])),
        ]
    )
    print("\n" + section)
    if not args.no_readme:
        write_readme(f"{args.database} {args.articles}/{args.comments} {label}", section)
        print(f"\nWritten to {README.relative_to(ROOT)}.")
    if args.json:
        Path(args.json).write_text(json.dumps(pages, indent=2))
    errors = [entry["name"].strip() for entry in pages if entry["errors"]]
    errors += [entry["path"] for entry in found.get("sitemap_files", []) if entry["status"] != 200]
    if errors:
        print(f"\nERRORS on: {', '.join(errors)}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main() or 0)
