"""The breaking-news banner: one short line at the top of every public page.

Readers' pages are cached (newsroom/pagecache.py), so the banner is read once per page
cache generation, not once per page: ``BreakingNews.objects.current()``. Saving one in the
admin starts a new generation (``InvalidateOnStaffWriteMiddleware``), so it shows at
once; its start and expiry are reported to the page cache (``register_next_change``), so
no cached page outlives them, and the template tag checks both again itself.
"""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, models
from django.utils import timezone

from newsroom import pagecache

logger = logging.getLogger(__name__)

# Banners read for one generation, the latest start first: the one showing and the
# scheduled ones after it (a newsroom schedules a handful at most).
CANDIDATES = 10
# However quiet the newsroom, a cached banner list is read again after this long.
CACHE_SECONDS = 3600


def validate_link(value):
    """Accept an address on this site ("/2026/…") or a full http(s) address."""
    if value.startswith("/") and not value.startswith("//"):
        if any(char.isspace() for char in value):
            raise ValidationError("An address on this site cannot contain spaces.")
        return
    URLValidator(
        schemes=["http", "https"],
        message="Enter an address on this site starting with “/”, or a full address "
        "starting with https:// or http://.",
    )(value)


class Shown:
    """What a page needs of a banner: plain values, cheap to keep in the cache."""

    __slots__ = ("text", "link", "starts_at", "expires_at")

    def __init__(self, text, link, starts_at, expires_at):
        self.text = text
        self.link = link
        self.starts_at = starts_at
        self.expires_at = expires_at

    def __getstate__(self):
        return (self.text, self.link, self.starts_at, self.expires_at)

    def __setstate__(self, state):
        self.text, self.link, self.starts_at, self.expires_at = state

    def is_showing(self, now):
        return self.starts_at <= now < self.expires_at


class BreakingNewsQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Return banners switched on that have not expired, the latest start first."""
        now = now or timezone.now()
        return self.filter(is_active=True, expires_at__gt=now).order_by("-starts_at", "-pk")

    def current(self):
        """Return the banners pages may show this generation (see ``showing``), cached.

        One query per page cache generation, shared by every process through the cache.
        """
        key = _cache_key()
        shown = _cache_get(key)
        if shown is None:
            now = timezone.now()
            shown = [
                Shown(text, link, starts_at, expires_at)
                for text, link, starts_at, expires_at in self.upcoming(now).values_list(
                    "text", "link", "starts_at", "expires_at"
                )[:CANDIDATES]
            ]
            if key:
                try:
                    cache.set(key, shown, _seconds_to_keep(shown, now))
                except Exception:
                    logger.exception("Could not keep the breaking-news banner in the cache.")
        return shown

    def showing(self, now=None):
        """Return the banner to show now (the latest started one), or None."""
        now = now or timezone.now()
        return next((shown for shown in self.current() if shown.is_showing(now)), None)

    def next_change_known(self):
        """Return when a banner this generation has read starts or expires, or None.

        For ``pagecache.register_next_change``, called while pages are kept: it reads
        only what the cache holds, never the database. A page that shows the banner has
        read it before it is kept; a page that does not show it does not change with it.
        """
        return _next_change(_cache_get(_cache_key()) or (), timezone.now())


class BreakingNews(models.Model):
    text = models.CharField(
        "text",
        max_length=160,
        help_text="One short line, as readers will see it at the top of every page.",
    )
    link = models.CharField(
        "link",
        max_length=500,
        blank=True,
        validators=[validate_link],
        help_text="Optional: the story it leads to. An address on this site (“/2026/…”) "
        "or a full https:// address. The text becomes the link.",
    )
    starts_at = models.DateTimeField(
        "shows from",
        default=timezone.now,
        help_text="Leave as it is to show it as soon as it is saved.",
    )
    expires_at = models.DateTimeField(
        "expires at",
        help_text="It disappears from every page at this time, by itself.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Untick to take it down before it expires.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = BreakingNewsQuerySet.as_manager()

    class Meta:
        verbose_name = "breaking news banner"
        verbose_name_plural = "breaking news banners"
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"], name="breaking_expires_idx")]

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        if self.starts_at and self.expires_at and self.expires_at <= self.starts_at:
            raise ValidationError({"expires_at": "The banner must expire after it starts."})

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(hours=2)


def _cache_key():
    try:
        return f"breaking:{pagecache.generation()}"
    except Exception:
        # An unreachable cache costs the banner's query on every page, not the page.
        logger.exception("Could not read the page cache generation for the banner.")
        return None


def _cache_get(key):
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:
        logger.exception("Could not read the breaking-news banner from the cache.")
        return None


def _next_change(shown, now):
    moments = [
        moment
        for banner in shown
        for moment in (banner.starts_at, banner.expires_at)
        if moment > now
    ]
    return min(moments, default=None)


def _seconds_to_keep(shown, now):
    upcoming = _next_change(shown, now)
    if upcoming is None:
        return CACHE_SECONDS
    return max(1, min(CACHE_SECONDS, int((upcoming - now).total_seconds()) + 1))


def banner_for_page(cached_only=False):
    """Return the banner to show on the page being rendered, or None; never raises.

    With ``cached_only`` (the 503 page of a database outage) only a banner the cache
    holds is shown, and the database is not asked; a database error also means no
    banner rather than an error page.
    """
    if cached_only:
        now = timezone.now()
        shown = _cache_get(_cache_key()) or ()
        return next((banner for banner in shown if banner.is_showing(now)), None)
    try:
        return BreakingNews.objects.showing()
    except DatabaseError:
        return None
