"""What editors pin to the front page: a lead story and an ordered set of top stories."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone


class FrontPagePinQuerySet(models.QuerySet):
    def unexpired(self):
        """Return the pins whose expiry time, if any, is still to come."""
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))

    def showing(self):
        """Return the pins readers see now: unexpired, on an article readers may see.

        Lead first, then top stories by position. The article's rule is
        ``Article.objects.published()``, so a draft, an unpublished or a scheduled
        article's pin shows nothing until (and unless) readers may see the article.
        """
        from .article import Article

        # EXISTS per pin, not "IN (every published id)": SQLite built that list of
        # 100,000 ids on every front page, 45 ms, with no pin at all.
        readable = Article.objects.published().filter(pk=OuterRef("article_id"))
        return self.unexpired().filter(Exists(readable)).order_by("kind", "position", "-pk")

    def next_expiry(self):
        """Return when the next pin expires, or None: the front page changes then."""
        return (
            self.filter(expires_at__gt=timezone.now())
            .order_by("expires_at")
            .values_list("expires_at", flat=True)
            .first()
        )


class FrontPagePin(models.Model):
    """One article an editor has put on the front page, above the automatic blocks."""

    class Kind(models.TextChoices):
        # Sorted by value: "lead" before "top".
        LEAD = "lead", "Lead story"
        TOP = "top", "Top story"

    article = models.OneToOneField(
        "articles.Article",
        verbose_name="article",
        on_delete=models.CASCADE,
        related_name="front_page_pin",
        help_text="Only published articles show; a scheduled one appears when it goes live.",
    )
    kind = models.CharField("place", max_length=10, choices=Kind.choices, default=Kind.TOP)
    position = models.PositiveSmallIntegerField(
        "position", default=0, help_text="Order among the top stories: lower comes first."
    )
    expires_at = models.DateTimeField(
        "unpin at",
        null=True,
        blank=True,
        help_text="Optional. After this time the story leaves the top of the front page.",
    )
    created = models.DateTimeField("pinned", default=timezone.now, editable=False)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pinned by",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FrontPagePinQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "position", "-pk"]
        verbose_name = "front page pin"
        indexes = [
            models.Index(fields=["expires_at"], name="frontpagepin_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"
