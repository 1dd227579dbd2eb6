"""Articles and what hangs off them: tags, bylines, corrections, revisions."""

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from ..editor import body_image_names, body_text, sanitize_html
from .image import Image, Rendition

# The shape of every picture on article lists (cards and the lead, templates/articles/).
LIST_CROP = "16:9"
# The widest rendition of a picture's own shape lists fetch to stand in for a crop.
STAND_IN_WIDTH = 640
# Google's limit for a NewsArticle headline (articles/seo.py cuts longer ones).
HEADLINE_LENGTH = 110
# About what search results show of a page's description before cutting it off.
SNIPPET_LENGTH = 160
# A common figure for adults reading news prose on screen.
READING_WORDS_PER_MINUTE = 230
SEO_TITLE_LENGTH = HEADLINE_LENGTH
META_DESCRIPTION_LENGTH = 300
# How many of each tag's newest articles "Related stories" ranks (ArticleQuerySet.related_to).
RELATED_PER_TAG = 50


def person_name(user):
    """Return what the site and the newsdesk call ``user``: the full name, else the username."""
    return user.get_full_name().strip() or user.get_username()


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


def _count_per_article(rows):
    """Return an expression counting ``rows`` of each article, 0 when there are none."""
    # A subquery rather than a JOIN and GROUP BY: it cannot multiply other annotations.
    per_article = (
        rows.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(per_article), 0)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Return the articles readers may see: published, and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """Fetch what article cards show in a fixed number of queries.

        Cards never show the body: leaving it (and its text copy) out spares reading
        some 12 KB a card from the database at archive sizes.
        """
        return (
            self.with_card_data()
            .defer("body", "body_text")
            .prefetch_related(
                # Lists show the 16:9 crop only (cards and the lead): the other shapes'
                # renditions would be a third of the rows each, for nothing. The small
                # ones of the picture's own shape come too: they stand in while the
                # worker (re)makes a crop, after an upload or a new focal point.
                Prefetch(
                    "featured_image__renditions",
                    queryset=Rendition.objects.filter(
                        Q(crop=LIST_CROP) | Q(crop="", width__lte=STAND_IN_WIDTH)
                    ),
                )
            )
        )

    def with_card_data(self):
        """Fetch the picture, byline and comment count, leaving out renditions.

        Cards show no tags; the article page and the feeds ask for them (``with_tags``).
        """
        return (
            self.select_related("featured_image", "section")
            .prefetch_related(
                # The through rows, not plain users, so bylines keep the authors' order.
                Prefetch("authorships", queryset=ArticleAuthor.objects.select_related("author")),
            )
            .with_comment_count()
        )

    def in_section(self, section):
        """Return the articles that show under ``section``.

        Articles with no section show under the default one (``NEWS_DEFAULT_SECTION``).
        """
        return self._in_section(section, section.is_default)

    def _in_section(self, section, is_default):
        if is_default:
            return self.filter(Q(section=section) | Q(section__isnull=True))
        return self.filter(section=section)

    def latest_ids_per_section(self, sections, number):
        """Return ``{section id: [the ids of its newest number articles]}`` in one query.

        One ``SELECT … LIMIT number`` per section, each read from its own index
        (article_section_listing_idx), glued with UNION ALL: the cost is ``number`` rows
        a section, whatever the archive's size. A window function (ROW_NUMBER() OVER
        (PARTITION BY section)) would number every published article on every render.
        Django cannot slice the parts of a union on SQLite, hence the SQL put together
        here from each part's own compiled query.
        """
        if not sections or number < 1:
            return {}
        from ..sections import default_section_slug  # sections.py builds on these models

        # Asked once, not once a section: the site settings behind it cost queries when
        # the cache is down.
        default_slug = default_section_slug()
        parts, params = [], []
        for section in sections:
            part = (
                self._in_section(section, section.slug == default_slug)
                .order_by("-published_at", "-pk")
                .annotate(front_section=Value(section.pk, output_field=models.IntegerField()))
                .values_list("front_section", "pk")[:number]
            )
            sql, part_params = part.query.get_compiler(using=part.db).as_sql()
            # Django's own SQL for each part, values as parameters: nothing is pasted in.
            parts.append(f"SELECT * FROM ({sql}) AS part_{len(parts)}")  # noqa: S608
            params.extend(part_params)
        with connections[self.db].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()
        found = {section.pk: [] for section in sections}
        for section_id, pk in rows:
            found[section_id].append(pk)
        return found

    def with_tags(self):
        return self.prefetch_related("tags")

    def related_to(self, article, number=4, per_tag=RELATED_PER_TAG):
        """Return up to ``number`` of these articles sharing the most tags with ``article``.

        One query, whatever the archive's size: the candidates are each tag's newest
        ``per_tag`` of these articles (by id, read backwards from the tag index
        article_tags_tag_article_idx, each probed by primary key for being one of these,
        so scheduled articles are stepped over: a tag on 25,000 articles costs about
        ``per_tag`` rows, never a join through all of them), glued with UNION ALL, then
        ranked by how many of the tags they share, then the newest. Rows carry what a
        link needs: headline, slug and publication time. Reads the article's prefetched
        tags.
        """
        tag_ids = [tag.pk for tag in article.tags.all()]
        if not tag_ids or number < 1:
            return []
        through = Article.tags.through
        parts, params = [], []
        for tag_id in tag_ids:
            part = (
                through.objects.filter(tag_id=tag_id)
                .filter(Exists(self.filter(pk=OuterRef("article_id"))))
                .order_by("-article_id")
                .values_list("article_id")[:per_tag]
            )
            sql, part_params = part.query.get_compiler(using=self.db).as_sql()
            # Django's own SQL for each part, values as parameters: nothing is pasted in.
            parts.append(f"SELECT * FROM ({sql}) AS part_{len(parts)}")  # noqa: S608
            params.extend(part_params)
        candidates = RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611
        shared = (
            through.objects.filter(tag_id__in=tag_ids, article_id=OuterRef("pk"))
            .order_by()
            .values("article_id")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return list(
            self.filter(pk__in=candidates)
            .exclude(pk=article.pk)
            .annotate(shared_tags=Subquery(shared))
            .order_by("-shared_tags", "-published_at", "-pk")
            .only("headline", "slug", "published_at", "created_at")[:number]
        )

    def with_comment_count(self):
        """Annotate ``comment_count``, the approved comments, without a query per article."""
        from comments.models import Comment

        return self.annotate(comment_count=_count_per_article(Comment.objects.approved()))

    def for_page(self):
        """Fetch what an article page shows but its pictures (``Article.fetch_pictures``).

        Corrections are only counted here: most articles have none, and the page asks
        for them only when the count says there are some.
        """
        return (
            self.with_card_data()
            .select_related("social_image")
            .with_tags()
            .annotate(correction_count=_count_per_article(Correction.objects.all()))
            # The body's plain-text copy feeds the search index only: as long as the body.
            .defer("body_text")
        )

    def visible_to(self, user):
        """Return the articles ``user`` may open in the newsdesk: editors all, others their own."""
        if user.has_perm("articles.publish_article"):
            return self
        return self.filter(authors=user)

    def search(self, query):
        """Return the matches for ``query`` (websearch syntax), best first (``articles.search``).

        Call it on a filtered queryset such as ``published()``: only those articles are
        searched, and the page's articles are fetched through it.
        """
        from ..search import search_articles

        return search_articles(self, query)

    def scheduled(self):
        """Return the articles published for a time still to come: readers wait for them."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def next_publication_time(self):
        """Return when the next scheduled article goes live, or None if none is waiting."""
        return (
            self.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
        )

    def publish(self):
        """Publish these articles, keeping a scheduled or earlier publication time."""
        return self.update(
            status=Article.Status.PUBLISHED,
            published_at=Coalesce(F("published_at"), Value(timezone.now())),
            # A form opened before this bulk change must not put the old status back.
            version=F("version") + 1,
        )

    def unpublish(self):
        """Take these articles back to draft."""
        return self.update(status=Article.Status.DRAFT, version=F("version") + 1)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    # Edits to these fields after publication are what readers are told about.
    READER_VISIBLE_FIELDS = ("headline", "standfirst", "body", "featured_image_id")
    # Search results set it (articles.search); every card asks, and a missing
    # attribute costs the template engine a dir() of the whole instance.
    search_snippet = ""

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
    # Derived from body on every save: what search reads, so markup never matches.
    body_text = models.TextField("body text", blank=True, editable=False)
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
    # SET_NULL, not PROTECT: a section is not part of an article's address, so removing
    # one breaks no link, and its articles simply show under the default section. PROTECT
    # would make deleting a section list (and block on) every article it ever held.
    section = models.ForeignKey(
        "articles.Section",
        verbose_name="section",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        # The section indexes below start with it; a plain one would be a third copy.
        db_index=False,
        help_text="The article's home on the site. Left empty, it shows under the default section.",
    )
    tags = models.ManyToManyField(Tag, verbose_name="tags", blank=True, related_name="articles")
    # What search engines and link previews get instead of the headline, standfirst and
    # featured picture, when set (page_title, page_description, share_image).
    seo_title = models.CharField(
        "SEO title",
        max_length=SEO_TITLE_LENGTH,
        blank=True,
        help_text="Optional: the title search results, the browser tab and link previews "
        f"show instead of the headline. At most {SEO_TITLE_LENGTH} characters; search "
        "results show about 60.",
    )
    meta_description = models.CharField(
        "meta description",
        max_length=META_DESCRIPTION_LENGTH,
        blank=True,
        help_text="Optional: the summary search results and link previews show instead "
        f"of the standfirst. Search results show about {SNIPPET_LENGTH} characters.",
    )
    social_image = models.ForeignKey(
        Image,
        verbose_name="social picture",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shared_in",
        help_text="Optional: the picture link previews show instead of the featured picture.",
    )
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
    # Optimistic locking: every UPDATE of the row adds one (``_do_update``), and a save
    # that says which version it started from (``expected_version``) changes the row
    # only if it is still at that one. The admin's form carries it (ArticleAdminForm).
    version = models.PositiveIntegerField("version", default=1, editable=False)

    objects = ArticleQuerySet.as_manager()
    # Set by whoever saves an edit made from a copy read earlier (the admin's form);
    # None saves over whatever version the row is at.
    expected_version = None

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            # Every public list, the sitemaps and the admin's default order: the page's
            # ids come from this index alone (articles/pagination.py).
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing_idx"),
            # The newsdesk's list of every article, newest first.
            models.Index(fields=["-published_at", "-id"], name="article_recent_idx"),
            # A section front's page of ids, like article_listing_idx for the whole site.
            models.Index(
                fields=["section", "status", "-published_at", "-id"],
                name="article_section_listing_idx",
            ),
            # The newsdesk's list filtered by section, in its default order.
            models.Index(
                fields=["section", "-published_at", "-id"], name="article_section_recent_idx"
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish articles"),
        ]

    class EditConflict(Exception):
        """The row changed since ``expected_version``: nothing of this save was written."""

    def __str__(self):
        return self.headline

    def save(self, *args, minor_edit=False, **kwargs):
        """Save, marking the article updated unless ``minor_edit`` (a typo fix) says not to."""
        self.body = sanitize_html(self.body)
        self.body_text = body_text(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        # The row, the pictures it shows and its old address are one change.
        with transaction.atomic():
            stored = self._stored_values() if self.pk else None
            if stored and not minor_edit and self._changed_after_publication(stored):
                self.updated_at = timezone.now()
            super().save(*args, **kwargs)
            if stored:
                # The UPDATE added one to the version (``_do_update``); a guarded save
                # stays guarded, against the version it wrote.
                self.version = (self.expected_version or stored["version"]) + 1
                if self.expected_version is not None:
                    self.expected_version = self.version
            # Which library pictures the body shows: served from renditions, counted as uses.
            self.body_images.set(Image.objects.filter(file__in=body_image_names(self.body)))
            if stored:
                self._keep_old_address(stored)

    def get_absolute_url(self):
        # A card asks for its address three times (picture, headline, comments): kept
        # per instance for as long as what it is made of stays the same.
        dated = self.published_at or self.created_at
        key = (dated, self.slug, timezone.get_current_timezone())
        if dated is not None and self.__dict__.get("_address_key") == key:
            return self._address
        address = self.address_for(dated, self.slug)
        self._address_key, self._address = key, address
        return address

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        # Every save that updates the row goes through here, whatever called save():
        # the version is bumped in the same statement, and guarded when one is expected.
        version = self._meta.get_field("version")
        values = [value for value in values if value[0] is not version]
        values.append((version, None, F("version") + 1))
        expected = self.expected_version
        guarded = base_qs if expected is None else base_qs.filter(version=expected)
        updated = super()._do_update(guarded, using, pk_val, values, update_fields, forced_update)
        # No row matched: either it was deleted (Django then inserts it, as for any
        # model) or another save moved its version on, which must not be overwritten.
        if not updated and expected is not None and base_qs.filter(pk=pk_val).exists():
            raise self.EditConflict(f"Article {pk_val} is no longer at version {expected}.")
        return updated

    @staticmethod
    def address_for(dated, slug):
        """Return the permalink of an article published at ``dated`` with ``slug``."""
        when = timezone.localtime(dated or timezone.now())
        return reverse(
            "articles:detail",
            kwargs={
                "year": when.year,
                "month": f"{when.month:02d}",
                "day": f"{when.day:02d}",
                "slug": slug,
            },
        )

    @classmethod
    def is_public_state(cls, status, published_at):
        """Return True if an article with this status and date is one readers see now.

        The same rule as ``ArticleQuerySet.published()``, for one article in memory or a
        stored row's values; nothing else restates it.
        """
        return (
            status == cls.Status.PUBLISHED
            and published_at is not None
            and published_at <= timezone.now()
        )

    @property
    def page_title(self):
        """Return what search engines and link previews call the article."""
        return self.seo_title or self.headline

    @property
    def page_description(self):
        """Return the article's summary for search results and link previews ("" if none)."""
        return self.meta_description or self.standfirst

    @property
    def share_image(self):
        """Return the picture link previews and structured data show, or None."""
        # The id first: an article without a social picture asks nothing of the database.
        # The same picture as the featured one is that instance, renditions and all.
        if self.social_image_id and self.social_image_id != self.featured_image_id:
            return self.social_image
        return self.featured_image

    @property
    def word_count(self):
        """Return the number of words in the body (as stored: from ``body_text``)."""
        return len(self.body_text.split())

    @property
    def reading_minutes(self):
        """Return the minutes an average reader takes over the body, rounded up."""
        return -(-self.word_count // READING_WORDS_PER_MINUTE)

    @property
    def is_public(self):
        return self.is_public_state(self.status, self.published_at)

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and not self.is_public
        )

    @property
    def is_published(self):
        """Return True if readers see the article now or will at its time (``is_public_state``).

        What a restore keeps published (articles/revisions.py): the one rule, with a
        scheduled article counted in.
        """
        return self.is_public or self.is_scheduled

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
        names = [person_name(user) for user in self.ordered_authors]
        if len(names) > 1:
            return f"{', '.join(names[:-1])} and {names[-1]}"
        return names[0] if names else ""

    def fetch_pictures(self):
        """Fetch the featured and body pictures' renditions for the article page.

        One query for every rendition, featured or in the body, and one more for the
        library pictures in the body only when the body shows a picture at all.
        """
        pictures = [self.featured_image] if self.featured_image else []
        if self.social_image_id and self.social_image_id != self.featured_image_id:
            pictures.append(self.social_image)
        if "<img" in self.body:
            prefetch_related_objects([self], "body_images")
            pictures += self.body_images.all()
        prefetch_related_objects(pictures, "renditions")

    def _stored_values(self):
        return (
            type(self)
            .objects.filter(pk=self.pk)
            .values("status", "published_at", "slug", "version", *self.READER_VISIBLE_FIELDS)
            .first()
        )

    @classmethod
    def _was_public(cls, stored):
        return stored is not None and cls.is_public_state(stored["status"], stored["published_at"])

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
            from .redirect import Redirect  # redirect.py points back at this model

            old_path = self.address_for(stored["published_at"], stored["slug"])
            Redirect.objects.update_or_create(
                old_path=old_path,
                defaults={"article": self, "target": "", "origin": Redirect.Origin.SLUG_CHANGE},
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
        # An author's page starts from the author.
        indexes = [models.Index(fields=["author", "article"], name="articleauthor_author_idx")]

    def __str__(self):
        return person_name(self.author)


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
        return person_name(self.user)


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
        # correction is not mistaken for an edit of its text. An article readers cannot
        # see yet (a draft, or scheduled) has not changed for anyone.
        if adding and self.article.is_public:
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
        return f"{self.article_id} at {timezone.localtime(self.created):%Y-%m-%d %H:%M}"
