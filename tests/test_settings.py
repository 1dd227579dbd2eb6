"""The settings a newcomer and an operator rely on, checked against the real database."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from articles.models import Tag

ROOT = Path(settings.BASE_DIR)
# Variables of the test run that must not reach the settings under test; the browser
# tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy refuses.
INHERITED = {"DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _settings_in_subprocess(module, env, expression):
    """Import a settings module in a fresh interpreter and return ``expression`` as JSON."""
    clean_env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    clean_env.update(env)
    code = f"import json, {module} as s; print(json.dumps({expression}, default=str))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env, capture_output=True, text=True
    )
    return result


def test_sqlite_default_uses_wal_and_immediate_transactions():
    result = _settings_in_subprocess("newsroom.settings.dev", {}, "s.DATABASES['default']")
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_database_url_switches_to_postgres_with_health_checks():
    result = _settings_in_subprocess(
        "newsroom.settings.dev",
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/newsroom"},
        "s.DATABASES['default']",
    )
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] > 0


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _settings_in_subprocess(
        "newsroom.settings.prod", {"ALLOWED_HOSTS": "news.example.com"}, "s.DEBUG"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    result = _settings_in_subprocess(
        "newsroom.settings.prod", {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": ""}, "s.DEBUG"
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_pass_the_deploy_check():
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings.prod",
        SECRET_KEY="k" * 30 + "Zq9!" * 8,
        ALLOWED_HOSTS="news.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues (1 silenced)" in result.stdout


def test_bad_boolean_setting_is_a_clear_error():
    result = _settings_in_subprocess("newsroom.settings.dev", {"DEBUG": "maybe"}, "s.DEBUG")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


@pytest.mark.django_db
def test_active_sqlite_connection_runs_in_wal_mode():
    if connection.vendor != "sqlite":
        # On PostgreSQL the same question is about persistent connections.
        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


@pytest.mark.django_db(transaction=True)
def test_concurrent_read_then_write_transactions_do_not_fail():
    """Eight writers that each read then write at once all succeed ("database is locked" never)."""
    errors = []
    barrier = threading.Barrier(8)

    def writer(number):
        try:
            barrier.wait()
            for step in range(5):
                with transaction.atomic():
                    Tag.objects.count()
                    Tag.objects.create(name=f"t{number}-{step}", slug=f"t{number}-{step}")
        except Exception as error:  # Collected so the main thread can report it.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Tag.objects.count() == 40


def test_cache_url_redis_selects_djangos_redis_cache_for_pages_and_generation():
    result = _settings_in_subprocess(
        "newsroom.settings.dev", {"CACHE_URL": "redis://cache.internal:6379/3"}, "s.CACHES"
    )
    caches = json.loads(result.stdout)
    for alias in ("default", "pagecache_meta"):
        assert caches[alias]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert caches[alias]["LOCATION"] == "redis://cache.internal:6379/3"
        assert caches[alias]["OPTIONS"]["socket_timeout"] == 1


def test_the_file_cache_keeps_the_generation_out_of_the_pages_folder(tmp_path):
    result = _settings_in_subprocess(
        "newsroom.settings.dev", {"CACHE_URL": f"file://{tmp_path}"}, "s.CACHES"
    )
    caches = json.loads(result.stdout)
    assert caches["default"]["LOCATION"] == str(tmp_path)
    assert caches["pagecache_meta"]["LOCATION"] == str(tmp_path / "generation")


def test_an_unknown_cache_url_is_a_clear_error():
    result = _settings_in_subprocess(
        "newsroom.settings.dev", {"CACHE_URL": "memcached://x"}, "s.CACHES"
    )
    assert result.returncode != 0
    assert "CACHE_URL must start with" in result.stderr
