"""Work the task worker (``manage.py db_worker``) does for comments, away from readers.

Emailing the moderators talks to a mail server that may be slow, down, or accept a
connection and never answer; a reader's "Post Comment" must not wait for any of that.
The post queues ``notify_moderators`` after it commits, and the worker sends the mail.
django-tasks has no retries of its own, so a failed send queues itself again, later
each time, until ``COMMENTS_NOTIFY_MAX_ATTEMPTS``; the last failure is logged at ERROR.
"""

import logging
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import mail_managers, send_mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import Comment

logger = logging.getLogger(__name__)


def retry_delay(attempt):
    """Return how long to wait after failed attempt number ``attempt`` (1, 2, …)."""
    return timedelta(seconds=settings.COMMENTS_NOTIFY_RETRY_SECONDS * 2 ** (attempt - 1))


@task()
def notify_moderators(comment_id, site_url, attempt=1):
    """Email the moderators about a held comment; on failure, try again later.

    ``site_url`` is the address the reader posted to (``https://news.example.com/``):
    the worker has no request to build the mail's links from.
    """
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.PENDING:
        return "nothing to moderate"  # Deleted or already moderated meanwhile.
    subject, body = moderation_mail(comment, site_url)
    try:
        if settings.COMMENTS_NOTIFY_EMAILS:
            send_mail(subject, body, None, settings.COMMENTS_NOTIFY_EMAILS)
        else:
            mail_managers(subject, body, fail_silently=False)
    except Exception:
        if attempt >= settings.COMMENTS_NOTIFY_MAX_ATTEMPTS:
            logger.exception(
                "Gave up emailing moderators about comment %s after %s attempts.",
                comment_id,
                attempt,
            )
        else:
            run_after = timezone.now() + retry_delay(attempt)
            notify_moderators.using(run_after=run_after).enqueue(comment_id, site_url, attempt + 1)
            logger.warning(
                "Could not email moderators about comment %s (attempt %s of %s); "
                "trying again at %s.",
                comment_id,
                attempt,
                settings.COMMENTS_NOTIFY_MAX_ATTEMPTS,
                run_after.isoformat(timespec="seconds"),
                exc_info=True,
            )
        # The attempt's own result is "failed", with the error, in the admin's task list.
        raise
    return "sent"


def moderation_mail(comment, site_url):
    """Return the subject and body of the email about a held ``comment``."""
    article = comment.article
    subject = f"Comment awaiting moderation on “{article.headline}”"
    body = (
        f"A new comment on “{article.headline}” is waiting for your approval.\n"
        f"{urljoin(site_url, article.get_absolute_url())}\n\n"
        f"Author: {comment.name} (IP address: {comment.ip_address or 'unknown'})\n"
        f"Email: {comment.email}\n"
        f"Website: {comment.website or '—'}\n\n"
        f"Comment:\n{comment.text}\n\n"
        f"Approve, mark as spam or trash it: {urljoin(site_url, comment.get_admin_url())}\n"
        f"All comments awaiting moderation: "
        f"{urljoin(site_url, reverse('admin:comments_comment_changelist'))}\n"
    )
    return subject, body
