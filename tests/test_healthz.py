"""/healthz: 200 when every service answers, 503 naming what does not; never cached or logged.

The database-down case runs against a PostgreSQL cluster of the test's own, in
tests/test_outage.py. Caches here are real: Django's in-memory cache and Redis (database
10), and a Redis address where nothing listens for the cache that is down.
"""

import logging

import pytest

from bench.pgcluster import free_port
from tests.redis_databases import redis_url

pytestmark = pytest.mark.django_db

REDIS_URL = redis_url(2)


@pytest.fixture(autouse=True)
def media_folder(media_root, private_media_root):
    # An installation makes both folders when it is set up (see the README).
    private_media_root.mkdir(parents=True, exist_ok=True)
    media_root.mkdir(parents=True, exist_ok=True)
    return media_root


def redis_cache(url):
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


def lines(response):
    return response.content.decode().splitlines()


def test_healthy_site_answers_200_listing_every_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert lines(response) == [
        "ok",
        "database: ok",
        "cache default: ok",
        "cache pagecache_meta: ok",
        "storage default: ok",
        "storage originals: ok",
        "task queue default: ok",
    ]


def test_health_check_is_never_cached(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first = client.get("/healthz")
    second = client.get("/healthz")
    for response in (first, second):
        assert "no-store" in response["Cache-Control"]
        assert "X-Page-Cache" not in response


def test_health_check_runs_a_fixed_handful_of_queries(client, django_assert_num_queries):
    # SELECT 1, and one row of the task queue's table.
    with django_assert_num_queries(2):
        client.get("/healthz")


def test_healthy_check_logs_nothing(client, caplog):
    with caplog.at_level(logging.DEBUG, logger="newsroom"):
        with caplog.at_level(logging.INFO, logger="django"):
            assert client.get("/healthz").status_code == 200
    assert [record for record in caplog.records if record.levelno >= logging.INFO] == []


def test_redis_cache_answering_is_healthy(client, settings):
    settings.CACHES = {"default": redis_cache(REDIS_URL), "pagecache_meta": redis_cache(REDIS_URL)}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "cache default: ok" in lines(response)


def test_redis_cache_down_is_a_503_naming_the_cache(client, settings, caplog):
    closed = f"redis://127.0.0.1:{free_port(range(8740, 8750))}/10"
    settings.CACHES = {"default": redis_cache(closed), "pagecache_meta": redis_cache(REDIS_URL)}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert lines(response)[0] == "unavailable: cache default"
    assert "cache default: ConnectionError" in lines(response)
    assert "cache pagecache_meta: ok" in lines(response)
    assert "database: ok" in lines(response)
    # What is down is logged once, with the details the response leaves out.
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "cache default is down" in warnings[0].getMessage()
    assert closed.split("/")[2] in warnings[0].getMessage()


def test_missing_media_folder_is_a_503_naming_the_storage(client, media_folder):
    media_folder.rmdir()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert lines(response)[0] == "unavailable: storage default"
    # The reason names the kind of failure, never a path on the server.
    assert "storage default: FileNotFoundError" in lines(response)
    assert str(media_folder) not in response.content.decode()


def test_missing_originals_folder_is_a_503_naming_the_storage(client, settings, tmp_path):
    # The private originals' folder is checked like the media one.
    settings.STORAGES = {
        **settings.STORAGES,
        "originals": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "missing-originals")},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert lines(response)[0] == "unavailable: storage originals"
    assert "storage default: ok" in lines(response)
