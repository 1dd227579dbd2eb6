"""The page cache turned on in each backend it runs on, for tests run once per backend."""

from contextlib import contextmanager

import redis
from django.core.cache import caches

from tests.redis_databases import redis_url

# The suite's own database (NEWSROOM_TEST_REDIS_DB), which every page cache test shares.
REDIS_URL = redis_url(1)
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
FILE = "django.core.cache.backends.filebased.FileBasedCache"
REDIS = "django.core.cache.backends.redis.RedisCache"


@contextmanager
def page_cache_in(settings, backend, name, folder=None):
    """Turn the page cache on in ``backend`` ("locmem", "file" or "redis"), empty.

    ``name`` keeps one test module's in-memory caches apart from another's; ``folder``
    holds the file cache. Redis stands for two app servers sharing pages, and its
    database is emptied again afterwards.
    """
    settings.PAGE_CACHE_SECONDS = 300
    if backend == "locmem":
        settings.CACHES = {
            "default": {"BACKEND": LOCMEM, "LOCATION": f"{name}-pages"},
            "pagecache_meta": {"BACKEND": LOCMEM, "LOCATION": f"{name}-meta"},
        }
    elif backend == "file":
        settings.CACHES = {
            "default": {"BACKEND": FILE, "LOCATION": str(folder / "pages")},
            "pagecache_meta": {"BACKEND": FILE, "LOCATION": str(folder / "pages/generation")},
        }
    else:
        settings.CACHES = {
            "default": {"BACKEND": REDIS, "LOCATION": REDIS_URL},
            "pagecache_meta": {"BACKEND": REDIS, "LOCATION": REDIS_URL},
        }
    for alias in settings.CACHES:
        caches[alias].clear()
    try:
        yield backend
    finally:
        if backend == "redis":
            redis.Redis.from_url(REDIS_URL).flushdb()
