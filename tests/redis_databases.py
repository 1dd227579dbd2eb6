"""Which Redis databases the suite's Redis tests use, so two suites can run side by side.

Tests that use Redis empty their database (Django's RedisCache.clear() is FLUSHDB), so
two suites on one machine sharing a database break each other's tests. Each suite takes
NEWSROOM_TEST_REDIS_DB (default 5) and the few numbers after it.
"""

import os

FIRST = int(os.environ.get("NEWSROOM_TEST_REDIS_DB", "5"))


def redis_url(offset):
    """Return the address of this suite's Redis database number FIRST + ``offset``."""
    return f"redis://127.0.0.1:6379/{FIRST + offset}"
