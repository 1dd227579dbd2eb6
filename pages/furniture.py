"""What every public page shows around its content: site name, logo, pages, footer.

Read once per page cache generation and kept in the cache, so a page render costs no
query for it in the common case. Any change staff make in the admin starts a new
generation (``newsroom.pagecache.InvalidateOnStaffWriteMiddleware``), which is how a
saved setting or page shows at once: the next render reads them again. Changes made
outside the admin (a shell, a script) show after ``manage.py clear_page_cache``, as for
articles.
"""

import logging
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache

from newsroom import pagecache
from newsroom.caching import remembered

logger = logging.getLogger(__name__)

# Kept this long at most; a new generation replaces it sooner.
SECONDS = 3600


@dataclass(frozen=True)
class PageLink:
    title: str
    url: str


@dataclass(frozen=True)
class Furniture:
    """The values templates get from ``newsroom.context_processors.site``."""

    site_name: str
    site_tagline: str
    logo: object = None  # an articles.Image with its renditions fetched, or None
    contact_email: str = ""
    footer_text: str = ""
    default_section_slug: str = ""
    social_links: tuple = ()
    postal_address: tuple = ()  # (schema.org name, value) pairs
    navigation_pages: tuple = ()
    footer_pages: tuple = ()


def defaults():
    """Return the furniture the server's settings alone give: no database, no cache."""
    return Furniture(site_name=settings.SITE_NAME, site_tagline=settings.SITE_TAGLINE)


def _key():
    return f"site-furniture:{pagecache.generation()}"


def _compute():
    from .models import Page, SiteSettings

    site = SiteSettings.load()
    pages = [
        (PageLink(page.title, page.get_absolute_url()), page.show_in_navigation)
        for page in Page.objects.published().only("title", "slug", "show_in_navigation")
    ]
    return Furniture(
        site_name=site.name,
        site_tagline=site.effective_tagline,
        logo=site.logo,
        contact_email=site.contact_email,
        footer_text=site.footer_text,
        default_section_slug=site.default_section_slug,
        social_links=tuple(site.social_links()),
        postal_address=tuple(site.postal_address().items()),
        navigation_pages=tuple(link for link, in_navigation in pages if in_navigation),
        footer_pages=tuple(link for link, _ in pages),
    )


def current():
    """Return this generation's furniture: from the cache, or read (two queries) and kept."""
    # An unreachable cache costs the two queries on every page, not the page.
    return remembered(_key, _compute, lambda: SECONDS, "the site furniture")


def cached_only():
    """Return the furniture if the cache holds it, else the defaults; never the database.

    For pages rendered while the database is down (``newsroom.outage``). The logo is
    left out: a picture with a missing rendition would queue work in the database.
    """
    try:
        furniture = cache.get(_key())
    except Exception:
        return defaults()
    if furniture is None:
        return defaults()
    return replace(furniture, logo=None)
