"""What readers get while PostgreSQL restarts, or is down for a while, under load.

Makes a PostgreSQL cluster of its own (bench/pgcluster.py, port 55440-55449; the
machine's server is never touched), migrates a site into it with one article, serves it
with gunicorn (page cache off, so every request needs the database), and keeps CLIENTS
readers requesting a page that needs the database while the cluster is restarted
(``--scenario restart``: ``pg_ctl restart -m fast``) or stopped for ``--down`` seconds and
started again (``--scenario outage``). Prints the answers by status, and how long after
the database was back the first page was served.

    .venv/bin/python bench/outage.py --scenario restart
    .venv/bin/python bench/outage.py --scenario outage --down 10
    # The same against another checkout of the code (say, before a change):
    git archive COMMIT | tar -x -C /tmp/before && \\
        .venv/bin/python bench/outage.py --app-dir /tmp/before
"""

import argparse
import collections
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pgcluster import PostgresCluster, free_port  # noqa: E402

CLUSTER_PORTS = range(55440, 55450)
SERVER_PORTS = range(8740, 8750)
PAGE = "/search/?q=ferry"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("restart", "outage"), default="restart")
    parser.add_argument("--down", type=float, default=10, help="seconds down (outage)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent readers")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the code to serve")
    return parser.parse_args()


def site_environment(app_dir, cluster, media):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
        "DEBUG": "0",
        "SECRET_KEY": "outage-bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": cluster.url,
        "CACHE_URL": "locmem://",
        "PAGE_CACHE_SECONDS": "0",
        "MEDIA_ROOT": str(media),
        "PYTHONPATH": str(app_dir),
        "LOG_LEVEL": "CRITICAL",
    }


def manage(app_dir, environment, *args):
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=app_dir, env=environment, check=True
    )


class Readers:
    """CLIENTS threads requesting PAGE in a loop, noting (time sent, status) of every answer."""

    def __init__(self, port, clients):
        self.port = port
        self.answers = []
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self.read, daemon=True) for _ in range(clients)]

    def read(self):
        while self.running:
            # Noted by when the request was sent: the database's state it met.
            sent = time.monotonic()
            try:
                conversation = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conversation.request("GET", PAGE)
                response = conversation.getresponse()
                response.read()
                status = response.status
                conversation.close()
            except OSError as error:
                status = type(error).__name__
            with self.lock:
                self.answers.append((sent, status))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        for thread in self.threads:
            thread.join(timeout=35)


def main():
    arguments = parse_arguments()
    cluster = PostgresCluster(CLUSTER_PORTS)
    server = None
    try:
        cluster.start()
        cluster.create_database()
        media = Path(tempfile.mkdtemp(prefix="newsroom-outage-media-"))
        environment = site_environment(arguments.app_dir, cluster, media)
        manage(arguments.app_dir, environment, "migrate", "--noinput", "-v", "0")
        manage(
            arguments.app_dir,
            environment,
            "shell",
            "-c",
            "from tests.factories import make_article; make_article(headline='Ferry returns')",
        )
        port = free_port(SERVER_PORTS)
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-w", str(arguments.workers)]
            + ["-b", f"127.0.0.1:{port}", "--log-level", "critical"],
            cwd=arguments.app_dir,
            env=environment,
            start_new_session=True,
        )
        time.sleep(3)
        with Readers(port, arguments.clients) as readers:
            time.sleep(3)
            began = time.monotonic()
            if arguments.scenario == "restart":
                cluster.restart()
            else:
                cluster.stop()
                time.sleep(arguments.down)
                cluster.start()
            back = time.monotonic()
            time.sleep(5)
        answers = readers.answers
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        cluster.destroy()

    during = [status for when, status in answers if when >= began]
    counts = collections.Counter(during)
    first_after = next(
        (when - back for when, status in answers if when >= back and status == 200), None
    )
    failures = [when for when, status in answers if when >= began and status != 200]
    print(f"code: {arguments.app_dir}")
    print(
        f"scenario: {arguments.scenario}"
        + (f" ({arguments.down:g} s down)" if arguments.scenario == "outage" else "")
        + f", {arguments.clients} readers, {arguments.workers} gunicorn workers, GET {PAGE}"
    )
    print(f"database unavailable for {back - began:.1f} s (from the stop to pg_ctl's 'started')")
    print(
        "answers from the stop on: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=str))
    )
    if failures:
        print(f"non-200 window: {failures[-1] - failures[0]:.1f} s")
    if first_after is not None:
        print(f"first 200 after the database was back: {first_after:.2f} s")
    non_200_after = sum(1 for when, status in answers if when >= back and status != 200)
    print(f"non-200 answers after the database was back: {non_200_after}")


if __name__ == "__main__":
    main()
