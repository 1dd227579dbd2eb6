"""``manage.py generate_archive``: fill an empty database with a synthetic archive."""

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from articles.editor import body_text, sanitize_html
from articles.models import Article, ArticleAuthor, AuthorProfile, Image, Tag
from comments.models import Comment
from newsroom import pagecache
from synthetic.archive import (
    ARTICLE_COLUMNS,
    ARTICLE_DEFAULTS,
    BYLINES,
    COMMENT_COLUMNS,
    COMMENT_DEFAULTS,
    PICTURE_CREDITS,
    Archive,
    ArchiveMaker,
    SkewedChoice,
    draw_pictures,
)
from synthetic.writers import writer_for_connection

TAGS = 500
# Distinct picture files drawn; the library's rows share them round-robin (each row
# still has a file of its own in storage).
SOURCE_PICTURES = 12


class Progress:
    """A one-line progress report per phase on stderr: count, total and rate.

    ``stream`` is the command's ``OutputWrapper``; each update rewrites the line (``\\r``).
    """

    def __init__(self, stream, phase, total, enabled=True):
        self.stream, self.phase, self.total, self.enabled = stream, phase, total, enabled
        self.done, self.next_check, self.started, self.shown = 0, 0, time.monotonic(), 0.0

    def advance(self, count):
        self.done += count
        # Looking at the clock for every row would cost more than the row.
        if not self.enabled or self.done < self.next_check:
            return
        self.next_check = self.done + 64
        now = time.monotonic()
        if now - self.shown > 0.5:
            self.shown = now
            self._show("\r")

    def finish(self):
        if self.enabled:
            self._show("\r")
            self.stream.write("", ending="\n")
            self.stream.flush()

    def _show(self, start):
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed else 0
        share = f" {100 * self.done / self.total:3.0f}%" if self.total else ""
        self.stream.write(
            f"{start}{self.phase:<14}{self.done:>11,}/{self.total:,}{share}"
            f"  {rate:>10,.0f}/s  {elapsed:6.1f}s",
            ending="",
        )
        self.stream.flush()


def _refuse_unknown_required_columns(model, columns):
    """Refuse to COPY rows that would leave a required column empty (a newer schema)."""
    for model_field in model._meta.concrete_fields:
        if model_field.column in columns or model_field.null:
            continue
        if model_field.db_default is not models.NOT_PROVIDED or model_field.generated:
            continue
        raise CommandError(
            f"{model.__name__}.{model_field.name} is required and generate_archive does not "
            "fill it; teach synthetic/archive.py about the new column."
        )


