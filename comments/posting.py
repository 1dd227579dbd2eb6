"""What happens on "Post Comment": one function, called by the view and by the tests."""

import logging
import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from newsroom import pagecache
from newsroom.client_ip import client_ip

from .forms import CommentForm
from .models import Comment, FollowUpSubscription
from .moderation import author_previously_approved, comments_open, decide_for, decide_status
from .notices import queue_announcements_for

logger = logging.getLogger(__name__)

CLOSED_MESSAGE = "Sorry, comments are closed for this item."
FLOOD_MESSAGE = "You are posting comments too quickly. Slow down."
DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you\u2019ve already said that!"
REUSED_FORM_MESSAGE = "This form was already used to post a comment. Please post again."


@dataclass
class Outcome:
    """The result of a post: a status code, the stored comment, or the form with errors."""

    status_code: int
    form: CommentForm
    comment: Comment | None = None
    headers: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.comment is not None


def _serialise_posts(ip_address, email):
    """Hold a lock on this IP address and email until the transaction ends.

    The flood and duplicate rules read, then write; two posts checked at the same moment
    must not both pass. SQLite already serialises writers (transaction_mode IMMEDIATE);
    PostgreSQL takes an advisory lock per key, in a fixed order so two posts never
    deadlock.
    """
    if connection.vendor != "postgresql":
        return
    keys = sorted({f"comments:ip:{ip_address}", f"comments:email:{email}"})
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _flood_retry_after(ip_address, email, now):
    """Return the seconds to wait if this IP or email posted too recently, else 0."""
    window = settings.COMMENTS_FLOOD_SECONDS
    if not window:
        return 0
    recent = Comment.objects.filter(created__gt=now - timedelta(seconds=window))
    same_sender = recent.filter(email=email)
    if ip_address:
        same_sender = same_sender | recent.filter(ip_address=ip_address)
    latest = same_sender.order_by("-created").values_list("created", flat=True).first()
    if latest is None:
        return 0
    return max(1, math.ceil(window - (now - latest).total_seconds()))


def _queue_moderator_email(comment, request):
    """Ask the task worker to email the moderators about a held comment.

    Never in the request: a mail server that does not answer would hold the reader (and
    a web server worker) for EMAIL_TIMEOUT seconds. Queued after the comment commits, so
    the worker finds it (comments/tasks.py).
    """
    from .tasks import notify_moderators

    site_url = request.build_absolute_uri("/")
    transaction.on_commit(lambda: notify_moderators.enqueue(comment.pk, site_url))


