import ipaddress
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import Count, Q, Window
from django.urls import reverse

from .threads import rethread


def _key_from(created, pk):
    """Return the condition "at or after (created, pk)" in reading order."""
    return Q(created__gt=created) | Q(created=created, pk__gte=pk)


def _key_before(created, pk):
    """Return the condition "before (created, pk)" in reading order."""
    return Q(created__lt=created) | Q(created=created, pk__lt=pk)


class CommentQuerySet(models.QuerySet):
    # Shown, as "awaiting moderation", to the browser that posted them.
    HELD_SHOWN_TO_AUTHOR = ["pending", "spam"]

    def approved(self):
        """Return the comments every reader sees."""
        return self.filter(status=Comment.Status.APPROVED)

    def in_moderation(self):
        """Return the comments waiting for a moderator."""
        return self.filter(status=Comment.Status.PENDING)

    def visible_to(self, own_ids=()):
        """Return approved comments, plus those of ``own_ids`` that wait for moderation.

        A reader's own held comment is shown to them alone, as "awaiting moderation";
        one filed as spam is shown the same way, so a spammer cannot tell the difference.
        """
        own_ids = list(own_ids)
        if not own_ids:
            return self.approved()
        return self.filter(
            Q(status=Comment.Status.APPROVED)
            | Q(status__in=self.HELD_SHOWN_TO_AUTHOR, pk__in=own_ids)
        )

    def count_up_to(self, cap):
        """Return the number of these comments, counting no further than ``cap + 1``.

        The moderation screens show "1,000+" rather than scan a million rows to say how
        many more there are.
        """
        return self.order_by()[: cap + 1].count()

    def estimated_count(self):
        """Return PostgreSQL's planner estimate of the number of these comments, or None.

        Costs a plan, not a scan; other databases have no estimate to offer.
        """
        connection = connections[self.db]
        if connection.vendor != "postgresql":
            return None
        sql, params = self.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def moderator_search(self, term):
        """Return the comments a moderator's search names, found on an index.

        An IP address matches exactly, anything with an "@" is an exact email address
        (stored lower-case), anything else is the start of the name, in any case. No
        search through the text: on a million comments that is a scan of every row.
        """
        term = term.strip()
        try:
            address = ipaddress.ip_address(term)
        except ValueError:
            address = None
        if address is not None:
            return self.filter(ip_address=str(address))
        if "@" in term:
            return self.filter(email=term.lower())
        return self.filter(name__istartswith=term)

    def thread_starts(self):
        """Return the approved comments that head a thread: those not shown as a reply.

        Ordered as readers see them; served by ``comment_thread_start_idx``.
        """
        return self.approved().filter(thread_root=None).order_by("created", "pk")

    def page_of_threads(self, article, number, per_page, own_ids=()):
        """Return the comments shown on page ``number`` of ``article``'s threads, and the
        number of threads.

        Two queries, neither touching a comment that is not shown: the page's thread
        starts with the count of them, read from ``comment_thread_start_idx`` alone (the
        OFFSET steps over this article's index entries, never rows); then, by primary
        key and ``thread_root``, those threads' visible comments and the reader's own
        held comments that head threads, each slotted into the page whose span holds
        its date. Only approved thread starts are counted: held ones never add a page.
        """
        offset = (number - 1) * per_page
        # One more than a page: the next page's first start bounds this page's span.
        keys = list(
            self.filter(article=article)
            .thread_starts()
            .annotate(total=Window(Count("pk")))
            .values_list("pk", "created", "total")[offset : offset + per_page + 1]
        )
        total = keys[0][2] if keys else 0
        page_ids = [pk for pk, _created, _total in keys[:per_page]]
        # One OR of branches that each start on an index (primary key, thread_root), so
        # SQLite and PostgreSQL both read only these rows. No condition on the article
        # outside them: PostgreSQL would read all of the article's entries to apply it.
        shown = Q(pk__in=page_ids) | Q(thread_root__in=page_ids, status=self.model.Status.APPROVED)
        own_ids = list(own_ids)
        if own_ids:
            # The reader's held comments: replies in these threads, and thread starts
            # whose date falls in this page's span.
            own_starts = Q(article=article, thread_root=None)
            if number > 1 and page_ids:
                first_pk, first_created, _total = keys[0]
                own_starts &= _key_from(first_created, first_pk)
            if len(keys) > per_page:
                next_pk, next_created, _total = keys[per_page]
                own_starts &= _key_before(next_created, next_pk)
            shown |= Q(pk__in=own_ids, status__in=self.HELD_SHOWN_TO_AUTHOR) & (
                Q(thread_root__in=page_ids) | own_starts
            )
        elif not page_ids:
            return [], total
        # What a page shows of each comment; not the email, address, browser or token.
        shown_fields = ["article", "parent", "thread_root", "status", "name", "website"]
        return list(self.filter(shown).only(*shown_fields, "text", "created")), total

    def thread_starts_up_to(self, comment):
        """Return how many approved thread starts come no later than ``comment``."""
        return (
            self.thread_starts()
            .filter(Q(created__lt=comment.created) | Q(created=comment.created, pk__lte=comment.pk))
            .count()
        )

    # The moderation actions: one UPDATE of the statuses and one of the threads below
    # them, whatever the number of comments.
    def set_status(self, status):
        """Give these comments ``status``; re-thread the replies below them first.

        A reply shows under its parent only while the parent is approved, so
        ``thread_root`` below each comment depends on its status (see ``rethread``).
        """
        with transaction.atomic(using=self.db):
            rethread(self, status)
            return self.update(status=status)

    def approve(self):
        return self.set_status(Comment.Status.APPROVED)

    def unapprove(self):
        return self.set_status(Comment.Status.PENDING)

    def mark_spam(self):
        return self.set_status(Comment.Status.SPAM)

    def move_to_trash(self):
        return self.set_status(Comment.Status.TRASH)

    def delete(self):
        # Their replies lose their parent (SET_NULL) and start threads of their own.
        with transaction.atomic(using=self.db):
            rethread(self, None)
            return super().delete()

    delete.alters_data = True
    delete.queryset_only = True


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    article = models.ForeignKey(
        "articles.Article",
        verbose_name="article",
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="in reply to",
        null=True,
        blank=True,
        # Deleting a comment keeps its replies; they move up to the top level.
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    # Derived, never edited: the approved comment that heads the thread this one is
    # shown in, or null when it heads a thread itself (no parent, or a parent that is
    # not approved). Set by save() and kept by the moderation actions, so a page of
    # threads is a few index lookups instead of every comment of the article.
    thread_root = models.ForeignKey(
        "self",
        verbose_name="thread",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # comment_thread_idx leads with it
    )
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Limits as WordPress's, which readers' browsers and importers already respect.
    name = models.CharField("name", max_length=245)
    email = models.EmailField("email", max_length=100, help_text="Never shown to readers.")
    website = models.URLField("website", max_length=200, blank=True)
    text = models.TextField("comment")
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField("browser", max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="user",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text="The logged-in account that posted it, if any.",
    )
    created = models.DateTimeField("posted", auto_now_add=True, db_index=True)
    # The one-time token of the form that posted the comment: a double click, a reload
    # or a burst of identical posts can store it only once.
    submission_token = models.CharField(
        "submission token", max_length=64, unique=True, null=True, blank=True, editable=False
    )

    # The reader's "Notify me when my comment is approved" box; read once, when the
    # comment is first approved (comments/notices.py).
    notify_on_approval = models.BooleanField(
        "email the author when approved",
        default=False,
        editable=False,
        help_text="The author ticked “Notify me when my comment is approved”.",
    )
    # Set on a reader's post, cleared when the task worker announces the comment's first
    # approval (to the author and the article's subscribers): an approval that comes
    # again, after an edit or an unapprove, is not news.
    awaiting_announcement = models.BooleanField(default=False, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        permissions = [("can_moderate", "Can moderate comments")]
        indexes = [
            # The article page: one article's visible comments, oldest first.
            models.Index(fields=["article", "status", "created"], name="comment_article_idx"),
            # A page of threads and the number of pages: one article's thread starts in
            # reading order. Partial on a condition without parameters, so SQLite uses it.
            models.Index(
                fields=["article", "status", "created", "id"],
                condition=Q(thread_root__isnull=True),
                name="comment_thread_start_idx",
            ),
            # A page's replies: its threads' approved comments (both columns, so SQLite
            # prefers it to the status index).
            models.Index(fields=["thread_root", "status"], name="comment_thread_idx"),
            # The moderation queue: one status, newest first (and its capped counts).
            models.Index(fields=["status", "created", "id"], name="comment_status_idx"),
            # The flood rule and "has this author been approved before".
            models.Index(fields=["email", "created"], name="comment_email_idx"),
            models.Index(fields=["ip_address", "created"], name="comment_ip_idx"),
        ]

    def __str__(self):
        return f"{self.name} on {self.article}"

    def save(self, *args, **kwargs):
        # Lower-case whoever writes it (form, admin, importer), so the known-author and
        # flood rules can compare addresses exactly, on the email index.
        self.email = self.email.lower()
        if self._state.adding:
            if self.parent_id and self.thread_root_id is None and self.parent.is_approved:
                self.thread_root_id = self.parent.thread_root_id or self.parent_id
            super().save(*args, **kwargs)
        elif self.status != getattr(self, "_saved_status", self.status):
            # A moderator changed the status in the comment's form: its replies move.
            with transaction.atomic():
                super().save(*args, **kwargs)
                rethread(Comment.objects.filter(pk=self.pk), self.status)
        else:
            super().save(*args, **kwargs)
        self._saved_status = self.status

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        comment = super().from_db(db, field_names, values)
        # What save() compares with, to know when the replies below must move.
        comment._saved_status = comment.__dict__.get("status")
        return comment

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._saved_status = self.__dict__.get("status")

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            rethread(Comment.objects.filter(pk=self.pk), None)
            return super().delete(*args, **kwargs)

    def get_admin_url(self):
        return reverse("admin:comments_comment_change", args=[self.pk])

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def linkable_website(self):
        """Return the website if it is safe to link to (http or https), else ''."""
        if self.website and urlsplit(self.website).scheme.lower() in {"http", "https"}:
            return self.website
        return ""

    @property
    def initials(self):
        """Return up to two initials for the avatar; no avatar service is asked."""
        letters = [word[0] for word in self.name.split() if word[:1].isalnum()]
        if not letters:
            return "?"
        return (letters[0] + (letters[-1] if len(letters) > 1 else "")).upper()

    @property
    def avatar_colour(self):
        """Return a stable colour number 0–7 for the avatar, picked by the name."""
        return sum(self.name.encode()) % 8


class FollowUpSubscriptionQuerySet(models.QuerySet):
    def active(self):
        """Return the subscriptions whose emails may go out."""
        return self.filter(active=True)


class FollowUpSubscription(models.Model):
    """An address that asked for an email about each new comment on an article.

    WordPress's "subscribe to comments": made when a reader posts with "Notify me of
    follow-up comments by email" ticked, and active only once one of that address's
    comments on the article is approved, so an address typed by someone else into a
    comment that a moderator throws out is never written to. Deleted on unsubscribe.
    """

    article = models.ForeignKey(
        "articles.Article",
        verbose_name="article",
        on_delete=models.CASCADE,
        related_name="+",
    )
    email = models.EmailField("email", max_length=100)
    active = models.BooleanField("active", default=False)
    created = models.DateTimeField("subscribed", auto_now_add=True)

    objects = FollowUpSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "follow-up subscription"
        constraints = [
            # Also the index for "this article's subscribers".
            models.UniqueConstraint(fields=["article", "email"], name="followup_article_email"),
        ]

    def __str__(self):
        return f"Follow-ups on {self.article_id}"

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)
