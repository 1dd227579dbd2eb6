"""Reading a WordPress export (WXR 1.0, 1.1, 1.2) one item at a time, in bounded memory.

``read_export`` yields plain values (``Author``, ``Term``, ``Item``), never XML: each
element is cleared as soon as it is read, so a 500 MB export costs one item's memory.
The parser is defusedxml's: a document type with entities (billion laughs) or external
references is refused before anything is expanded or fetched.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils import timezone

# wp: is http or https, wordpress.org or wordpress.com, export 1.0, 1.1 or 1.2.
WP_NAMESPACE = re.compile(r"^https?://wordpress\.(?:org|com)/export/1\.[0-2]/$")
OTHER_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.(?:org|com)/export/1\.[0-2]/excerpt/$")


class ExportError(Exception):
    """The file cannot be read as a WordPress export, for the reason in the message."""


@dataclass
class Author:
    wordpress_id: str
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category, tag or other term declared at the top of the export."""

    taxonomy: str  # "category", "post_tag", "author" (Co-Authors Plus)…
    term_id: str
    slug: str
    name: str
    parent: str = ""  # the parent's slug


@dataclass
class Comment:
    wordpress_id: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date_gmt: str = ""
    date: str = ""
    content: str = ""
    approved: str = ""
    type: str = ""
    parent: str = "0"


@dataclass
class Item:
    """One ``<item>``: a post, page, attachment, menu item or anything else."""

    wordpress_id: str = ""
    post_type: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: str = ""
    date_gmt: str = ""
    modified_gmt: str = ""
    slug: str = ""
    status: str = ""
    parent: str = ""
    password: str = ""
    comment_status: str = ""
    sticky: bool = False
    attachment_url: str = ""
    # (domain, nicename, name) in the export's order.
    terms: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


@dataclass
class Channel:
    """What the export says about the site itself."""

    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


def _local(tag, prefixes):
    """Return ``wp:post_id`` for ``{http://wordpress.org/export/1.2/}post_id``."""
    if tag.startswith("{"):
        uri, name = tag[1:].split("}", 1)
        return f"{prefixes.get(uri, uri)}:{name}"
    return tag


def _text(element):
    return element.text or ""


def read_export(path):
    """Yield the ``Channel``, then each ``Author``, ``Term`` and ``Item`` of the export.

    Raise ExportError for a file that is not XML, not a WordPress export, truncated,
    or carries entities or external references.
    """
    prefixes = {}
    depth = 0
    channel = None
    channel_info = Channel()
    saw_wp = False
    saw_rss = False
    try:
        for event, payload in iterparse(
            str(path), events=("start-ns", "start", "end"), forbid_dtd=False
        ):
            if event == "start-ns":
                _prefix, uri = payload
                if WP_NAMESPACE.match(uri):
                    prefixes[uri] = "wp"
                    saw_wp = True
                elif EXCERPT_NAMESPACE.match(uri):
                    prefixes[uri] = "excerpt"
                elif uri in OTHER_NAMESPACES:
                    prefixes[uri] = OTHER_NAMESPACES[uri]
                continue
            element = payload
            if event == "start":
                depth += 1
                if depth == 1:
                    if element.tag != "rss":
                        raise ExportError(
                            f"this is XML, but not a WordPress export (it starts with "
                            f"<{element.tag[:80]}>, not <rss>)."
                        )
                    saw_rss = True
                elif depth == 2 and element.tag == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            # A child of <channel> is complete: turn it into values and let it go.
            if not saw_wp:
                raise ExportError(
                    "this is an RSS feed, not a WordPress export: it has no wp: namespace "
                    "(export it from Tools → Export → All content)."
                )
            name = _local(element.tag, prefixes)
            if name == "item":
                if channel_info is not None:
                    yield channel_info
                    channel_info = None
                yield _item(element, prefixes)
            elif name == "wp:author":
                yield _author(element, prefixes)
            elif name in ("wp:category", "wp:tag", "wp:term"):
                term = _term(name, element, prefixes)
                if term is not None:
                    yield term
            elif channel_info is not None:
                key = {
                    "link": "link",
                    "wp:base_site_url": "base_site_url",
                    "wp:base_blog_url": "base_blog_url",
                    "wp:wxr_version": "wxr_version",
                }.get(name)
                if key:
                    setattr(channel_info, key, _text(element).strip())
            channel.remove(element)
    except ParseError as error:
        raise ExportError(f"the file is not well-formed XML ({error}); is it complete?") from None
    except DefusedXmlException as error:
        raise ExportError(
            f"the file declares entities or external references, which an export never "
            f"has; refused for safety ({type(error).__name__})."
        ) from None
    if not saw_rss or channel is None:
        raise ExportError("the file has no <rss><channel>: it is not a WordPress export.")
    if not saw_wp:
        raise ExportError("the file has no wp: namespace: it is not a WordPress export.")
    if channel_info is not None:
        yield channel_info


