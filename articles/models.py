from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from .editor import sanitize_html
from .images import image_upload_to, inspect_image, validate_image_file


class Tag(models.Model):
    name = models.CharField("name", max_length=100, unique=True)
    slug = models.SlugField(
        "slug", max_length=100, unique=True, help_text="The tag's address: /tag/<slug>/."
    )
    description = models.TextField(
        "description", blank=True, help_text="Optional; shown at the top of the tag's page."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class Image(models.Model):
    file = models.ImageField(
        "file",
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
        help_text="A JPEG, PNG, WebP or GIF picture.",
    )
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = models.CharField("caption", max_length=500, blank=True)
    credit = models.CharField(
        "credit", max_length=250, blank=True, help_text="Who took the picture, e.g. Reuters."
    )
    width = models.PositiveIntegerField("width", editable=False, default=0)
    height = models.PositiveIntegerField("height", editable=False, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="uploaded by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        # Only a new upload needs decoding; inspect_image refuses anything that is not
        # a complete picture, whatever path it came by (admin, editor, commands).
        if self.file and not self.file._committed:
            self._detected_format = inspect_image(self.file)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.file.url


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Return the articles readers may see: published, and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """Fetch what article cards show in a fixed number of queries."""
        return (
            self.select_related("featured_image")
            .prefetch_related("tags", "authors")
            .with_comment_count()
        )

    def with_comment_count(self):
        """Annotate ``comment_count``, the approved comments, without a query per article."""
        # A subquery rather than a JOIN and GROUP BY: it cannot multiply other annotations.
        from comments.models import Comment

        approved = (
            Comment.objects.approved()
            .filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(comment_count=Coalesce(Subquery(approved), 0))

    def publish(self):
        """Publish these articles, keeping a scheduled or earlier publication time."""
        return self.update(
            status=Article.Status.PUBLISHED,
            published_at=Coalesce(F("published_at"), Value(timezone.now())),
        )

    def unpublish(self):
        """Take these articles back to draft."""
        return self.update(status=Article.Status.DRAFT)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    # Edits to these fields after publication are what readers are told about.
    READER_VISIBLE_FIELDS = ("headline", "standfirst", "body", "featured_image_id")

    headline = models.CharField("headline", max_length=255)
    slug = models.SlugField(
        "slug",
        max_length=255,
        unique=True,
        help_text="The last part of the article's address; filled in from the headline.",
    )
    standfirst = models.CharField(
        "standfirst",
        max_length=400,
        blank=True,
        help_text="The one-line summary shown under the headline and on cards.",
    )
    body = models.TextField("body", blank=True)
    featured_image = models.ForeignKey(
        Image,
        verbose_name="featured image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="featured_in",
    )
    tags = models.ManyToManyField(Tag, verbose_name="tags", blank=True, related_name="articles")
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="authors", blank=True, related_name="articles"
    )
    byline = models.CharField(
        "byline",
        max_length=255,
        blank=True,
        help_text="Shown instead of the authors' names when set, e.g. “Reuters”.",
    )
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text="A future date schedules the article: readers see it from then on.",
    )
    updated_at = models.DateTimeField(
        "updated",
        null=True,
        blank=True,
        editable=False,
        help_text="Set when a published article's text or picture changes.",
    )
    allow_comments = models.BooleanField("allow comments", default=True)
    created_at = models.DateTimeField("created", auto_now_add=True)
    modified_at = models.DateTimeField("last saved", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_pub_idx")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.pk and self._changed_after_publication():
            self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        when = timezone.localtime(self.published_at or self.created_at or timezone.now())
        return reverse(
            "articles:detail",
            kwargs={
                "year": when.year,
                "month": f"{when.month:02d}",
                "day": f"{when.day:02d}",
                "slug": self.slug,
            },
        )

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def display_byline(self):
        """Return the byline readers see: the override, or the authors' names."""
        if self.byline:
            return self.byline
        names = [user.get_full_name() or user.get_username() for user in self.authors.all()]
        if len(names) > 1:
            return f"{', '.join(names[:-1])} and {names[-1]}"
        return names[0] if names else ""

    def _changed_after_publication(self):
        """Return True if readers have seen this article and a field they see differs."""
        stored = (
            type(self)
            .objects.filter(pk=self.pk)
            .values("status", "published_at", *self.READER_VISIBLE_FIELDS)
            .first()
        )
        if stored is None or stored["status"] != self.Status.PUBLISHED:
            return False
        if stored["published_at"] is None or stored["published_at"] > timezone.now():
            return False
        return any(stored[name] != getattr(self, name) for name in self.READER_VISIBLE_FIELDS)
