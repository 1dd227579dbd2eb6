"""A database outage is a 503 with Retry-After; cached pages keep serving; recovery is at once.

The end-to-end tests stop and start a PostgreSQL cluster of their own (bench/pgcluster.py,
on a port in 55440-55449) under a real gunicorn, whichever database the suite runs on:
the machine's PostgreSQL is never stopped. The in-process tests break the suite's own
database connection (SQLite or PostgreSQL) by pointing it somewhere that does not answer.
"""

import os
import subprocess
import sys
import urllib.request

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client

from bench.pgcluster import PostgresCluster, free_port
from newsroom.outage import is_database_unavailable
from tests.factories import make_article
from tests.test_multiserver import ROOT, Server, fetch

CLUSTER_PORTS = range(55440, 55450)
SERVER_PORTS = range(8740, 8750)
PUBLIC_HOST = "news.example.test"


def manage(environment, *args):
    """Run a manage.py command against the site on the own cluster; fail loudly."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def own_cluster():
    cluster = PostgresCluster(CLUSTER_PORTS)
    try:
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def site_environment(own_cluster, tmp_path_factory):
    """The environment of a site on the own cluster, migrated, with one article and a tag."""
    media = tmp_path_factory.mktemp("outage-media")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
        "DEBUG": "0",
        "SECRET_KEY": "outage-tests-" + "x" * 50,
        "ALLOWED_HOSTS": f"127.0.0.1,{PUBLIC_HOST}",
        "DATABASE_URL": own_cluster.url,
        # One worker keeps its pages in memory, so locmem is a shared cache for it.
        "CACHE_URL": "locmem://",
        "PAGE_CACHE_SECONDS": "300",
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(tmp_path_factory.mktemp("outage-originals")),
        "PYTHONPATH": str(ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    manage(environment, "migrate", "--noinput", "-v", "0")
    manage(
        environment,
        "shell",
        "-c",
        "from tests.factories import make_article, make_tag;"
        "tag = make_tag(name='Harbour', slug='harbour');"
        "make_article(headline='Ferry returns', slug='ferry-returns', tags=[tag])",
    )
    return environment


@pytest.fixture
def site(site_environment, own_cluster, tmp_path):
    server = Server(free_port(SERVER_PORTS), site_environment, tmp_path / "gunicorn.log")
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()
        # Whatever a test did to it, the next one starts with the cluster up.
        if not own_cluster.is_running():
            own_cluster.start()


def get(server, path, headers=None):
    return fetch(
        urllib.request.build_opener(),
        server.url(path),
        headers={"Host": PUBLIC_HOST, **(headers or {})},
    )


def assert_outage_page(status, headers, body):
    assert status == 503, body
    assert headers["Retry-After"] == "10"
    assert headers["Cache-Control"] == "no-store"
    assert "<h1>Back in a moment</h1>" in body
    # Styled like the site: the site's stylesheet and header, not a bare error.
    assert '<link rel="stylesheet" href="/static/css/site.css">' in body
    assert 'class="site-header"' in body


def test_database_outage_is_a_503_while_cached_pages_keep_serving(site, own_cluster):
    status, headers, _ = get(site, "/")
    assert (status, headers["X-Page-Cache"]) == (200, "miss")
    assert get(site, "/")[1]["X-Page-Cache"] == "hit"
    assert get(site, "/search/?q=ferry")[0] == 200

    own_cluster.stop()

    status, headers, body = get(site, "/")
    assert (status, headers["X-Page-Cache"]) == (200, "hit")
    assert "Ferry returns" in body
    # A page that needs the database: a search, a tag page never cached, the admin
    # with a session cookie (the session and user are read lazily, inside the view).
    assert_outage_page(*get(site, "/search/?q=ferry"))
    assert_outage_page(*get(site, "/tag/harbour/"))
    assert_outage_page(*get(site, "/admin/", headers={"Cookie": "sessionid=" + "k" * 32}))
    log = site.log()
    assert "Internal Server Error" not in log

    own_cluster.start()

    # The first request after recovery succeeds: the failed connection was dropped.
    status, _, body = get(site, "/search/?q=ferry")
    assert status == 200, body
    assert "Ferry returns" in body
    assert get(site, "/tag/harbour/")[0] == 200


def test_first_request_after_a_restart_succeeds_on_a_kept_connection(site, own_cluster):
    # The worker keeps its connection (CONN_MAX_AGE); a restart kills it server-side.
    assert get(site, "/search/?q=ferry")[0] == 200
    own_cluster.restart()
    status, _, body = get(site, "/search/?q=ferry")
    assert status == 200, body


def test_health_check_names_the_database_while_it_is_down(site, own_cluster):
    status, headers, body = get(site, "/healthz")
    assert status == 200, body
    assert body.splitlines()[0] == "ok"
    assert "no-store" in headers["Cache-Control"]

    own_cluster.stop()

    status, headers, body = get(site, "/healthz")
    assert status == 503
    assert headers["Retry-After"] == "10"
    assert body.splitlines()[0] == "unavailable: database, task queue default"
    assert "cache default: ok" in body.splitlines()
    assert "storage default: ok" in body.splitlines()

    own_cluster.start()
    assert get(site, "/healthz")[0] == 200


@pytest.fixture
def unreachable_database():
    """Point the suite's own connection where no database answers, then back."""
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-folder/newsroom.sqlite3"
    else:
        connection.settings_dict["PORT"] = free_port(SERVER_PORTS)
        connection.settings_dict["OPTIONS"] = {**original.get("OPTIONS", {}), "connect_timeout": 2}
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_is_a_503_and_recovery_is_at_once(unreachable_database):
    browser = Client(raise_request_exception=False)
    response = browser.get("/search/?q=ferry")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Back in a moment" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_reachable_again_database_serves_the_next_request():
    article = make_article(headline="Ferry returns")
    browser = Client(raise_request_exception=False)
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["NAME"] = (
        "/nonexistent-folder/newsroom.sqlite3" if connection.vendor == "sqlite" else "no_such_db"
    )
    try:
        assert browser.get(article.get_absolute_url()).status_code == 503
    finally:
        connection.close()
        connection.settings_dict.update(original)
    response = browser.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Ferry returns" in response.content.decode()


@pytest.mark.django_db
def test_a_query_error_is_not_an_outage():
    # A bug (a missing table) is SQLite's OperationalError and PostgreSQL's
    # ProgrammingError; neither may be dressed up as "back in a moment".
    with pytest.raises((OperationalError, ProgrammingError)) as raised:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
    assert not is_database_unavailable(raised.value)


@pytest.mark.django_db(transaction=True)
def test_a_failed_connection_is_an_outage(unreachable_database):
    with pytest.raises(OperationalError) as raised:
        connection.ensure_connection()
    assert is_database_unavailable(raised.value)