def _author(element, prefixes):
    values = {_local(child.tag, prefixes): _text(child).strip() for child in element}
    return Author(
        wordpress_id=values.get("wp:author_id", ""),
        login=values.get("wp:author_login", ""),
        email=values.get("wp:author_email", ""),
        display_name=values.get("wp:author_display_name", ""),
        first_name=values.get("wp:author_first_name", ""),
        last_name=values.get("wp:author_last_name", ""),
    )


def _term(name, element, prefixes):
    values = {_local(child.tag, prefixes): _text(child).strip() for child in element}
    if name == "wp:category":
        return Term(
            "category",
            values.get("wp:term_id", ""),
            values.get("wp:category_nicename", ""),
            values.get("wp:cat_name", ""),
            values.get("wp:category_parent", ""),
        )
    if name == "wp:tag":
        return Term(
            "post_tag",
            values.get("wp:term_id", ""),
            values.get("wp:tag_slug", ""),
            values.get("wp:tag_name", ""),
        )
    return Term(
        values.get("wp:term_taxonomy", ""),
        values.get("wp:term_id", ""),
        values.get("wp:term_slug", ""),
        values.get("wp:term_name", ""),
        values.get("wp:term_parent", ""),
    )


ITEM_FIELDS = {
    "title": "title",
    "link": "link",
    "guid": "guid",
    "dc:creator": "creator",
    "content:encoded": "content",
    "excerpt:encoded": "excerpt",
    "wp:post_id": "wordpress_id",
    "wp:post_type": "post_type",
    "wp:post_date": "date",
    "wp:post_date_gmt": "date_gmt",
    "wp:post_modified_gmt": "modified_gmt",
    "wp:post_name": "slug",
    "wp:status": "status",
    "wp:post_parent": "parent",
    "wp:post_password": "password",
    "wp:comment_status": "comment_status",
    "wp:attachment_url": "attachment_url",
}
COMMENT_FIELDS = {
    "wp:comment_id": "wordpress_id",
    "wp:comment_author": "author",
    "wp:comment_author_email": "email",
    "wp:comment_author_url": "url",
    "wp:comment_author_IP": "ip",
    "wp:comment_date_gmt": "date_gmt",
    "wp:comment_date": "date",
    "wp:comment_content": "content",
    "wp:comment_approved": "approved",
    "wp:comment_type": "type",
    "wp:comment_parent": "parent",
}


def _item(element, prefixes):
    item = Item()
    for child in element:
        name = _local(child.tag, prefixes)
        if name in ITEM_FIELDS:
            value = _text(child)
            setattr(item, ITEM_FIELDS[name], value if name.endswith("encoded") else value.strip())
        elif name == "wp:is_sticky":
            item.sticky = _text(child).strip() == "1"
        elif name == "category":
            item.terms.append(
                (child.get("domain", ""), child.get("nicename", ""), _text(child).strip())
            )
        elif name == "wp:postmeta":
            values = {_local(part.tag, prefixes): _text(part) for part in child}
            item.meta.setdefault(values.get("wp:meta_key", ""), values.get("wp:meta_value", ""))
        elif name == "wp:comment":
            comment = Comment(wordpress_id="")
            for part in child:
                part_name = _local(part.tag, prefixes)
                if part_name in COMMENT_FIELDS:
                    value = _text(part)
                    if part_name != "wp:comment_content":
                        value = value.strip()
                    setattr(comment, COMMENT_FIELDS[part_name], value)
            item.comments.append(comment)
    element.clear()
    return item


def parse_date(value, gmt=True):
    """Return an aware datetime for WordPress's "2019-03-05 10:04:00", or None.

    WordPress writes "0000-00-00 00:00:00" for dates never set (drafts). Dates that are
    not GMT are read in the site's own time zone (TIME_ZONE).
    """
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        moment = datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None
    if moment.year < 1900:
        return None
    if gmt:
        return moment.replace(tzinfo=UTC)
    return timezone.make_aware(moment)
