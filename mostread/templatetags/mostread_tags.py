import logging

from django import template
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from newsroom import pagecache

from ..models import most_read

logger = logging.getLogger(__name__)
register = template.Library()


def most_read_links():
    """Return [(headline, address), …] of the most read articles, cached.

    Read once per page cache generation, and again at most every
    ``MOST_READ_CACHE_SECONDS``: reads reach the database in batches anyway, and a page
    that holds the list is cached for up to ``PAGE_CACHE_SECONDS`` with it.
    """
    try:
        key = f"mostread:{pagecache.generation()}"
        links = cache.get(key)
    except Exception:
        logger.exception("Could not read the most-read list from the cache.")
        key = links = None
    if links is None:
        links = [(article.headline, article.get_absolute_url()) for article in most_read()]
        if key is not None:
            try:
                cache.set(key, links, settings.MOST_READ_CACHE_SECONDS)
            except Exception:
                logger.exception("Could not keep the most-read list in the cache.")
    return links


@register.inclusion_tag("mostread/_list.html")
def most_read_list():
    """Render "Most read": the five articles read most in the last 24 hours, if any."""
    try:
        links = most_read_links()
    except DatabaseError:
        links = []
    return {"most_read": links}
