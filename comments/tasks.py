"""Work the task worker (``manage.py db_worker``) does for comments, away from readers.

Emailing the moderators talks to a mail server that may be slow, down, or accept a
connection and never answer; a reader's "Post Comment" must not wait for any of that.
The post queues ``notify_moderators`` after it commits, and the worker sends the mail.
django-tasks has no retries of its own, so a failed send queues itself again, later
each time, until ``COMMENTS_NOTIFY_MAX_ATTEMPTS``; the last failure is logged at ERROR.

Readers' emails (``comments/notices.py``) go the same way: ``announce_comments`` finds
who is to hear of a newly approved comment and queues one task per message, so a
failed message is retried alone and no message names more than one reader.
"""

import logging
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import mail_managers, send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from . import notices
from .models import Comment, FollowUpSubscription

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


@task()
def announce_comments(comment_ids, site_url):
    """Queue the emails due for each newly approved comment in ``comment_ids``.

    Each comment is claimed (``awaiting_announcement`` cleared) in the same transaction
    that queues its emails, so two workers, or the same ids queued twice, announce it
    once. Its author's follow-up subscription on the article becomes active (the
    comment is approved, so the address is the author's to give), and every other
    active subscriber gets a follow-up.
    """
    queued = 0
    for comment_id in comment_ids:
        with transaction.atomic():
            claimed = Comment.objects.filter(
                pk=comment_id, status=Comment.Status.APPROVED, awaiting_announcement=True
            ).update(awaiting_announcement=False)
            if not claimed:
                continue  # Not approved, or announced already.
            comment = Comment.objects.only("article", "email", "notify_on_approval").get(
                pk=comment_id
            )
            subscriptions = FollowUpSubscription.objects.filter(article_id=comment.article_id)
            subscriptions.filter(email=comment.email).update(active=True)
            if comment.notify_on_approval:
                send_approval_notice.enqueue(comment_id, site_url)
                queued += 1
            for subscription_id in (
                subscriptions.active().exclude(email=comment.email).values_list("pk", flat=True)
            ):
                send_followup.enqueue(subscription_id, comment_id, site_url)
                queued += 1
    return f"queued {queued} email(s)"


@task()
def send_followup(subscription_id, comment_id, site_url, attempt=1):
    """Email one subscriber about a new comment; on failure, try again later."""
    subscription = FollowUpSubscription.objects.active().filter(pk=subscription_id).first()
    comment = _approved_comment(comment_id)
    if subscription is None or comment is None:
        return "nothing to send"  # Unsubscribed, or the comment was taken down meanwhile.
    message = notices.followup_message(subscription, comment, site_url)
    _send_or_retry(
        message, send_followup, (subscription_id, comment_id, site_url), attempt, "a follow-up"
    )
    return "sent"


@task()
def send_approval_notice(comment_id, site_url, attempt=1):
    """Email a comment's author that it is approved; on failure, try again later."""
    comment = _approved_comment(comment_id)
    if comment is None or not comment.notify_on_approval:
        return "nothing to send"  # Unapproved again, or the author unsubscribed meanwhile.
    message = notices.approval_message(comment, site_url)
    _send_or_retry(
        message, send_approval_notice, (comment_id, site_url), attempt, "an approval notice"
    )
    return "sent"


def _approved_comment(comment_id):
    return (
        Comment.objects.approved()
        .select_related("article")
        # The article's body and its text copy are not in a reader's email.
        .defer("article__body", "article__body_text")
        .filter(pk=comment_id)
        .first()
    )


def _send_or_retry(message, task_to_retry, args, attempt, what):
    """Send ``message``; on failure queue ``task_to_retry`` with ``args`` again, later."""
    try:
        message.send()
    except Exception:
        if attempt >= settings.COMMENTS_NOTIFY_MAX_ATTEMPTS:
            logger.exception("Gave up sending %s %s after %s attempts.", what, args, attempt)
        else:
            run_after = timezone.now() + retry_delay(attempt)
            task_to_retry.using(run_after=run_after).enqueue(*args, attempt + 1)
            logger.warning(
                "Could not send %s %s (attempt %s of %s); trying again at %s.",
                what,
                args,
                attempt,
                settings.COMMENTS_NOTIFY_MAX_ATTEMPTS,
                run_after.isoformat(timespec="seconds"),
                exc_info=True,
            )
        raise
