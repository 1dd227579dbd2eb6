"""Values worth keeping in the shared cache, read so that a cache outage never fails a page."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def remembered(key, compute, seconds, what):
    """Return the value kept under ``key()``, or ``compute()`` it and keep it.

    ``seconds()`` says how long to keep a new value; it is asked before ``compute()``,
    so a change it foresees that lands while computing shortens the keep rather than
    being missed. An unreachable cache (Redis down) costs ``compute()`` on every call,
    never the request; ``what`` names the value in the log.
    """
    try:
        name = key()
        value = cache.get(name)
    except Exception:
        logger.exception("Could not read %s from the cache.", what)
        return compute()
    if value is None:
        keep = seconds()
        value = compute()
        try:
            cache.set(name, value, keep)
        except Exception:
            logger.exception("Could not keep %s in the cache.", what)
    return value
