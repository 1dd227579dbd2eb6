"""Renditions a page needs that nobody has made yet: the task worker makes them.

Why: making the renditions of a large photo takes seconds and hundreds of megabytes; a
reader's request must never pay for that (and a list page of pictures without renditions
would pay it ten times). A page shows the renditions that exist. A picture that has none
yet for the shape the page wants is left out of that page, and its id is noted; after the
response, one task asks the worker to make them all (``articles.tasks.make_renditions``).
The page cache does not keep such a page, so the next reader after the worker is done
gets the picture.

Outside a request (a management command, a shell), a missing rendition is queued at once.
Uploads (the Image admin, the editor) queue their new picture the same way, after commit.
"""

import contextvars
import logging

from django.core.cache import cache
from django.db import transaction

from newsroom import pagecache

logger = logging.getLogger(__name__)

# How long one queued request for an image's renditions stands: readers viewing the page
# meanwhile queue nothing more. Long enough for a busy worker, short enough that a
# request lost with a crashed worker is made again.
QUEUED_SECONDS = 10 * 60

_missing = contextvars.ContextVar("missing_renditions", default=None)


def note_missing(image):
    """Remember that a page left ``image`` out for want of renditions."""
    pagecache.do_not_store()
    pending = _missing.get()
    if pending is None:
        queue([image.pk])
    else:
        pending.add(image.pk)


def queue(image_ids, again=False):
    """Ask the worker to make every standard rendition of these images, once.

    ``again`` queues them even if they were queued lately: a new upload, or crops
    discarded for a new focal point, need a run that starts after the change.
    """
    from .tasks import make_renditions

    try:
        if again:
            cache.set_many({f"renditions:queued:{pk}": 1 for pk in image_ids}, QUEUED_SECONDS)
            fresh = sorted(image_ids)
        else:
            fresh = [
                pk
                for pk in sorted(image_ids)
                if cache.add(f"renditions:queued:{pk}", 1, QUEUED_SECONDS)
            ]
    except Exception:
        # An unreachable cache (Redis down) cannot say what is queued: queue them all
        # rather than leave the pictures out until it is back.
        logger.exception("Could not check which renditions are queued.")
        fresh = sorted(image_ids)
    if fresh:
        # After the surrounding transaction (if any) commits: the worker must find the rows.
        transaction.on_commit(lambda: make_renditions.enqueue(fresh))


class QueueMissingRenditionsMiddleware:
    """Collect the pictures a response left out, and queue them in one task after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _missing.set(set())
        try:
            response = self.get_response(request)
            pending = _missing.get()
        finally:
            _missing.reset(token)
        if pending:
            queue(pending)
        return response
