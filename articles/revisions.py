"""Article revisions: what is kept on each save, how two are compared, how one is restored.

A revision is a JSON snapshot rather than a copy of the row so it survives later
changes to the article's relations: the picture's caption and credit, the tags'
and the authors' names are stored as they were when the article was saved.
"""

import difflib
import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime

from .models import Article, ArticleAuthor, ArticleRevision, Image, Tag

# Field order on the history page, with the labels editors know from the form.
FIELD_LABELS = {
    "headline": "Headline",
    "slug": "Slug",
    "standfirst": "Standfirst",
    "body": "Body",
    "featured_image": "Featured picture",
    "seo_title": "SEO title",
    "meta_description": "Meta description",
    "social_image": "Social picture",
    "authors": "Authors",
    "byline": "Byline",
    "tags": "Tags",
    "status": "Status",
    "published_at": "Publication date",
    "updated_at": "Updated",
    "allow_comments": "Allow comments",
}
# Snapshot fields holding a time (ISO 8601), and how revision pages print times; the
# templates (templates/admin/articles/article/revision*.html) use the same format.
DATE_FIELDS = {"published_at", "updated_at"}
REVISION_TIME_FORMAT = "j F Y, H:i"
_BLOCK_END = re.compile(r"(</(?:p|h2|h3|h4|li|blockquote|pre|figure|table|tr|ul|ol)>|<br\s*/?>)")


def _picture(image):
    if image is None:
        return None
    return {
        "id": image.pk,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
    }


def snapshot(article):
    """Return every field of ``article``, its picture, tags and authors, as plain JSON."""
    return {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "featured_image": _picture(article.featured_image),
        "seo_title": article.seo_title,
        "meta_description": article.meta_description,
        "social_image": _picture(article.social_image),
        "tags": [{"id": tag.pk, "name": tag.name} for tag in article.tags.order_by("name")],
        "authors": [
            {
                "id": authorship.author_id,
                "username": authorship.author.get_username(),
                "name": authorship.author.get_full_name(),
            }
            for authorship in ArticleAuthor.objects.filter(article=article).select_related("author")
        ],
        "byline": article.byline,
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "updated_at": article.updated_at.isoformat() if article.updated_at else None,
        "allow_comments": article.allow_comments,
    }


def record(article, user, note=""):
    """Keep a revision of ``article`` as it is now in the database, saved by ``user``."""
    return ArticleRevision.objects.create(
        article=article,
        user=user if user and user.is_authenticated else None,
        note=note,
        data=snapshot(article),
    )


def _lines(name, value):
    """Return a field's value as the lines a diff compares."""
    if value is None or value == "" or value == []:
        return []
    if name == "body":
        return [line for line in _BLOCK_END.sub(r"\1\n", value).splitlines() if line.strip()]
    if name in ("featured_image", "social_image"):
        return [
            f"Picture #{value['id']}: {value['alt_text']}",
            f"Caption: {value['caption']}",
            f"Credit: {value['credit']}",
        ]
    if name == "tags":
        return [tag["name"] for tag in value]
    if name == "authors":
        return [author["name"] or author["username"] for author in value]
    if name == "status":
        return [Article.Status(value).label if value in Article.Status.values else value]
    if name == "allow_comments":
        return ["Yes" if value else "No"]
    if name in DATE_FIELDS:
        return [_readable_time(value)]
    return str(value).splitlines()


def _readable_time(value):
    """Return a snapshot's ISO time as the revision pages print times: "1 December 2026, 10:16"."""
    moment = parse_datetime(value)
    if moment is None:
        return value
    # 24-hour time, as the public site prints it: Django's default format ends in
    # "a.m.", which doubled the dot of a sentence ending after it ("10:16 a.m..").
    return dateformat.format(timezone.localtime(moment), REVISION_TIME_FORMAT)


def changed_labels(old, new):
    """Return the labels of the fields ``diff`` would list, without diffing them.

    For the history page, which needs only the names: equal values are skipped at
    once, and the others compared as the lines ``diff`` would compare, so blank and
    missing values count as the same here too.
    """
    labels = []
    for name, label in FIELD_LABELS.items():
        before, after = (old or {}).get(name), new.get(name)
        if before != after and _lines(name, before) != _lines(name, after):
            labels.append(label)
    return labels


