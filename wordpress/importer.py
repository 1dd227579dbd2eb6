"""Writing a WordPress export into Newsroom: ``WordPressImport(path, …).run()``.

Three readings of the export, each streamed (``wordpress.wxr``): the first counts every
kind and checks the whole file is well-formed before anything is written; the second
brings the pictures into the library; the third the posts (with their tags, featured
picture, old addresses and comments) and pages, each in one transaction of its own, so
a bad item costs that item, named in the report. Every object made is remembered in
``ImportedItem``; a second run skips what is there and takes only what is new.
"""

import ipaddress
import re
import urllib.request
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.images import max_upload_bytes, read_embedded_credit
from articles.models import Article, FrontPagePin, Image, Redirect, Section, Tag
from articles.roles import REPORTERS, ensure_roles
from articles.tasks import make_renditions
from comments.forms import TEXT_MAX_LENGTH
from comments.models import Comment
from comments.text import clean_comment_text, clean_single_line
from pages.forms import slug_conflict
from pages.models import Page

from . import content, wxr
from .models import ImportedItem

Kind = ImportedItem.Kind
PICTURE_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp"}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
# WordPress's own archive of posts without a category: not a section of the new site.
UNCATEGORISED = {"uncategorized", "uncategorised"}
# Renditions are queued for the task worker in batches this size.
RENDITION_BATCH = 100


class ImportStopped(Exception):
    """The import cannot start, for the reason in the message (a CommandError to the user)."""


@dataclass
class Report:
    """What an import did: created and already-there counts per kind, and every skip."""

    totals: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    counted: Counter = field(default_factory=Counter)
    skipped: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def skip(self, kind, wordpress_id, label, reason):
        self.skipped.append((kind, wordpress_id, label, reason))

    def note(self, kind, wordpress_id, label, message):
        self.notes.append((kind, wordpress_id, label, message))

    def lines(self):
        """Return the report as lines of text."""
        kinds = ["author", "attachment", "post", "page", "comment", "section", "tag", "redirect"]
        out = ["Created:"]
        out += [f"  {kind + 's':<12} {self.created[kind]:>8}" for kind in kinds]
        out.append("Already imported, left as they are:")
        out += [
            f"  {kind + 's':<12} {self.existing[kind]:>8}" for kind in kinds if self.existing[kind]
        ]
        if not any(self.existing.values()):
            out.append("  none")
        if self.counted:
            out.append("Counted, not imported:")
            out += [f"  {what}: {number}" for what, number in sorted(self.counted.items())]
        out.append(f"Skipped ({len(self.skipped)}):")
        out += [
            f"  {kind} {wordpress_id} “{label}”: {reason}"
            for kind, wordpress_id, label, reason in self.skipped
        ]
        out.append(f"Imported with a change to know about ({len(self.notes)}):")
        out += [
            f"  {kind} {wordpress_id} “{label}”: {message}"
            for kind, wordpress_id, label, message in self.notes
        ]
        return out


@contextmanager
def given_dates(model, name):
    """Let ``bulk_create`` store the dates given for ``model.name`` (an auto_now_add field).

    Imported comments keep the dates they were posted; the field would set "now".
    The command runs alone in its process, and the flag is put back at once.
    """
    model_field = model._meta.get_field(name)
    saved = model_field.auto_now_add
    model_field.auto_now_add = False
    try:
        yield
    finally:
        model_field.auto_now_add = saved


def site_key(channel):
    """Return the exported site's address without its scheme: "old.example/blog"."""
    address = channel.base_blog_url or channel.base_site_url or channel.link
    parts = urlsplit(address.strip())
    key = (parts.netloc + parts.path).lower().rstrip("/")
    return key.removeprefix("www.")


def old_path(url):
    """Return the path (and WordPress query) of an old address, as readers will ask for it."""
    parts = urlsplit((url or "").strip())
    path = unquote(parts.path) or "/"
    if parts.query:
        for name in ("p", "page_id", "attachment_id", "cat", "tag"):
            for pair in parts.query.split("&"):
                key, _, value = pair.partition("=")
                if key == name and value:
                    return f"/?{name}={unquote(value)}"
    return path