class Command(BaseCommand):
    help = (
        "Fill an empty database with a synthetic archive for benchmarks and tests: articles "
        "with long bodies, tags, authors, pictures and threaded comments, written in bulk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="How many articles.")
        parser.add_argument("--comments", type=int, default=10000, help="How many comments.")
        parser.add_argument(
            "--pictures",
            type=int,
            default=None,
            help="How many library pictures (default: one per 100 articles, 10 to 1,000).",
        )
        parser.add_argument("--seed", type=int, default=None, help="Make the archive repeatable.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the archive even though the database already holds content.",
        )

    def handle(self, *args, articles, comments, pictures, seed, force, **options):
        if articles < 1 or comments < 0:
            raise CommandError("--articles must be at least 1 and --comments at least 0.")
        if pictures is None:
            pictures = min(max(articles // 100, 10), 1000)
        if pictures < 0:
            raise CommandError("--pictures must be at least 0.")
        self._refuse_real_content(force)
        if seed is None:
            seed = random.SystemRandom().randrange(2**31)
        self.progress_enabled = options["verbosity"] >= 1
        started = time.monotonic()
        maker = ArchiveMaker(seed, timezone.now().replace(microsecond=0))
        archive = Archive(seed=seed)
        stored_files = []
        try:
            with transaction.atomic():
                writer = writer_for_connection()
                picture_ids = self._pictures(maker, pictures, stored_files)
                author_ids = self._authors(maker)
                tag_ids = self._tags(maker)
                public = self._articles(
                    maker, writer, archive, articles, picture_ids, tag_ids, author_ids
                )
                self._comments(maker, writer, archive, public, comments)
                writer.reset_sequences([Article, Comment])
        except BaseException:
            storage = Image._meta.get_field("file").storage
            for name in stored_files:
                storage.delete(name)
            raise
        archive.pictures, archive.tags, archive.authors = (
            len(picture_ids),
            len(tag_ids),
            len(author_ids),
        )
        # The search index needs nothing here: the database's own triggers fill it as the
        # rows arrive, COPY included (articles/search.py). The planner's statistics do.
        self._analyze()
        pagecache.invalidate()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Generated {archive.articles:,} articles, {archive.comments:,} comments, "
            f"{archive.tags:,} tags, {archive.authors:,} authors and {archive.pictures:,} "
            f"pictures in {elapsed:.1f}s (seed {seed})."
        )
        self.stdout.write(
            f"Search words: common {archive.common_word!r}, rare {archive.rare_word!r} "
            f"(in {len(archive.rare_word_articles)} articles), missing {archive.missing_word!r}."
        )

    # --- Guards ---------------------------------------------------------------------------

    def _refuse_real_content(self, force):
        found = {
            "articles": Article.objects.count(),
            "comments": Comment.objects.count(),
            "pictures": Image.objects.count(),
        }
        held = ", ".join(f"{count:,} {name}" for name, count in found.items() if count)
        if held and not force:
            raise CommandError(
                f"This database already holds {held}. generate_archive fills an empty database "
                "(a new one for benchmarks or tests); pass --force to add a synthetic archive "
                "beside that content anyway. Nothing was changed."
            )
        _refuse_unknown_required_columns(Article, ARTICLE_COLUMNS)
        _refuse_unknown_required_columns(Comment, self._comment_columns())

    # --- Phases ---------------------------------------------------------------------------

    def _progress(self, phase, total):
        return Progress(self.stderr, phase, total, self.progress_enabled)

    def _pictures(self, maker, count, stored_files):
        """Store ``count`` real pictures through the Image field's storage; return their ids."""
        progress = self._progress("pictures", count)
        file_field = Image._meta.get_field("file")
        sources = draw_pictures(min(SOURCE_PICTURES, count), maker.rng)
        rows = []
        for number in range(count):
            data = sources[number % len(sources)]
            name = file_field.generate_filename(Image(), f"synthetic-{number}.jpg")
            stored = file_field.storage.save(name, ContentFile(data))
            stored_files.append(stored)
            rows.append(
                Image(
                    file=stored,
                    alt_text=maker.picture_alt(),
                    caption=maker.picture_caption(),
                    credit=maker.rng.choice(PICTURE_CREDITS),
                    width=640,
                    height=360,
                    file_size=len(data),
                    focal_x=round(maker.rng.uniform(0.3, 0.7), 2),
                    focal_y=round(maker.rng.uniform(0.3, 0.7), 2),
                )
            )
            progress.advance(1)
        created = Image.objects.bulk_create(rows, batch_size=500)
        progress.finish()
        return [image.pk for image in created]

    def _authors(self, maker, count=36):
        User = get_user_model()
        taken = set(User.objects.values_list("username", flat=True))
        names = [n for n in maker.author_names(count) if n[2] not in taken]
        password = make_password(None)  # Unusable: these accounts only sign articles.
        users = User.objects.bulk_create(
            User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@newsroom.example",
                is_staff=True,
                password=password,
            )
            for first, last, username in names
        )
        AuthorProfile.objects.bulk_create(
            AuthorProfile(
                user=user, bio=f"{user.first_name} writes about {maker.headline().lower()}."
            )
            for user in users
        )
        return [user.pk for user in users]

    def _tags(self, maker):
        taken = [
            *Tag.objects.values_list("name", flat=True),
            *Tag.objects.values_list("slug", flat=True),
        ]
        tags = Tag.objects.bulk_create(
            Tag(name=name, slug=slugify(name)) for name in maker.tag_names(TAGS, taken)
        )
        return [tag.pk for tag in tags]

    def _articles(self, maker, writer, archive, count, picture_ids, tag_ids, author_ids):
        """Write ``count`` articles with their tags and bylines; return the commentable ones.

        Derived fields are filled as ``Article.save()`` fills them: the body sanitised,
        ``body_text`` from it, no body pictures (bodies show none).
        """
        rng, now = maker.rng, maker.now
        progress = self._progress("articles", count)
        drafts = max(count // 300, 1) if count >= 10 else 0
        in_review = count // 1000
        scheduled = max(count // 1000, 1) if count >= 10 else 0
        published = count - drafts - in_review - scheduled
        plan = [(Article.Status.PUBLISHED, when) for when in maker.publication_times(published)]
        plan += [(Article.Status.DRAFT, None)] * drafts + [
            (Article.Status.IN_REVIEW, None)
        ] * in_review
        plan += [
            (
                Article.Status.PUBLISHED,
                now + timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 23)),
            )
            for _ in range(scheduled)
        ]
        first_id = (Article.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        rare = set(rng.sample(range(published), min(max(count // 5000, 1), published)))
        slugs = set(Article.objects.values_list("slug", flat=True))
        tag_choice = SkewedChoice(tag_ids, rng) if tag_ids else None
        author_choice = SkewedChoice(author_ids, rng) if author_ids else None
        tag_rows, author_rows, public = [], [], []

        def rows():
            for index, (status, published_at) in enumerate(plan):
                article_id = first_id + index
                row = self._article_row(
                    maker,
                    archive,
                    article_id,
                    status,
                    published_at,
                    index in rare,
                    slugs,
                    picture_ids,
                    bool(author_ids),
                )
                yield row
                progress.advance(1)
                if tag_choice:
                    wanted, chosen = rng.choice((1, 2, 2, 3)), []
                    for tag_id in tag_choice.draw(8):
                        if tag_id not in chosen:
                            chosen.append(tag_id)
                        if len(chosen) == wanted:
                            break
                    tag_rows.extend((article_id, tag_id) for tag_id in chosen)
                byline, allow_comments = row[7], row[11]
                if author_choice and not byline:
                    authors = dict.fromkeys(author_choice.draw(2 if rng.random() < 0.12 else 1))
                    author_rows.extend(
                        (article_id, author_id, position)
                        for position, author_id in enumerate(authors)
                    )
                if status == Article.Status.PUBLISHED and published_at <= now and allow_comments:
                    public.append((article_id, published_at))

        writer.write(Article._meta.db_table, ARTICLE_COLUMNS, rows())
        writer.write(Article.tags.through._meta.db_table, ("article_id", "tag_id"), tag_rows)
        writer.write(
            ArticleAuthor._meta.db_table, ("article_id", "author_id", "position"), author_rows
        )
        progress.finish()
        archive.articles = count
        return public

    @staticmethod
    def _article_row(
        maker, archive, article_id, status, published_at, rare, slugs, picture_ids, has_authors
    ):
        """Return one article's row, its derived fields filled as ``Article.save()`` does."""
        rng, now = maker.rng, maker.now
        headline = maker.headline()
        slug = base = slugify(headline)[:200].strip("-") or "article"
        suffix = 2
        while slug in slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        slugs.add(slug)
        body = sanitize_html(maker.body(max(int(rng.gauss(815, 260)), 120), rare))
        if rare:
            archive.rare_word_articles.append(article_id)
        if published_at is not None and published_at <= now:
            created_at = published_at - timedelta(minutes=rng.randint(20, 48 * 60))
        else:
            created_at = now - timedelta(minutes=rng.randint(20, 30 * 24 * 60))
        updated_at = None
        if published_at is not None and published_at < now and rng.random() < 0.04:
            updated_at = min(published_at + timedelta(hours=rng.randint(1, 72)), now)
        modified_at = max(t for t in (created_at, published_at, updated_at) if t and t <= now)
        allow_comments = rng.random() < 0.97
        byline = rng.choice(BYLINES) if rng.random() < 0.03 or not has_authors else ""
        return (
            article_id,
            headline,
            slug,
            maker.standfirst(),
            body,
            body_text(body),
            rng.choice(picture_ids) if picture_ids and rng.random() < 0.85 else None,
            byline,
            status,
            published_at,
            updated_at,
            allow_comments,
            created_at,
            modified_at,
            *ARTICLE_DEFAULTS,
        )

    def _comment_columns(self):
        root = self._thread_root_field()
        return (*COMMENT_COLUMNS, root.column) if root else COMMENT_COLUMNS

    @staticmethod
    def _thread_root_field():
        """Return Comment's thread-root field, if the schema has one (see _comments)."""
        try:
            return Comment._meta.get_field("thread_root")
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: an older schema
            return None

    def _comments(self, maker, writer, archive, public, total):
        """Write ``total`` comments in threads over the ``public`` articles."""
        progress = self._progress("comments", total)
        counts = maker.comment_counts([article_id for article_id, _ in public], total)
        # Readers come back: a small crowd writes most of the comments.
        readers = maker.commenters(max(total // 20, 20))
        reader_choice = SkewedChoice(range(len(readers)), maker.rng, exponent=0.8)
        # The head of each comment's thread is known here, so a schema that stores it
        # (``Comment.thread_root``) gets it in the same COPY: no UPDATE per level after.
        with_root = self._thread_root_field() is not None
        columns = self._comment_columns()
        first_id = (Comment.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

        def rows():
            next_id = first_id
            for article_id, published_at in public:
                count = counts.get(article_id, 0)
                if not count:
                    continue
                thread = maker.thread(published_at, count)
                ids, roots = [], []
                for (created, parent, status), reader in zip(
                    thread, reader_choice.draw(count), strict=True
                ):
                    comment_id = next_id
                    next_id += 1
                    parent_id = ids[parent] if parent is not None else None
                    # As comments.threads keeps it: the approved comment heading the
                    # thread, null for a comment that heads one (replies only ever
                    # answer approved comments here).
                    root_id = (roots[parent] or parent_id) if parent is not None else None
                    ids.append(comment_id)
                    roots.append(root_id)
                    name, email, website, ip, browser = readers[reader]
                    row = (
                        comment_id,
                        article_id,
                        parent_id,
                        status,
                        name,
                        email.lower(),
                        website,
                        maker.comment_text(),
                        ip,
                        browser,
                        None,
                        created,
                        None,
                        *COMMENT_DEFAULTS,
                    )
                    yield (*row, root_id) if with_root else row
                progress.advance(count)

        writer.write(Comment._meta.db_table, columns, rows())
        progress.finish()
        archive.comments = progress.done

    # --- After the rows ---------------------------------------------------------------------

    def _analyze(self):
        """Refresh the planner's statistics (and PostgreSQL's visibility map)."""
        progress = self._progress("analyze", 1)
        tables = [
            model._meta.db_table
            for model in (Article, Article.tags.through, ArticleAuthor, Comment, Image, Tag)
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # VACUUM cannot run inside a transaction (the test suite's, for one).
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                for table in tables:
                    cursor.execute(f"{command} {connection.ops.quote_name(table)}")
            else:
                cursor.execute("ANALYZE")
        progress.advance(1)
        progress.finish()