def diff(old, new):
    """Compare two snapshots; return the changed fields with their line-by-line diff.

    Each item is ``(label, lines)`` where a line is ``(kind, text)`` and kind is
    ``"removed"``, ``"added"`` or ``"same"``. The text is left for the template to
    escape.
    """
    changes = []
    for name, label in FIELD_LABELS.items():
        before, after = _lines(name, (old or {}).get(name)), _lines(name, new.get(name))
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before, after):
            code, text = line[:2], line[2:]
            if code == "- ":
                lines.append(("removed", text))
            elif code == "+ ":
                lines.append(("added", text))
            elif code == "  ":
                lines.append(("same", text))
        changes.append((label, lines))
    return changes


# What an edit conflict compares (ArticleAdminForm): the text, the part two people
# typing at once lose to each other.
TEXT_FIELDS = ("headline", "standfirst", "body")


def text_diff(theirs, yours):
    """Compare the text of two versions of an article, given as dicts of TEXT_FIELDS.

    Lines only in ``theirs`` are "removed", lines only in ``yours`` "added": read as
    what saving yours would change in theirs.
    """
    return diff({name: theirs.get(name) for name in TEXT_FIELDS}, yours)


# What a restore puts back (``restore``): the address, status and dates stay.
RESTORED_FIELDS = (
    "headline",
    "standfirst",
    "body",
    "featured_image",
    "authors",
    "byline",
    "tags",
    "allow_comments",
    "seo_title",
    "meta_description",
    "social_image",
)


def restore_diff(article, revision):
    """Compare ``article`` as stored now with what restoring ``revision`` would make it.

    Lines only in the article are "removed", lines only in the revision "added".
    """
    live = snapshot(article)
    return diff(
        {name: live[name] for name in RESTORED_FIELDS},
        {name: revision.data.get(name) for name in RESTORED_FIELDS},
    )


@transaction.atomic
def restore(article, revision, user, *, minor_edit=False):
    """Put ``revision``'s content back into ``article``; return what could not be.

    A published article (live or scheduled) stays published, in the one UPDATE of its
    row: readers see the old text, then the restored one, never a missing page; it is
    marked updated unless ``minor_edit``. Any other article becomes a draft, as a
    restore always made it. The slug and publication date stay as they are, so links
    keep working; the picture, tags and authors come back where they still exist.
    Pictures in the library are shared, so their current caption and credit are left
    alone. Return the names of what could not be restored.
    """
    data = revision.data
    missing = []
    keeps_published = article.is_published
    article.headline = data["headline"]
    article.standfirst = data["standfirst"]
    article.body = data["body"]
    article.byline = data["byline"]
    article.allow_comments = data["allow_comments"]
    # Revisions kept before the search and sharing fields existed have none.
    article.seo_title = data.get("seo_title", "")
    article.meta_description = data.get("meta_description", "")
    social = data.get("social_image")
    article.social_image = Image.objects.filter(pk=social["id"]).first() if social else None
    if social and article.social_image is None:
        missing.append(f"social picture “{social['alt_text']}”")
    if not keeps_published:
        article.status = Article.Status.DRAFT
    image = data["featured_image"]
    article.featured_image = None
    if image:
        article.featured_image = Image.objects.filter(pk=image["id"]).first()
        if article.featured_image is None:
            missing.append(f"picture “{image['alt_text']}”")
    article.save(minor_edit=minor_edit)
    tags = Tag.objects.filter(pk__in=[tag["id"] for tag in data["tags"]])
    article.tags.set(tags)
    missing += [tag["name"] for tag in data["tags"] if tag["id"] not in {t.pk for t in tags}]
    users = get_user_model().objects.in_bulk([author["id"] for author in data["authors"]])
    article.set_authors(users[author["id"]] for author in data["authors"] if author["id"] in users)
    missing += [
        author["name"] or author["username"]
        for author in data["authors"]
        if author["id"] not in users
    ]
    when = timezone.localtime(revision.created).strftime("%Y-%m-%d %H:%M")
    if keeps_published:
        note = f"Restored from the revision of {when}, kept published"
        if minor_edit:
            note += " (minor change)"
    else:
        note = f"Restored as a draft from the revision of {when}"
    record(article, user, note=note)
    return missing
