"""Two app servers sharing one database and one Redis page cache.

Each server is a real gunicorn process on its own port (8630–8639), with the page cache
on and ``CACHE_URL`` pointing at Redis database 5, against the test database (the
SQLite file in WAL mode, or the PostgreSQL test database). What an editor does through
one server must show on the other at the next request, although the other had the page
cached.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
from django.db import connection

from comments.models import Comment
from tests.factories import make_article, make_comment, make_user
from tests.redis_databases import redis_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.multiserver]

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = redis_url(0)
PORTS = range(8630, 8640)
EDITOR_PASSWORD = "two-servers-one-cache"
PUBLIC_HOST = "news.example.test"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_ports(count):
    ports = []
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    raise RuntimeError("Fewer than two free ports in 8630-8639.")


def database_environment():
    """Point a server at the database this test writes to (and commits)."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": database["NAME"]}
    credentials = urllib.parse.quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(database["PASSWORD"], safe="")
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    return {"DATABASE_URL": f"postgres://{credentials}@{host}/{database['NAME']}"}


class Server:
    """A gunicorn process serving the site on ``port``."""

    def __init__(self, port, environment, log_path):
        self.port = port
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-w", "1"]
                + ["-b", f"127.0.0.1:{port}", "--log-level", "warning"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group, so stopping it stops its worker too.
                start_new_session=True,
            )

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_until_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url("/robots.txt"), timeout=2):  # noqa: S310
                    return
            # A first answer slower than the timeout (a loaded machine) is a TimeoutError,
            # neither a URLError nor a ConnectionError; all three are OSErrors.
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"Server on {self.port} did not start:\n{self.log()}")

    def log(self):
        return Path(self.log_path).read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def shared_redis():
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    yield store
    store.flushdb()


@pytest.fixture
def two_servers(shared_redis, tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
        "DEBUG": "0",
        "SECRET_KEY": "two-servers-share-this-key-" + "x" * 40,
        "ALLOWED_HOSTS": f"127.0.0.1,{PUBLIC_HOST}",
        "CACHE_URL": REDIS_URL,
        "PAGE_CACHE_SECONDS": "300",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    environment.pop("DATABASE_URL", None)
    environment.update(database_environment())
    servers = []
    try:
        for name, port in zip("AB", free_ports(2), strict=True):
            servers.append(Server(port, environment, tmp_path / f"server-{name}.log"))
        for server in servers:
            server.wait_until_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


def fetch(opener, url, data=None, headers=None):
    """Return (status, headers, body) of a GET, or a POST of ``data``."""
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, body, headers=headers or {})  # noqa: S310 - http only
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def read(server, path):
    """Load ``path`` as a new reader with no cookies, by the site's public name.

    A load balancer sends both servers the same Host, so they share cached pages.
    """
    return fetch(urllib.request.build_opener(), server.url(path), headers={"Host": PUBLIC_HOST})


def log_in(server, username):
    """Log in through the real admin login form; return a browser holding the session."""
    editor = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    status, _, page = fetch(editor, server.url("/admin/login/?next=/admin/"))
    assert status == 200, server.log()
    status, _, page = fetch(
        editor,
        server.url("/admin/login/?next=/admin/"),
        {
            "csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1),
            "username": username,
            "password": EDITOR_PASSWORD,
            "next": "/admin/",
        },
    )
    assert status == 200 and "Log out" in page, page
    return editor


def admin_action(editor, server, changelist, action, pk):
    """Run a bulk action from the changelist as an editor's browser does."""
    _, _, page = fetch(editor, server.url(changelist))
    status, _, page = fetch(
        editor,
        server.url(changelist),
        {
            "csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1),
            "action": action,
            "_selected_action": [pk],
            "index": 0,
        },
    )
    assert status == 200, server.log()
    return page


def assert_cached(server, path, absent):
    """Load ``path`` from ``server`` twice as a new reader; the second is a cache hit."""
    status, headers, _ = read(server, path)
    assert status == 200
    status, headers, page = read(server, path)
    assert (status, headers["X-Page-Cache"]) == (200, "hit"), server.log()
    assert absent not in page


def test_what_an_editor_does_on_one_server_shows_at_once_on_the_other(two_servers, settings):
    # The servers run with Django's default hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_user(username="desk", password=EDITOR_PASSWORD, is_staff=True, is_superuser=True)
    story = make_article(headline="Harbour reopens to ferries")
    draft = make_article(headline="Council votes on the bridge", status="draft")
    held = make_comment(story, text="The ferry timetable is posted.", status="pending")
    server_a, server_b = two_servers
    assert_cached(server_b, "/", absent="Council votes on the bridge")
    assert_cached(server_b, story.get_absolute_url(), absent="The ferry timetable is posted.")

    editor = log_in(server_a, "desk")
    page = admin_action(editor, server_a, "/admin/articles/article/", "publish", draft.pk)
    assert "Published 1 article(s)." in page
    status, headers, page = read(server_b, "/")
    assert (status, headers["X-Page-Cache"]) == (200, "miss")
    assert "Council votes on the bridge" in page

    admin_action(editor, server_a, "/admin/comments/comment/?status=all", "approve", held.pk)
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.APPROVED
    status, headers, page = read(server_b, story.get_absolute_url())
    assert (status, headers["X-Page-Cache"]) == (200, "miss")
    assert "The ferry timetable is posted." in page
    # The page B rendered is the one A serves: they share pages as well as the generation.
    status, headers, page = read(server_a, story.get_absolute_url())
    assert (status, headers["X-Page-Cache"]) == (200, "hit")
    assert "The ferry timetable is posted." in page