def usable_slug(value, fallback, limit):
    """Return WordPress's ``post_name`` as a slug this site's addresses accept."""
    slug = unquote(value or "").strip().lower()
    try:
        validate_slug(slug)
    except ValidationError:
        slug = slugify(slug)
    slug = slug[:limit].strip("-") or slugify(fallback)[:limit].strip("-")
    return slug


class WordPressImport:
    def __init__(
        self,
        path,
        *,
        media_dir=None,
        fetch_media=False,
        dry_run=False,
        author_map=None,
        default_author=None,
        publish_as_draft=False,
        progress=None,
    ):
        self.path = Path(path)
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.fetch_media = fetch_media
        self.dry_run = dry_run
        self.author_map = author_map or {}
        self.default_author = default_author
        self.publish_as_draft = publish_as_draft
        self.progress = progress or (lambda kind, done, total: None)
        self.report = Report()
        self.authors = {}  # WordPress login → user
        self.categories = {}  # slug → Term
        self.category_ids = {}  # term id → slug
        self.tag_names = {}  # slug → name
        self.sections = {}  # slug → Section
        self.tags = {}  # slug → Tag
        self.redirected_terms = set()
        self.pictures = {}  # path under uploads → storage name
        self.picture_ids = {}  # attachment id → Image pk
        self.stored_files = []  # for a dry run to remove
        self.sticky_position = 0

    # The run -------------------------------------------------------------------------

    def run(self):
        """Import the export and return the Report; raise ImportStopped if it cannot start."""
        self.check_export()
        self.load_known()
        if self.dry_run:
            # The same work, then undone: the report is the one a real run would give.
            with transaction.atomic():
                try:
                    self.import_everything()
                finally:
                    transaction.set_rollback(True)
        else:
            self.import_everything()
        if self.dry_run:
            for name in self.stored_files:
                Image.file.field.storage.delete(name)
        else:
            from newsroom import pagecache

            pagecache.invalidate()
        return self.report

    def import_everything(self):
        self.import_authors()
        self.import_attachments()
        self.import_posts_and_pages()

    @contextmanager
    def one_item(self):
        """Run one item's writes in a transaction; on failure, forget what it added."""
        self.pending = []
        created, notes = Counter(self.report.created), len(self.report.notes)
        try:
            with transaction.atomic():
                yield
        except BaseException:
            for cache, key in self.pending:
                cache.pop(key, None)
            self.report.created = created
            del self.report.notes[notes:]
            raise

    def items(self):
        try:
            yield from wxr.read_export(self.path)
        except OSError as error:
            raise ImportStopped(f"Cannot read {self.path}: {error}") from None
        except wxr.ExportError as error:
            raise ImportStopped(f"Cannot import {self.path}: {error}") from None

    def check_export(self):
        """Read the whole export once: count each kind, keep authors and terms, find the site."""
        totals = self.report.totals
        self.wordpress_authors = []
        channel = None
        for thing in self.items():
            if isinstance(thing, wxr.Channel):
                channel = thing
            elif isinstance(thing, wxr.Author):
                self.wordpress_authors.append(thing)
                totals["author"] += 1
            elif isinstance(thing, wxr.Term):
                if thing.taxonomy == "category" and thing.slug:
                    self.categories[thing.slug] = thing
                    self.category_ids[thing.term_id] = thing.slug
                elif thing.taxonomy == "post_tag" and thing.slug:
                    self.tag_names[thing.slug] = thing.name
            else:
                totals[thing.post_type or "(no type)"] += 1
                if thing.post_type == "post":
                    totals["comment"] += len(thing.comments)
        self.site = site_key(channel) if channel else ""
        if not self.site:
            raise ImportStopped(
                f"Cannot import {self.path}: the export does not say which site it comes "
                "from (no <link> or <wp:base_site_url>)."
            )

    def load_known(self):
        """Read what earlier runs imported from this site, so this run skips it."""
        self.known = defaultdict(dict)
        rows = ImportedItem.objects.filter(site=self.site).values_list(
            "kind", "wordpress_id", "object_id", "source"
        )
        sources = {}
        for kind, wordpress_id, object_id, source in rows.iterator(chunk_size=5000):
            self.known[kind][wordpress_id] = object_id
            if kind == Kind.ATTACHMENT:
                sources[object_id] = source
        files = Image.objects.filter(pk__in=list(sources)).values_list("pk", "file")
        found = set()
        for pk, name in files.iterator(chunk_size=5000):
            self.pictures[sources[pk]] = name
            found.add(pk)
        # A picture an editor has deleted since is not pointed at again.
        self.picture_ids = {
            wordpress_id: pk
            for wordpress_id, pk in self.known[Kind.ATTACHMENT].items()
            if pk in found
        }
        users = get_user_model().objects.in_bulk(list(self.known[Kind.AUTHOR].values()))
        for login, pk in self.known[Kind.AUTHOR].items():
            if pk in users:
                self.authors[login] = users[pk]

    def remember(self, kind, wordpress_id, obj, source=""):
        ImportedItem.objects.create(
            site=self.site, kind=kind, wordpress_id=wordpress_id, object_id=obj.pk, source=source
        )
        self.known[kind][wordpress_id] = obj.pk
        self.pending.append((self.known[kind], wordpress_id))
        self.report.created[kind] += 1

    # Authors -------------------------------------------------------------------------

    def import_authors(self):
        users = get_user_model()
        ensure_roles()
        reporters = Group.objects.get(name=REPORTERS)
        for done, author in enumerate(self.wordpress_authors, 1):
            login = author.login
            if not login:
                self.report.skip("author", author.wordpress_id, "", "it has no login")
                continue
            if login in self.author_map:
                self.authors[login] = self.author_map[login]
                continue
            if login in self.authors:
                self.report.existing["author"] += 1
                continue
            username = login[:150]
            if (
                not re.fullmatch(r"[\w.@+-]+", username)
                or users.objects.filter(username__iexact=username).exists()
            ):
                # An account of the new site keeps its name; the import never takes it over.
                username = f"wp-{slugify(login)[:140] or author.wordpress_id}"
                suffix = 2
                base = username
                while users.objects.filter(username__iexact=username).exists():
                    username, suffix = f"{base}-{suffix}", suffix + 1
                self.report.note("author", author.wordpress_id, login, f"made as user “{username}”")
            first, last = author.first_name, author.last_name
            if not (first or last) and author.display_name:
                first, _, last = author.display_name.partition(" ")
            with self.one_item():
                user = users(
                    username=username,
                    first_name=first[:150],
                    last_name=last[:150],
                    email=author.email[:254] if "@" in author.email else "",
                    is_staff=True,
                )
                user.set_unusable_password()
                user.save()
                user.groups.add(reporters)
                self.remember(Kind.AUTHOR, login, user)
            self.authors[login] = user
            self.progress("authors", done, len(self.wordpress_authors))

    # Pictures ------------------------------------------------------------------------

    def import_attachments(self):
        total = self.report.totals["attachment"]
        done = 0
        queued = []
        for item in self.items():
            if not isinstance(item, wxr.Item) or item.post_type != "attachment":
                continue
            done += 1
            if item.wordpress_id in self.known[Kind.ATTACHMENT]:
                self.report.existing["attachment"] += 1
            else:
                image = self.import_attachment(item)
                if image is not None:
                    queued.append(image.pk)
            if len(queued) >= RENDITION_BATCH:
                self.queue_renditions(queued)
                queued = []
            self.progress("attachments", done, total)
        self.queue_renditions(queued)

    def queue_renditions(self, image_ids):
        # The worker makes them; until then pages show what exists (Image.renditions_for).
        if image_ids and not self.dry_run:
            ids = list(image_ids)
            transaction.on_commit(lambda: make_renditions.enqueue(ids))

    def import_attachment(self, item):
        label = content.shorten(item.title or item.attachment_url, 80)
        relative = (item.meta.get("_wp_attached_file") or "").strip().lstrip("/")
        relative = relative or content.upload_path(item.attachment_url)
        if not relative:
            self.report.skip("attachment", item.wordpress_id, label, "it has no file address")
            return None
        if Path(relative).suffix.lower() not in PICTURE_EXTENSIONS:
            self.report.skip("attachment", item.wordpress_id, label, "not a picture")
            return None
        try:
            data = self.read_media(relative, item.attachment_url)
        except OSError as error:
            self.report.skip("attachment", item.wordpress_id, label, str(error))
            return None
        name = Path(relative).name
        upload = File(BytesIO(data), name=name)
        fields = {
            "alt_text": content.shorten(
                " ".join(content.plain_text(item.meta.get("_wp_attachment_image_alt", "")).split())
                or " ".join(content.plain_text(item.title).split())
                or Path(name).stem,
                250,
            ),
            "caption": content.shorten(" ".join(content.plain_text(item.excerpt).split()), 500),
            "description": content.plain_text(item.content),
            "credit": read_embedded_credit(upload),
        }
        try:
            with self.one_item():
                image = Image(file=upload, **fields)
                image.save()
                self.stored_files.append(image.file.name)
                self.remember(Kind.ATTACHMENT, item.wordpress_id, image, source=relative)
        except ValidationError as error:
            self.report.skip(
                "attachment", item.wordpress_id, label, "refused: " + " ".join(error.messages)
            )
            return None
        self.pictures[relative] = image.file.name
        self.picture_ids[item.wordpress_id] = image.pk
        return image

    def read_media(self, relative, url):
        """Return the bytes of an upload, from --media-dir or (with --fetch-media) the old site."""
        if self.media_dir is not None:
            candidate = (self.media_dir / relative).resolve()
            if not candidate.is_relative_to(self.media_dir):
                raise OSError("its path leads outside --media-dir")
            if candidate.is_file():
                if candidate.stat().st_size > max_upload_bytes():
                    raise OSError(
                        f"the file is larger than {settings.IMAGE_MAX_UPLOAD_MB} MB, the most "
                        "a picture may be"
                    )
                return candidate.read_bytes()
            if not self.fetch_media:
                raise OSError(f"missing media file: {relative} is not in --media-dir")
        if not self.fetch_media:
            raise OSError("missing media file: give --media-dir or --fetch-media")
        if urlsplit(url).scheme not in ("http", "https"):
            raise OSError("its address is not http or https, so it was not fetched")
        limit = max_upload_bytes()
        request = urllib.request.Request(url, headers={"User-Agent": "Newsroom import"})  # noqa: S310
        try:
            with urllib.request.urlopen(  # noqa: S310 - the scheme is checked above
                request, timeout=settings.WORDPRESS_FETCH_TIMEOUT
            ) as response:
                data = response.read(limit + 1)
        except (OSError, ValueError) as error:
            raise OSError(f"could not be downloaded ({error})") from None
        if len(data) > limit:
            raise OSError(
                f"the file is larger than {settings.IMAGE_MAX_UPLOAD_MB} MB, the most a "
                "picture may be"
            )
        return data

    # Posts and pages -----------------------------------------------------------------

    def import_posts_and_pages(self):
        totals = self.report.totals
        done = Counter()
        for item in self.items():
            if not isinstance(item, wxr.Item):
                continue
            kind = item.post_type
            if kind == "attachment":
                continue
            done[kind] += 1
            if kind == "post":
                self.import_post(item)
                self.progress("posts", done[kind], totals[kind])
            elif kind == "page":
                self.import_page(item)
                self.progress("pages", done[kind], totals[kind])
            elif kind == "nav_menu_item":
                self.report.counted["navigation menu items (menus are not imported)"] += 1
            else:
                self.report.skip(
                    kind or "item",
                    item.wordpress_id,
                    content.shorten(item.title, 80),
                    f"unsupported post type “{kind[:40]}”",
                )

    def headline(self, item, kind):
        title = " ".join(content.plain_text(item.title).split())
        if not title:
            title = f"Untitled {kind} {item.wordpress_id}"
            self.report.note(kind, item.wordpress_id, title, "it had no title")
        if len(title) > 255:
            self.report.note(
                kind,
                item.wordpress_id,
                content.shorten(title, 80),
                f"the title was {len(title)} characters long and was cut to 255",
            )
            title = content.shorten(title, 255)
        return title

    def import_post(self, item):
        label = content.shorten(" ".join(content.plain_text(item.title).split()), 80)
        known = self.known[Kind.POST].get(item.wordpress_id)
        if known is not None:
            self.report.existing["post"] += 1
            # A later export of the same site brings the new comments of old posts.
            article = Article.objects.filter(pk=known).first()
            if article is not None and item.comments:
                try:
                    with self.one_item():
                        self.import_comments(article, item)
                except Exception as error:  # a bad item costs that item, named in the report
                    self.report.skip("post", item.wordpress_id, label, f"comments failed: {error}")
            return
        status = item.status
        if status in ("trash", "auto-draft", "inherit"):
            self.report.skip("post", item.wordpress_id, label, f"its status is “{status}”")
            return
        published_at = wxr.parse_date(item.date_gmt) or wxr.parse_date(item.date, gmt=False)
        if status in ("publish", "future") and published_at is None:
            self.report.skip(
                "post", item.wordpress_id, label, "its publication date is missing or invalid"
            )
            return
        try:
            with self.one_item():
                self.write_post(item, status, published_at)
        except Exception as error:  # a bad item costs that item, named in the report
            self.report.skip("post", item.wordpress_id, label, f"not imported: {error}")

    def write_post(self, item, status, published_at):
        headline = self.headline(item, "post")
        label = content.shorten(headline, 80)
        note = lambda message: self.report.note("post", item.wordpress_id, label, message)  # noqa: E731
        if status == "publish":
            new_status = Article.Status.PUBLISHED
        elif status == "future":
            new_status = Article.Status.PUBLISHED
        elif status == "pending":
            new_status = Article.Status.IN_REVIEW
        else:
            new_status = Article.Status.DRAFT
            if status not in ("draft",):
                note(f"its status “{status[:20]}” became a draft")
        if item.password:
            new_status = Article.Status.DRAFT
            note("it was password-protected; it is a draft")
        if self.publish_as_draft and new_status == Article.Status.PUBLISHED:
            new_status = Article.Status.DRAFT

        slug = self.unique_slug(
            usable_slug(item.slug, headline, 255) or f"post-{item.wordpress_id}", note
        )
        body = content.convert_body(item.content, self.pictures)
        for name, number in Counter(body.removed_shortcodes).items():
            note(f"shortcode [{name[:40]}] removed" + (f" ({number} times)" if number > 1 else ""))
        for src in body.missing_pictures:
            note(f"picture removed from the body (not imported): {src}")
        standfirst = " ".join(content.plain_text(item.excerpt).split())
        standfirst = content.shorten(standfirst, 400) or content.first_sentence(body.html, 400)

        featured = None
        thumbnail = (item.meta.get("_thumbnail_id") or "").strip()
        if thumbnail and thumbnail != "0":
            featured = self.picture_ids.get(thumbnail)
            if featured is None:
                note(f"its featured picture (attachment {thumbnail[:20]}) was not imported")
        modified = wxr.parse_date(item.modified_gmt)
        article = Article(
            headline=headline,
            slug=slug,
            standfirst=standfirst,
            body=body.html,
            featured_image_id=featured,
            section=self.section_for(item, note),
            status=new_status,
            published_at=published_at,
            allow_comments=item.comment_status != "closed",
        )
        if published_at and modified and modified > published_at:
            article.updated_at = modified
        article.save()
        self.remember(Kind.POST, item.wordpress_id, article)
        article.tags.set(self.tags_for(item, article))
        authors = self.authors_for(item, note)
        if authors:
            article.set_authors(authors)
        if item.sticky:
            FrontPagePin.objects.get_or_create(
                article=article,
                defaults={"kind": FrontPagePin.Kind.TOP, "position": self.sticky_position},
            )
            self.sticky_position += 1
        address = article.get_absolute_url()
        for old in (item.link, item.guid):
            self.add_redirect(old, address, note, article=article)
        self.import_comments(article, item)

    def unique_slug(self, slug, note):
        if not Article.objects.filter(slug=slug).exists():
            return slug
        number = 2
        while Article.objects.filter(slug=f"{slug[:240]}-{number}").exists():
            number += 1
        new = f"{slug[:240]}-{number}"
        note(f"the slug “{slug}” was taken; it is “{new}”")
        return new

    def section_for(self, item, note):
        categories = [
            (nicename, name) for domain, nicename, name in item.terms if domain == "category"
        ]
        primary = self.category_ids.get(
            (item.meta.get("_yoast_wpseo_primary_category") or "").strip()
        )
        slugs = [nicename for nicename, _name in categories]
        if primary not in slugs:
            primary = slugs[0] if slugs else None
        if not primary or primary.lower() in UNCATEGORISED:
            return None
        name = dict(categories).get(primary) or primary
        return self.section(primary, name, note)

    def section(self, wordpress_slug, name, note):
        slug = usable_slug(wordpress_slug, name, 60) or "section"
        if slug in self.sections:
            return self.sections[slug]
        name = " ".join(content.plain_text(name).split())[:60] or slug
        section = (
            Section.objects.filter(slug=slug).first() or Section.objects.filter(name=name).first()
        )
        if section is None:
            # Hidden until an editor chooses which belong in the masthead.
            section = Section.objects.create(name=name, slug=slug, show_in_navigation=False)
            self.report.created["section"] += 1
            term = self.categories.get(wordpress_slug)
            if term is not None and term.parent:
                note(f"category “{name}” is under “{term.parent}” in WordPress: flattened")
        self.sections[slug] = section
        self.pending.append((self.sections, slug))
        path = self.category_path(wordpress_slug)
        self.add_redirect(path, section.get_absolute_url(), note, replace=True)
        self.add_redirect(path + "feed/", section.get_absolute_url() + "feed/", note, replace=True)
        return section

    def category_path(self, slug):
        chain, seen = [slug], {slug}
        term = self.categories.get(slug)
        while term is not None and term.parent and term.parent not in seen:
            chain.insert(0, term.parent)
            seen.add(term.parent)
            term = self.categories.get(term.parent)
        return "/category/" + "/".join(chain) + "/"

    def tags_for(self, item, article):
        wanted = []
        for domain, nicename, name in item.terms:
            if domain == "post_tag" or (
                domain == "category"
                and article.section is not None
                and usable_slug(nicename, name, 60) != article.section.slug
                and nicename.lower() not in UNCATEGORISED
            ):
                wanted.append((domain, nicename, name))
        tags = []
        for domain, nicename, name in wanted:
            slug = usable_slug(nicename, name, 100)
            if not slug:
                continue
            tag = self.tags.get(slug)
            if tag is None:
                name = " ".join(content.plain_text(name).split())[:100] or slug
                tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name=name).first()
                if tag is None:
                    tag = Tag.objects.create(name=name, slug=slug)
                    self.report.created["tag"] += 1
                self.tags[slug] = tag
                self.pending.append((self.tags, slug))
            old = "/tag/" + nicename + "/" if domain == "post_tag" else self.category_path(nicename)
            if old not in self.redirected_terms:
                self.add_redirect(old, tag.get_absolute_url(), lambda message: None)
                self.add_redirect(old + "feed/", tag.get_absolute_url() + "feed/", lambda m: None)
                self.redirected_terms.add(old)
            tags.append(tag)
        return tags

    def authors_for(self, item, note):
        coauthors = [
            nicename.removeprefix("cap-")
            for domain, nicename, _name in item.terms
            if domain == "author"
        ]
        users = [self.authors[login] for login in coauthors if login in self.authors]
        if users:
            return users
        if item.creator in self.authors:
            return [self.authors[item.creator]]
        if self.default_author is not None:
            note(f"unknown author “{item.creator[:60]}” mapped to the default author")
            return [self.default_author]
        if item.creator:
            note(f"unknown author “{item.creator[:60]}”: no byline")
        return []

    def add_redirect(self, old, new_address, note, article=None, replace=False):
        """Make the old address ``old`` (a URL or path) answer 301 with ``new_address``."""
        if not old:
            return
        path = old_path(old) if "://" in old or old.startswith("/") else ""
        if not path or path == "/" or path == new_address:
            return
        if len(path) > 500 or "\x00" in path:
            note("its old address is longer than 500 characters: no redirect")
            return
        values = {"article": article, "target": "" if article else new_address}
        existing = Redirect.objects.filter(old_path=path).first()
        if existing is None:
            Redirect.objects.create(old_path=path, origin=Redirect.Origin.WORDPRESS, **values)
            self.report.created["redirect"] += 1
        elif replace and existing.origin == Redirect.Origin.WORDPRESS:
            Redirect.objects.filter(pk=existing.pk).update(**values)
        elif existing.article_id != (article.pk if article else None) or (
            not article and existing.target != new_address
        ):
            if not replace:
                note(f"the old address {path[:100]} already leads elsewhere; left as it is")

    def import_page(self, item):
        label = content.shorten(" ".join(content.plain_text(item.title).split()), 80)
        if item.wordpress_id in self.known[Kind.PAGE]:
            self.report.existing["page"] += 1
            return
        if item.status in ("trash", "auto-draft", "inherit"):
            self.report.skip("page", item.wordpress_id, label, f"its status is “{item.status}”")
            return
        note = lambda message: self.report.note("page", item.wordpress_id, label, message)  # noqa: E731
        try:
            with self.one_item():
                title = content.shorten(self.headline(item, "page"), 200)
                slug = usable_slug(item.slug, title, 80) or f"page-{item.wordpress_id}"
                conflict = slug_conflict(slug) or (
                    "another page has it" if Page.objects.filter(slug=slug).exists() else ""
                )
                if conflict:
                    wanted, number = slug, 1
                    slug = f"{wanted[:70]}-page"
                    while slug_conflict(slug) or Page.objects.filter(slug=slug).exists():
                        number += 1
                        slug = f"{wanted[:70]}-page-{number}"
                    note(f"the address /{wanted}/ clashes ({conflict}); the page is at /{slug}/")
                body = content.convert_body(item.content, self.pictures)
                for src in body.missing_pictures:
                    note(f"picture removed from the body (not imported): {src}")
                for name in sorted(set(body.removed_shortcodes)):
                    note(f"shortcode [{name[:40]}] removed")
                published = item.status == "publish" and not item.password
                if item.status == "publish" and item.password:
                    note("it was password-protected; it is a draft")
                page = Page.objects.create(
                    title=title,
                    slug=slug,
                    description=content.shorten(
                        " ".join(content.plain_text(item.excerpt).split()), 300
                    ),
                    body=body.html,
                    status=Page.Status.PUBLISHED if published else Page.Status.DRAFT,
                    order=0,
                )
                self.remember(Kind.PAGE, item.wordpress_id, page)
                for old in (item.link, item.guid):
                    self.add_redirect(old, page.get_absolute_url(), note)
        except Exception as error:  # a bad item costs that item, named in the report
            self.report.skip("page", item.wordpress_id, label, f"not imported: {error}")

    # Comments ------------------------------------------------------------------------

    def import_comments(self, article, item):
        """Create the post's new comments, threaded, with thread_root set as save() would."""
        label = content.shorten(article.headline, 60)
        known = self.known[Kind.COMMENT]
        made = {}  # WordPress id → unsaved Comment
        parents = {}  # WordPress id → WordPress id of the parent, for those made here
        for wp in item.comments:
            wordpress_id = wp.wordpress_id
            if not wordpress_id:
                self.report.skip("comment", "?", label, "it has no comment id")
                continue
            if wordpress_id in known:
                self.report.existing["comment"] += 1
                continue
            if wordpress_id in made:
                self.report.skip("comment", wordpress_id, label, "its id appears twice")
                continue
            if wp.type in ("pingback", "trackback"):
                self.report.counted[f"{wp.type}s (not imported)"] += 1
                continue
            comment = self.build_comment(article, wp, label)
            if comment is not None:
                made[wordpress_id] = comment
                parents[wordpress_id] = wp.parent.strip() or "0"
        if not made:
            return
        outside = {}  # WordPress id of a parent imported earlier → its pk
        for wordpress_id, parent in list(parents.items()):
            if parent == "0":
                parents[wordpress_id] = None
            elif parent == wordpress_id:
                self.report.note("comment", wordpress_id, label, "it replied to itself: top level")
                parents[wordpress_id] = None
            elif parent in made:
                continue
            elif parent in known:
                outside[parent] = known[parent]
            else:
                self.report.note(
                    "comment",
                    wordpress_id,
                    label,
                    f"parent {parent[:20]} is missing: top level",
                )
                parents[wordpress_id] = None
        self.break_cycles(parents, made, label)
        levels = self.levels(parents, made)
        stored = {
            row["pk"]: row
            for row in Comment.objects.filter(pk__in=list(outside.values())).values(
                "pk", "status", "thread_root_id"
            )
        }
        saved = {}  # WordPress id → saved Comment
        with given_dates(Comment, "created"):
            for level in levels:
                batch = []
                for wordpress_id in level:
                    comment = made[wordpress_id]
                    parent = parents[wordpress_id]
                    if parent in saved:
                        above = saved[parent]
                        comment.parent_id = above.pk
                        if above.status == Comment.Status.APPROVED:
                            comment.thread_root_id = above.thread_root_id or above.pk
                    elif parent in outside and outside[parent] in stored:
                        row = stored[outside[parent]]
                        comment.parent_id = row["pk"]
                        if row["status"] == Comment.Status.APPROVED:
                            comment.thread_root_id = row["thread_root_id"] or row["pk"]
                    batch.append((wordpress_id, comment))
                Comment.objects.bulk_create([comment for _id, comment in batch])
                saved.update(batch)
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    site=self.site, kind=Kind.COMMENT, wordpress_id=wordpress_id, object_id=c.pk
                )
                for wordpress_id, c in saved.items()
            ]
        )
        for wordpress_id, comment in saved.items():
            known[wordpress_id] = comment.pk
            self.pending.append((known, wordpress_id))
        self.report.created["comment"] += len(saved)

    def break_cycles(self, parents, made, label):
        """Make the comment that closes a loop of parents a thread of its own."""
        state = {}
        for start in made:
            path = []
            node = start
            while node is not None and node in made and state.get(node) is None:
                state[node] = "walking"
                path.append(node)
                node = parents.get(node)
                if node is not None and state.get(node) == "walking":
                    self.report.note(
                        "comment", path[-1], label, "its parents went round in a loop: top level"
                    )
                    parents[path[-1]] = None
                    break
            for walked in path:
                state[walked] = "done"

    @staticmethod
    def levels(parents, made):
        """Return the comments in levels: each one's parent in an earlier level (or none)."""
        depth = {}

        def depth_of(wordpress_id):
            chain = []
            node = wordpress_id
            while node in made and node not in depth:
                chain.append(node)
                node = parents.get(node)
            base = depth.get(node, -1) if node in made else -1
            for walked in reversed(chain):
                base += 1
                depth[walked] = base
            return depth[wordpress_id]

        grouped = defaultdict(list)
        for wordpress_id in made:
            grouped[depth_of(wordpress_id)].append(wordpress_id)
        return [grouped[number] for number in sorted(grouped)]

    def build_comment(self, article, wp, label):
        status = COMMENT_STATUSES.get(wp.approved.strip().lower())
        if status is None:
            self.report.note(
                "comment", wp.wordpress_id, label, f"unknown status “{wp.approved[:20]}”: pending"
            )
            status = Comment.Status.PENDING
        cap = settings.COMMENTS_MAX_COMBINING_MARKS
        text = clean_comment_text(content.plain_text(wp.content), cap)[:TEXT_MAX_LENGTH].strip()
        if not text:
            self.report.skip("comment", wp.wordpress_id, label, "it has no text")
            return None
        name = clean_single_line(" ".join(content.plain_text(wp.author).split()), cap)[:245]
        email = wp.email.strip().lower()
        if len(email) > 100 or "@" not in email:
            email = ""
        website = wp.url.strip()
        if len(website) > 200 or urlsplit(website).scheme.lower() not in ("http", "https"):
            website = ""
        try:
            ip_address = str(ipaddress.ip_address(wp.ip.strip()))
        except ValueError:
            ip_address = None
        created = (
            wxr.parse_date(wp.date_gmt)
            or wxr.parse_date(wp.date, gmt=False)
            or article.published_at
            or timezone.now()
        )
        return Comment(
            article=article,
            status=status,
            name=name.strip() or "Anonymous",
            email=email,
            website=website,
            text=text,
            ip_address=ip_address,
            created=created,
        )
