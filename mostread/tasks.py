"""Work the task worker (``manage.py db_worker``) does for "Most read"."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .models import HourlyReads


@task()
def record_reads(counts):
    """Add a process's counted reads ([article id, hour number, reads], …) to the totals.

    Also drops hourly rows older than ``MOST_READ_KEEP_DAYS``: "Most read" needs a day.
    """
    added = HourlyReads.objects.add(counts)
    cutoff = timezone.now() - timedelta(days=settings.MOST_READ_KEEP_DAYS)
    HourlyReads.objects.older_than(cutoff).delete()
    return added
