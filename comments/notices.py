"""Email to readers about comments: follow-ups, "your comment is approved", unsubscribing.

Only addresses that asked are written to: a follow-up goes to the subscribers of the
article (``FollowUpSubscription``, made by the "Notify me of follow-up comments" box and
active once one of that address's comments there is approved), and the approval notice
to the author of a comment posted with "Notify me when my comment is approved" ticked.
Each message has one recipient and names no other reader's address. Every message
carries a signed link that unsubscribes in one click (RFC 8058's ``List-Unsubscribe``
and ``List-Unsubscribe-Post`` headers say the same to mail programs).

A comment is announced once, when it is first approved (``Comment.awaiting_announcement``),
whoever approves it: the post itself, or a moderator. Whatever approves comments calls
``queue_announcements`` with their ids; the task worker does the rest
(``comments/tasks.py``), and ids that are not newly approved are simply passed over.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from .models import Comment, FollowUpSubscription

UNSUBSCRIBE_SALT = "comments.unsubscribe"
# What an unsubscribe link stops: follow-ups on one article (a subscription's id), or
# every email about comments to the address of a comment (a comment's id).
FOLLOWUPS = "followups"
EVERYTHING = "all"


def queue_announcements(comment_ids, site_url):
    """Ask the task worker, after this transaction commits, to announce newly approved comments.

    ``site_url`` is the site's address as the request that approved them saw it
    (``request.build_absolute_uri("/")``): the worker has no request to build links from.
    """
    from .tasks import announce_comments

    ids = [int(pk) for pk in comment_ids]
    if ids:
        transaction.on_commit(lambda: announce_comments.enqueue(ids, site_url))


def queue_announcements_for(request, comment_ids):
    """``queue_announcements`` for comments approved in ``request``."""
    queue_announcements(comment_ids, request.build_absolute_uri("/"))


def unsubscribe_token(kind, pk):
    return signing.dumps([kind, pk], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """Return the (kind, id) an unsubscribe link names.

    Raise ``signing.SignatureExpired`` when the link is older than
    ``COMMENTS_UNSUBSCRIBE_DAYS`` and ``signing.BadSignature`` when this site did not make it.
    """
    value = signing.loads(
        token, salt=UNSUBSCRIBE_SALT, max_age=settings.COMMENTS_UNSUBSCRIBE_DAYS * 24 * 60 * 60
    )
    if (
        not isinstance(value, list)
        or len(value) != 2
        or value[0] not in (FOLLOWUPS, EVERYTHING)
        or type(value[1]) is not int
    ):
        raise signing.BadSignature("Not an unsubscribe link.")
    return value[0], value[1]


def unsubscribe_url(site_url, kind, pk):
    return urljoin(site_url, reverse("comments:unsubscribe", args=[unsubscribe_token(kind, pk)]))


def unsubscribe(kind, pk):
    """Stop what an unsubscribe link names; return the article it concerned, or None.

    Doing it twice is harmless: a mail program may send the one-click POST more than once.
    """
    if kind == FOLLOWUPS:
        subscription = FollowUpSubscription.objects.select_related("article").filter(pk=pk).first()
        if subscription is None:
            return None
        subscription.delete()
        return subscription.article
    comment = Comment.objects.select_related("article").filter(pk=pk).first()
    if comment is None:
        return None
    with transaction.atomic():
        FollowUpSubscription.objects.filter(email=comment.email).delete()
        Comment.objects.filter(email=comment.email, notify_on_approval=True).update(
            notify_on_approval=False
        )
    return comment.article


def describe(kind, pk):
    """Return the article an unsubscribe link concerns, or None when nothing is left to stop."""
    if kind == FOLLOWUPS:
        subscription = FollowUpSubscription.objects.select_related("article").filter(pk=pk).first()
        return subscription.article if subscription else None
    comment = Comment.objects.select_related("article").filter(pk=pk).first()
    return comment.article if comment else None


def _message(subject, body, recipient, unsubscribe_link):
    return EmailMessage(
        subject,
        body,
        None,
        [recipient],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def followup_message(subscription, comment, site_url):
    """Return the email telling ``subscription``'s address about ``comment``."""
    article = comment.article
    link = unsubscribe_url(site_url, FOLLOWUPS, subscription.pk)
    body = (
        f"{comment.name} commented on “{article.headline}”:\n\n"
        f"{comment.text}\n\n"
        f"Read it and reply: {urljoin(site_url, comment.get_absolute_url())}\n\n"
        "You get this email because you asked to be notified of follow-up comments on "
        "this article.\n"
        f"Stop these emails: {link}\n"
    )
    return _message(f"New comment on “{article.headline}”", body, subscription.email, link)


def approval_message(comment, site_url):
    """Return the email telling ``comment``'s author that it is approved."""
    article = comment.article
    link = unsubscribe_url(site_url, EVERYTHING, comment.pk)
    body = (
        f"Your comment on “{article.headline}” has been approved and is now on the site:\n"
        f"{urljoin(site_url, comment.get_absolute_url())}\n\n"
        "You get this email, once, because you ticked “Notify me when my comment is "
        "approved”.\n"
        f"Stop all emails about your comments: {link}\n"
    )
    return _message(f"Your comment on “{article.headline}” is published", body, comment.email, link)
