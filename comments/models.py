from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class CommentQuerySet(models.QuerySet):
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
            | Q(status__in=[Comment.Status.PENDING, Comment.Status.SPAM], pk__in=own_ids)
        )

    # The moderation actions: each is one UPDATE, whatever the number of comments.
    def approve(self):
        return self.update(status=Comment.Status.APPROVED)

    def unapprove(self):
        return self.update(status=Comment.Status.PENDING)

    def mark_spam(self):
        return self.update(status=Comment.Status.SPAM)

    def move_to_trash(self):
        return self.update(status=Comment.Status.TRASH)


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
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
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

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        permissions = [("can_moderate", "Can moderate comments")]
        indexes = [
            # The article page: one article's visible comments, oldest first.
            models.Index(fields=["article", "status", "created"], name="comment_article_idx"),
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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

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
