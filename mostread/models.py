"""Reads of each article, summed by the hour: nothing about who read it.

A row is (article, hour, views). Reads are counted in each process's memory
(``mostread.counting``) and added here in batches by the task worker
(``mostread.tasks.record_reads``), never one write per page view.
"""

from datetime import UTC, datetime

from django.db import models, transaction
from django.db.models import F, Sum
from django.utils import timezone

from articles.models import Article

# How many articles "Most read" lists, and over how many hourly buckets (the current,
# partly counted hour and the 23 before it).
LIST_LENGTH = 5
WINDOW_HOURS = 24


def hour_number(moment):
    """Return the hour ``moment`` falls in, counted from the Unix epoch (UTC)."""
    return int(moment.timestamp()) // 3600


def hour_start(number):
    """Return the aware start of hour ``number`` (see ``hour_number``)."""
    return datetime.fromtimestamp(number * 3600, tz=UTC)


class HourlyReadsQuerySet(models.QuerySet):
    def add(self, counts):
        """Add ``counts`` ([article id, hour number, reads], …) to the hourly totals.

        Safe with several workers at once: every row is made first (an existing one is
        left alone), then each is incremented in the database. Reads of articles deleted
        since are dropped.
        """
        totals = {}
        for article_id, hour, reads in counts:
            key = (int(article_id), hour_start(int(hour)))
            totals[key] = totals.get(key, 0) + int(reads)
        existing = set(
            Article.objects.filter(pk__in={article for article, _ in totals}).values_list(
                "pk", flat=True
            )
        )
        totals = {key: reads for key, reads in totals.items() if key[0] in existing}
        with transaction.atomic():
            self.bulk_create(
                [HourlyReads(article_id=article, hour=hour) for article, hour in totals],
                ignore_conflicts=True,
            )
            for (article, hour), reads in totals.items():
                self.filter(article_id=article, hour=hour).update(views=F("views") + reads)
        return sum(totals.values())

    def older_than(self, moment):
        return self.filter(hour__lt=moment)


class HourlyReads(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="hourly_reads", verbose_name="article"
    )
    hour = models.DateTimeField("hour", help_text="The start of the hour the reads fall in.")
    views = models.PositiveIntegerField("reads", default=0)

    objects = HourlyReadsQuerySet.as_manager()

    class Meta:
        verbose_name = "hourly reads"
        verbose_name_plural = "hourly reads"
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="mostread_one_row_an_hour")
        ]
        # "Most read" reads a range of hours and sums by article: all in this index.
        indexes = [models.Index(fields=["hour", "article", "views"], name="mostread_hour_idx")]

    def __str__(self):
        return f"{self.article_id} at {self.hour:%Y-%m-%d %H:00}: {self.views}"


def most_read(now=None, length=LIST_LENGTH):
    """Return the published articles read most in the last ``WINDOW_HOURS`` hours.

    One query: the window's buckets joined to published articles, summed, the most
    read first (ties: the newer article first).
    """
    return list(
        Article.objects.published()
        .filter(hourly_reads__hour__gte=window_start(now))
        .annotate(recent_reads=Sum("hourly_reads__views"))
        .only("headline", "slug", "published_at")
        .order_by("-recent_reads", "-published_at", "-pk")[:length]
    )


def window_start(now=None):
    """Return the start of the oldest hour ``most_read`` counts."""
    return hour_start(hour_number(now or timezone.now()) - (WINDOW_HOURS - 1))
