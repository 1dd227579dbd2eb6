"""Count article reads in this process's memory; hand them to the task worker in batches.

What is counted: a 200 answer to a GET of a page the article view labelled
``("article", pk)`` (``pagecache.label_page``), cached or rendered, unless the request
looks automated: a User-Agent naming a crawler or a script (or none at all), or a
browser's prefetch (``Purpose``/``Sec-Purpose: prefetch``). HEAD requests are not reads,
and neither are staff (the only visitors with a session) reading their own site.

What is kept: the article's id and the hour, with a number. No cookie is read or set, no
address, User-Agent or anything else about the reader is stored anywhere, in memory
or in the database.

Why in memory: a read must cost next to nothing, cached hits included (a shared-cache
increment is a network round trip per page). Each process adds its counts to the
database through the task worker (``tasks.record_reads``) every
``MOST_READ_FLUSH_SECONDS`` or ``MOST_READ_FLUSH_READS`` reads, whichever comes first:
one queued task per batch, never a write per read. The price: a process that stops
loses the reads it has not handed over yet (at most those few seconds' worth), and a
process with no more traffic hands over its last counts with its next read.
"""

import logging
import threading
import time
from collections import Counter

from django.conf import settings

logger = logging.getLogger(__name__)

# Crawlers, link previews, monitors and scripts name themselves; browsers do not. Looked
# for as plain substrings of the lower-cased User-Agent: a dozen C-speed scans cost a
# fraction of one case-insensitive regular expression with as many alternatives.
AUTOMATED_AGENT_WORDS = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "archiver",
    "curl",
    "wget",
    "python",
    "httpclient",
    "http-client",
    "okhttp",
    "java/",
    "libwww",
    "scrapy",
    "headless",
    "lighthouse",
    "facebookexternalhit",
    "monitor",
    "check",
)
ARTICLE = "article"


def is_automated(request):
    """Return True for requests that are not a person reading: crawlers, prefetches, HEAD."""
    if request.method != "GET":
        return True
    meta = request.META
    agent = meta.get("HTTP_USER_AGENT", "").lower()
    if not agent or any(word in agent for word in AUTOMATED_AGENT_WORDS):
        return True
    for header in ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ"):
        value = meta.get(header)
        if value and ("prefetch" in value or "preview" in value):
            return True
    return False


class ReadCounter:
    """Reads counted by this process, by (article id, hour number), until handed over."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.reads = 0
        self.handed_over_at = time.time()

    def add(self, article_id):
        hour = int(time.time()) // 3600
        with self.lock:
            self.counts[(article_id, hour)] += 1
            self.reads += 1
            due = (
                self.reads >= settings.MOST_READ_FLUSH_READS
                or time.time() - self.handed_over_at >= settings.MOST_READ_FLUSH_SECONDS
            )
            batch = self._take() if due else None
        if batch:
            self._hand_over(batch)

    def flush(self):
        """Hand every count to the task worker now; return how many reads were handed over."""
        with self.lock:
            batch = self._take()
        if batch:
            self._hand_over(batch)
        return sum(reads for _, _, reads in batch)

    def pending(self):
        """Return the counts not handed over yet, as {(article id, hour number): reads}."""
        with self.lock:
            return dict(self.counts)

    def clear(self):
        with self.lock:
            self._take()

    def _take(self):
        batch = [[article, hour, reads] for (article, hour), reads in self.counts.items()]
        self.counts = Counter()
        self.reads = 0
        self.handed_over_at = time.time()
        return batch

    def _hand_over(self, batch):
        from .tasks import record_reads

        try:
            record_reads.enqueue(batch)
        except Exception:
            # The database is away (an outage, while cached pages are still served):
            # keep the counts for the next attempt rather than lose them.
            logger.exception("Could not queue %d counted reads; keeping them.", len(batch))
            with self.lock:
                for article, hour, reads in batch:
                    self.counts[(article, hour)] += reads


read_counter = ReadCounter()


def count_read(request, label):
    """Count a read of an article page (a ``pagecache`` page observer)."""
    if (
        type(label) is tuple
        and label[0] == ARTICLE
        # Only staff have a session: the newsroom reading its own pages is not a reader.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not is_automated(request)
    ):
        read_counter.add(label[1])