def post_comment(article, data, request):
    """Validate and store a reader's comment on ``article``; return the Outcome.

    The rules run in the order readers are told about them: fields (400), closed (403),
    spam guards (400, or stored as spam), flood (429), duplicate (409), moderation.
    """
    user = request.user if request.user.is_authenticated else None
    is_staff = bool(user and user.is_staff)
    form = CommentForm(article, data, user=user)
    form.is_valid()
    if form.has_field_errors():
        return Outcome(400, form)
    if not comments_open(article):
        form.add_error(None, CLOSED_MESSAGE)
        return Outcome(403, form)
    if form.errors:
        return Outcome(400, form)

    cleaned = form.cleaned_data
    ip_address = client_ip(request)
    email = cleaned["email"]
    comment = Comment(
        article=article,
        parent=cleaned["parent"],
        name=cleaned["author"],
        email=email,
        website=cleaned["url"],
        text=cleaned["comment"],
        ip_address=ip_address,
        # PostgreSQL refuses NUL in text; nothing legitimate sends it in a header.
        user_agent=request.META.get("HTTP_USER_AGENT", "").replace("\x00", "")[:255],
        user=user,
        submission_token=form.token,
        # Its first approval, now or by a moderator, is told to whoever asked.
        awaiting_announcement=True,
    )
    with transaction.atomic():
        _serialise_posts(ip_address, email)
        # A second arrival of the same form (double click, reload) is answered with the
        # comment the first one stored, before the flood rule could refuse it.
        if form.token:
            earlier = Comment.objects.filter(submission_token=form.token).first()
            if earlier is not None:
                return _answer_with_earlier(earlier, comment, form)
        now = timezone.now()
        if not is_staff:
            retry_after = _flood_retry_after(ip_address, email, now)
            if retry_after:
                form.add_error(None, FLOOD_MESSAGE)
                return Outcome(429, form, headers={"Retry-After": str(retry_after)})
        duplicate = Comment.objects.filter(
            article=article,
            parent=comment.parent,
            email=email,
            text=comment.text,
        ).exclude(status=Comment.Status.TRASH)
        if duplicate.exists():
            form.add_error(None, DUPLICATE_MESSAGE)
            return Outcome(409, form)
        if form.honeypot_filled:
            comment.status = Comment.Status.SPAM
        else:
            comment.status = decide_status(
                name=comment.name,
                email=email,
                website=comment.website,
                text=comment.text,
                ip_address=ip_address,
                user_agent=comment.user_agent,
                is_staff=is_staff,
                author_previously_approved=author_previously_approved(comment.name, email),
            )
        if comment.status == Comment.Status.APPROVED:
            # A comment shown at once is no news to its author (the box asks about a
            # wait), and the task worker is troubled only when someone follows the article.
            comment.awaiting_announcement = (
                FollowUpSubscription.objects.active()
                .filter(article=article)
                .exclude(email=email)
                .exists()
            )
        else:
            comment.notify_on_approval = cleaned["notify_approval"]
        try:
            with transaction.atomic():
                comment.save()
        except IntegrityError:
            # Only the token is unique: another request with this form won the race.
            earlier = Comment.objects.filter(submission_token=form.token).first()
            if earlier is None:
                raise
            return _answer_with_earlier(earlier, comment, form)
        if comment.status == Comment.Status.PENDING:
            _queue_moderator_email(comment, request)
        if cleaned["notify_followups"]:
            _subscribe(article, email, active=comment.is_approved)
        if comment.is_approved and comment.awaiting_announcement:
            queue_announcements_for(request, [comment.pk])
    return Outcome(302, form, comment=comment)


def _subscribe(article, email, active):
    """Follow ``article`` for ``email``: at once if its comment is approved, else once it is."""
    subscription, created = FollowUpSubscription.objects.get_or_create(
        article=article, email=email, defaults={"active": active}
    )
    if active and not subscription.active:
        FollowUpSubscription.objects.filter(pk=subscription.pk).update(active=True)


def _answer_with_earlier(earlier, attempt, form):
    """Answer a repeated form with the comment it already stored, or refuse a reused one."""
    if (earlier.article_id, earlier.email, earlier.text) == (
        attempt.article_id,
        attempt.email,
        attempt.text,
    ):
        return Outcome(302, form, comment=earlier)
    # The same form sent again with other words (edited after going back): not a
    # repeat, so not silently dropped; the reader gets a fresh form with their text.
    form.renew_security()
    form.add_error(None, REUSED_FORM_MESSAGE)
    return Outcome(409, form)


# An edit never lifts a comment's status: a reader cannot edit their way out of the spam
# folder, nor past a moderator who held their comment.
STRICTNESS = [Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM]


def edit_own_comment(comment, text, request):
    """Give a reader's own ``comment`` the (cleaned) ``text``, and check it again.

    The moderation rules run on the new text as on a post, the comment not vouching for
    its author (``decide_for``), so a first-time author's approved comment that is
    edited waits for a moderator again, and "approved, then edited into spam" cannot
    happen. Whatever readers saw changes: cached pages are dropped after the commit.
    """
    was_approved = comment.is_approved
    was_pending = comment.status == Comment.Status.PENDING
    comment.text = text
    decided = decide_for(comment)
    comment.status = max(comment.status, decided, key=STRICTNESS.index)
    with transaction.atomic():
        comment.save(update_fields=["text", "status"])
        if was_approved:
            transaction.on_commit(pagecache.invalidate)
        if comment.status == Comment.Status.PENDING and not was_pending:
            _queue_moderator_email(comment, request)
    return comment


def trash_own_comment(comment):
    """Move a reader's own ``comment`` to the trash, where moderators can still see it."""
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).move_to_trash()
        if comment.is_approved:
            transaction.on_commit(pagecache.invalidate)
