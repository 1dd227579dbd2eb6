import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Func, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.fields.files import ImageFieldFile
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from . import images
from .editor import body_image_names, sanitize_html
from .images import image_upload_to, inspect_image, validate_image_file, validate_upload_name

logger = logging.getLogger(__name__)


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


class UprightImageFieldFile(ImageFieldFile):
    def _get_image_dimensions(self):
        # Width and height as readers see the picture: a portrait photo stored sideways
        # with an EXIF orientation is portrait on the page and in the admin.
        if not hasattr(self, "_dimensions_cache"):
            close = self.closed
            self.open()
            try:
                self._dimensions_cache = images.upright_size(self)
            finally:
                if close:
                    self.close()
        return self._dimensions_cache


class UprightImageField(models.ImageField):
    attr_class = UprightImageFieldFile


class Image(models.Model):
    file = UprightImageField(
        "file",
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_upload_name, validate_image_file],
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
    # The size readers see: after the photo's EXIF orientation is applied.
    width = models.PositiveIntegerField("width", editable=False, default=0)
    height = models.PositiveIntegerField("height", editable=False, default=0)
    file_size = models.PositiveBigIntegerField("file size", editable=False, default=0)
    focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where the subject is, from 0 (left edge) to 1 (right edge). "
        "Cropped versions (cards, thumbnails) keep it in frame.",
    )
    focal_y = models.FloatField(
        "focal point down",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where the subject is, from 0 (top edge) to 1 (bottom edge).",
    )
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
        new_upload = bool(self.file) and not self.file._committed
        if new_upload:
            self._detected_format = inspect_image(self.file)
            self.file_size = self.file.size
        if self.file and not (self.width and self.height):
            # file.save(name, ContentFile(data)) leaves Django without a name to measure
            # the picture by; measure it here so every path records its size.
            with self.file.open("rb") as stored:
                self.width, self.height = images.upright_size(stored)
                self.file_size = self.file_size or self.file.size
        try:
            super().save(*args, **kwargs)
        except BaseException:
            # The file reaches storage before the row; leave nothing half-made behind.
            if new_upload and self.file._committed and self.file.name:
                self.file.storage.delete(self.file.name)
            raise

    def get_absolute_url(self):
        return self.file.url

    def renditions_for(self, crop="", max_width=None):
        """Return this picture's renditions for ``crop``, making any that are missing.

        Return a dict: ``webp`` and ``fallback`` (lists of renditions, narrowest first)
        and ``fallback_format``. Renditions already fetched (prefetch ``renditions``)
        cost no query; missing ones are made once, and later page views find them.
        """
        box = images.crop_box((self.width or 1, self.height or 1), crop, self.focal_x, self.focal_y)
        widths = images.rendition_widths(box[2] - box[0], max_width)
        known = [r for r in self._known_renditions() if r.crop == crop]
        fallback_format = next((r.format for r in known if r.format != "webp"), None)
        have = {(r.format, r.width) for r in known}
        if any(
            ("webp", width) not in have or (fallback_format, width) not in have for width in widths
        ):
            known += self._make_renditions(crop, widths, have)
            fallback_format = next((r.format for r in known if r.format != "webp"), None)
        by_format = {"webp": [], "fallback": []}
        for rendition in sorted(known, key=lambda r: r.width):
            if rendition.width in widths:
                by_format["webp" if rendition.format == "webp" else "fallback"].append(rendition)
        by_format["fallback_format"] = fallback_format
        return by_format

    def create_renditions(self):
        """Make every rendition the site's templates use (after an upload commits)."""
        for crop, max_width in images.STANDARD_RENDITIONS:
            try:
                self.renditions_for(crop, max_width)
            except Exception:
                logger.exception("Could not make renditions of image %s.", self.pk)

    def discard_renditions(self, crops_only=False):
        """Forget renditions (all, or only the crops) so they are made again from the file."""
        renditions = self.renditions.exclude(crop="") if crops_only else self.renditions.all()
        names = list(renditions.values_list("file", flat=True))
        renditions.delete()
        self.__dict__.pop("_renditions", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("renditions", None)
        storage = self.file.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])

    def stored_file_names(self):
        """Return the names of every file this picture has in storage."""
        return [self.file.name, *self.renditions.values_list("file", flat=True)]

    def _known_renditions(self):
        if "_renditions" not in self.__dict__:
            self._renditions = list(self.renditions.all())
        return self._renditions

    def _make_renditions(self, crop, widths, have):
        storage = self.file.storage
        with self.file.open("rb") as source:
            picture = images.open_for_renditions(source)
        fallback = images.fallback_format(picture)
        stem = self.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        crop_part = crop.replace(":", "x") + "-" if crop else ""
        made = []
        for width in widths:
            for image_format in ("webp", fallback):
                if (image_format, width) in have:
                    continue
                result = images.make_rendition(
                    picture, crop, width, image_format, (self.focal_x, self.focal_y)
                )
                # A random part keeps two racing processes from writing the same name,
                # even on object storage configured to overwrite.
                name = storage.save(
                    f"renditions/{stem}/{crop_part}{width}-{uuid.uuid4().hex[:8]}"
                    f".{images.RENDITION_EXTENSIONS[image_format]}",
                    ContentFile(result.content),
                )
                made.append(self._record_rendition(result, name, storage))
        self._known_renditions().extend(made)
        return made

    def _record_rendition(self, result, name, storage):
        try:
            with transaction.atomic():
                return Rendition.objects.create(
                    image=self,
                    crop=result.crop,
                    width=result.width,
                    format=result.format,
                    height=result.height,
                    file=name,
                )
        except IntegrityError:
            # Another request made the same rendition first: use theirs, drop ours.
            storage.delete(name)
            return Rendition.objects.get(
                image=self, crop=result.crop, width=result.width, format=result.format
            )


