"""The site's sections as every page needs them, read once per page cache generation."""

import logging
from typing import NamedTuple

from django.conf import settings
from django.http import Http404

from newsroom import pagecache
from newsroom.caching import remembered

from .models import Section

logger = logging.getLogger(__name__)

# Kept at most this long; any change staff make starts a new generation sooner.
SECTIONS_SECONDS = 3600


class SiteSections(NamedTuple):
    """Every section, in order; those in the navigation; the default one (or None)."""

    all: tuple
    navigation: tuple
    default: Section | None


def site_sections():
    """Return the site's sections: one query per page cache generation, none otherwise.

    Any change staff make (a section renamed, hidden or added) starts a new generation,
    so the masthead is never older than the pages it sits on. Nothing about sections
    changes on a schedule, so unlike list counts (``articles.pagination.cached``) this
    asks no app when content next changes, which would cost queries of its own.
    """
    # An unreachable cache (Redis down) costs this query on every page, not the page.
    return remembered(
        lambda: f"sections:{pagecache.generation()}",
        _read_sections,
        lambda: SECTIONS_SECONDS,
        "the sections",
    )


# Where editors may choose the default section without a deploy (pages.SiteSettings
# registers itself in pages/apps.py); articles does not import the apps that build on it.
_default_slug_sources = []


def register_default_section_source(source):
    """Let ``source()`` name the default section's slug; a blank answer means "not set"."""
    _default_slug_sources.append(source)


def default_section_slug():
    """Return the slug of the section articles without one show under.

    What editors set (a registered source, such as the site settings), else the
    NEWS_DEFAULT_SECTION setting.
    """
    for source in _default_slug_sources:
        slug = source()
        if slug:
            return slug
    return settings.NEWS_DEFAULT_SECTION


def find_section(slug):
    """Return the section with ``slug`` from ``site_sections``, or raise Http404."""
    for section in site_sections().all:
        if section.slug == slug:
            return section
    raise Http404("No such section.")


def _read_sections():
    sections = tuple(Section.objects.all())
    # Asked once, and only when there is a section to pick: the site settings behind
    # it cost queries when the cache is down.
    default_slug = default_section_slug() if sections else None
    return SiteSections(
        all=sections,
        navigation=tuple(section for section in sections if section.show_in_navigation),
        default=next((section for section in sections if section.slug == default_slug), None),
    )