def articles_using_image():
    """Return an expression counting the articles that show an image (featured or in body)."""
    using = Article.objects.filter(
        Q(featured_image=OuterRef("pk")) | Q(body_images=OuterRef("pk"))
    ).order_by()
    count = Func(F("pk"), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
    return Coalesce(
        Subquery(using.annotate(n=count).values("n")[:1], output_field=models.IntegerField()),
        0,
    )


class Rendition(models.Model):
    """One resized, re-encoded, metadata-free copy of an Image: what readers download."""

    image = models.ForeignKey(
        Image, verbose_name="image", on_delete=models.CASCADE, related_name="renditions"
    )
    crop = models.CharField("crop", max_length=10, blank=True)
    width = models.PositiveIntegerField("width")
    height = models.PositiveIntegerField("height")
    format = models.CharField("format", max_length=10)
    file = models.FileField("file", max_length=255)
    created = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image", "crop", "width", "format"], name="one_rendition_per_size"
            )
        ]

    def __str__(self):
        return f"{self.image_id} {self.crop or 'full'} {self.width}w {self.format}"

    @property
    def url(self):
        return self.file.url

    @property
    def mime_type(self):
        return images.MIME_TYPES[self.format]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Return the articles readers may see: published, and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """Fetch what article cards show in a fixed number of queries."""
        return (
            self.select_related("featured_image")
            .prefetch_related(
                "tags",
                # The through rows, not plain users, so bylines keep the authors' order.
                Prefetch("authorships", queryset=ArticleAuthor.objects.select_related("author")),
                "featured_image__renditions",
            )
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

    def with_body_images(self):
        """Also fetch the library pictures in the body, with their renditions."""
        return self.prefetch_related(
            Prefetch("body_images", queryset=Image.objects.prefetch_related("renditions"))
        )

    def for_page(self):
        """Fetch what an article page shows: the card's data, body pictures, corrections."""
        return self.for_listing().with_body_images().prefetch_related("corrections")

    def visible_to(self, user):
        """Return the articles ``user`` may open in the newsdesk: editors all, others their own."""
        if user.has_perm("articles.publish_article"):
            return self
        return self.filter(authors=user)

    def next_publication_time(self):
        """Return when the next scheduled article goes live, or None if none is waiting."""
        return (
            self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

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
        IN_REVIEW = "review", "In review"
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
    body_images = models.ManyToManyField(
        Image,
        verbose_name="pictures in the body",
        blank=True,
        editable=False,
        related_name="in_bodies",
    )
    tags = models.ManyToManyField(Tag, verbose_name="tags", blank=True, related_name="articles")
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="authors",
        blank=True,
        related_name="articles",
        through="ArticleAuthor",
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
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish articles"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, minor_edit=False, **kwargs):
        """Save, marking the article updated unless ``minor_edit`` (a typo fix) says not to."""
        self.body = sanitize_html(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        stored = self._stored_values() if self.pk else None
        if stored and not minor_edit and self._changed_after_publication(stored):
            self.updated_at = timezone.now()
        super().save(*args, **kwargs)
        # Which library pictures the body shows: served from renditions, counted as uses.
        self.body_images.set(Image.objects.filter(file__in=body_image_names(self.body)))
        if stored:
            self._keep_old_address(stored)

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
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def ordered_authors(self):
        """Return the authors in byline order (uses the prefetch from ``for_listing``)."""
        return [authorship.author for authorship in self.authorships.all()]

    def set_authors(self, users):
        """Make ``users`` the article's authors, in this order.

        ``authors.add(user)`` appends one author; ``authors.set([...])`` with several
        keeps no order (Django adds them as a set), so use this for a whole byline.
        """
        self.authorships.all().delete()
        ArticleAuthor.objects.bulk_create(
            [
                ArticleAuthor(article=self, author=user, position=position)
                for position, user in enumerate(dict.fromkeys(users))
            ]
        )

    @property
    def display_byline(self):
        """Return the byline readers see: the override, or the authors' names."""
        if self.byline:
            return self.byline
        names = [user.get_full_name() or user.get_username() for user in self.ordered_authors]
        if len(names) > 1:
            return f"{', '.join(names[:-1])} and {names[-1]}"
        return names[0] if names else ""

    def _stored_values(self):
        return (
            type(self)
            .objects.filter(pk=self.pk)
            .values("status", "published_at", "slug", *self.READER_VISIBLE_FIELDS)
            .first()
        )

    @staticmethod
    def _was_public(stored):
        return (
            stored is not None
            and stored["status"] == Article.Status.PUBLISHED
            and stored["published_at"] is not None
            and stored["published_at"] <= timezone.now()
        )

    def _changed_after_publication(self, stored=None):
        """Return True if readers have seen this article and a field they see differs."""
        if stored is None:
            stored = self._stored_values()
        if not self._was_public(stored):
            return False
        return any(stored[name] != getattr(self, name) for name in self.READER_VISIBLE_FIELDS)

    def _keep_old_address(self, stored):
        """Remember a slug readers may have linked to, so the old address still leads here.

        A changed date needs nothing: the article page redirects a wrong date for a
        known slug.
        """
        if self._was_public(stored) and stored["slug"] != self.slug:
            ArticleRedirect.objects.update_or_create(
                old_slug=stored["slug"], defaults={"article": self}
            )


class ArticleAuthor(models.Model):
    """One author of an article, in byline order."""

    article = models.ForeignKey(
        Article, verbose_name="article", on_delete=models.CASCADE, related_name="authorships"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="author",
        on_delete=models.CASCADE,
        related_name="article_authorships",
    )
    # Equal positions fall back to the order authors were added, so plain
    # ``article.authors.add(user)`` appends to the byline.
    position = models.PositiveSmallIntegerField(
        "position", default=0, help_text="Order in the byline: lower comes first."
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "author"
        verbose_name_plural = "authors"
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author")
        ]

    def __str__(self):
        return str(self.author)


class AuthorProfile(models.Model):
    """What an author's public page says about them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="user",
        on_delete=models.CASCADE,
        related_name="author_profile",
    )
    bio = models.TextField(
        "short bio",
        max_length=1000,
        blank=True,
        help_text="A few sentences shown on the author's page at /author/<username>/.",
    )

    class Meta:
        verbose_name = "author profile"

    def __str__(self):
        return str(self.user)


class Correction(models.Model):
    """A note appended to a published article when it was wrong or unclear."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"

    article = models.ForeignKey(
        Article, verbose_name="article", on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        "text", help_text="What was wrong and what is right, e.g. “An earlier version said …”."
    )
    created = models.DateTimeField("time", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} to “{self.article}”"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        # Readers are told the article changed; the article's own save is skipped so a
        # correction is not mistaken for an edit of its text.
        if adding and self.article.status == Article.Status.PUBLISHED:
            Article.objects.filter(pk=self.article_id).update(updated_at=self.created)
            self.article.updated_at = self.created


class ArticleRevision(models.Model):
    """A snapshot of every field of an article, taken each time the newsdesk saves it."""

    article = models.ForeignKey(
        Article, verbose_name="article", on_delete=models.CASCADE, related_name="revisions"
    )
    created = models.DateTimeField("saved", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saved by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("note", max_length=255, blank=True)
    data = models.JSONField("snapshot")

    class Meta:
        # Newest first; the id breaks ties between saves in the same microsecond.
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.article_id} at {self.created:%Y-%m-%d %H:%M}"


class ArticleRedirect(models.Model):
    """An old slug of a published article; its old addresses answer with a 301."""

    old_slug = models.SlugField("old slug", max_length=255, unique=True)
    article = models.ForeignKey(
        Article, verbose_name="article", on_delete=models.CASCADE, related_name="redirects"
    )
    created = models.DateTimeField("created", auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"
