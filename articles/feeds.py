"""RSS 2.0 and Atom 1.0 feeds: the site, each section, each tag and each author.

Each item carries its title, address, a guid that survives edits of the headline, slug
or date (a tag URI from the article's id and the day it was created), the byline as
``dc:creator`` (Atom: ``author``), published and updated dates, the tags as categories,
the featured picture as ``media:content`` with its credit, and the standfirst, plus the
whole sanitised body when ``FEED_FULL_TEXT`` (the default; RSS ``content:encoded``, Atom
``content``), its pictures as plain ``<img>`` renditions and every address absolute.

Items are fetched ids-first (``first_rows``); bodies are read only when the feed shows
them. A fixed number of queries at any archive size: tests/articles/test_feeds.py.
Feeds answer conditional GETs: ``Last-Modified`` (the newest item's change, set by
Django's Feed) and an ETag (``with_etag``), compared by
``newsroom.middleware.ConditionalGetMiddleware``.
"""

import copy
import io
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from .editor import replace_body_images
from .models import Article, Rendition, Tag
from .pagination import authored, first_rows, tagged
from .sections import find_section

FEED_LENGTH = 20
# The widest picture a feed item names: feed readers show it across a phone or a column.
FEED_PICTURE_WIDTH = 1280
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
# An address attribute whose value starts with one "/": relative to the site.
SITE_RELATIVE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')


def _site():
    # The name and tagline editors set (pages/furniture.py: cached per page cache
    # generation). Imported here: the pages app builds on articles, not the other way.
    from pages import furniture

    return furniture.current()


def _largest_fallback(image):
    """Return the widest JPEG/PNG of ``image``'s own shape fetched, up to the feed's width."""
    renditions = [
        r
        for r in image.renditions.all()
        if r.crop == "" and r.format != "webp" and r.width <= FEED_PICTURE_WIDTH
    ]
    return max(renditions, key=lambda r: r.width, default=None)


def _media_elements(handler, media):
    if media is None:
        return
    handler.startElement(
        "media:content",
        {
            "url": media["url"],
            "type": media["type"],
            "medium": "image",
            "width": str(media["width"]),
            "height": str(media["height"]),
        },
    )
    if media["credit"]:
        handler.addQuickElement("media:credit", media["credit"])
    handler.addQuickElement("media:description", media["description"], {"type": "plain"})
    handler.endElement("media:content")


class WrittenAtOnce:
    """Write the whole document into the response in one piece.

    Django's feed generators write every tag and run of text straight to the response:
    some 1,200 small writes for 20 full-text items, each encoded and appended on its
    own. Into a string buffer, then once into the response, the same document costs
    a millisecond or two less.
    """

    def write(self, outfile, encoding):
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())


class NewsRss(WrittenAtOnce, Rss201rev2Feed):
    """RSS 2.0 with the modules feed readers understand: Dublin Core, content, Media RSS."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:dcterms": DCTERMS_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["updateddate"] is not None:
            handler.addQuickElement("dcterms:modified", item["updateddate"].isoformat())
        if item.get("full_text"):
            handler.addQuickElement("content:encoded", item["full_text"])
        _media_elements(handler, item.get("media"))


class NewsAtom(WrittenAtOnce, Atom1Feed):
    """Atom 1.0 with the whole body as ``content`` and the picture in Media RSS."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("full_text"):
            handler.addQuickElement("content", item["full_text"], {"type": "html"})
        _media_elements(handler, item.get("media"))


class LatestArticlesFeed(Feed):
    """The newest published articles, as feed readers and aggregators expect at /feed/."""

    feed_type = NewsRss
    description_template = None
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request (urls.py): each gets its own copy to hold
        # the request the items' absolute addresses and guids are built from.
        feed = copy.copy(self)
        feed.request = request
        return super(LatestArticlesFeed, feed).__call__(request, *args, **kwargs)

    def title(self):
        return _site().site_name

    def link(self):
        return reverse("articles:home")

    def description(self):
        return _site().site_tagline

    def author_name(self):
        # Atom needs an author for every entry; one without a byline has the site's.
        return _site().site_name

    def feed_url(self):
        return self.request.path

    def items(self):
        return self.newest(Article.objects.published())

    @staticmethod
    def newest(articles):
        # The ids first, then only those rows with their tags, bylines and picture: a
        # big tag's comment counts are never computed for rows a sort throws away. The
        # bodies (half a megabyte for 20 long articles) are read only for full text.
        full_text = settings.FEED_FULL_TEXT
        fallbacks = Rendition.objects.filter(crop="").exclude(format="webp")

        def prepare(rows):
            rows = (
                rows.with_card_data()
                .with_tags()
                .prefetch_related(Prefetch("featured_image__renditions", queryset=fallbacks))
            )
            if not full_text:
                return rows.defer("body", "body_text")
            return rows.defer("body_text").prefetch_related(
                Prefetch("body_images__renditions", queryset=fallbacks)
            )

        return first_rows(articles, FEED_LENGTH, prepare)

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        return article.standfirst or article.headline

    def item_guid(self, article):
        # Neither the address (slug and date change) nor the headline: the id, with the
        # site's host and the day the row was made, as a tag URI (RFC 4151).
        host = self.request.get_host().split(":")[0]
        return f"tag:{host},{article.created_at:%Y-%m-%d}:article:{article.pk}"

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at or article.published_at

    def item_author_name(self, article):
        return article.display_byline or None

    def item_author_link(self, article):
        authors = article.ordered_authors
        if article.byline or len(authors) != 1:
            return None
        path = reverse("articles:author", kwargs={"username": authors[0].username})
        return self.request.build_absolute_uri(path)

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]

    def item_extra_kwargs(self, article):
        extra = {"media": self._media(article)}
        if settings.FEED_FULL_TEXT:
            extra["full_text"] = self._full_text(article)
        return extra

    def _media(self, article):
        image = article.featured_image
        rendition = _largest_fallback(image) if image else None
        if rendition is None:
            return None
        return {
            "url": self.request.build_absolute_uri(rendition.url),
            "type": rendition.mime_type,
            "width": rendition.width,
            "height": rendition.height,
            "credit": image.credit,
            "description": image.caption or image.alt_text,
        }

    def _full_text(self, article):
        """Return the sanitised body for feed readers: plain pictures, absolute addresses."""
        images = {image.file.name: image for image in article.body_images.all()}

        def plain_picture(name, attributes):
            image = images.get(name)
            rendition = _largest_fallback(image) if image else None
            if rendition is None:
                # Never the private original: a picture without renditions is left out.
                return ""
            alt = attributes.get("alt") or image.alt_text
            return (
                f'<img src="{escape(rendition.url)}" alt="{escape(alt)}"'
                f' width="{rendition.width}" height="{rendition.height}">'
            )

        # The body was sanitised on save (articles/editor.py); the pictures are ours.
        body = replace_body_images(article.body, plain_picture)
        base = self.request.build_absolute_uri("/").rstrip("/")
        return SITE_RELATIVE.sub(lambda m: f'{m.group(1)}{base}{m.group(2)}"', body)


class LatestArticlesAtom(LatestArticlesFeed):
    """/feed/atom/: the same items as Atom 1.0."""

    feed_type = NewsAtom

    def subtitle(self):
        return _site().site_tagline


class TagFeed(LatestArticlesFeed):
    """The newest published articles with one tag, at /tag/<slug>/feed/."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"{tag.name} · {_site().site_name}"

    def link(self, tag):
        return tag.get_absolute_url()

    def description(self, tag):
        return tag.description or f"The latest articles about {tag.name}."

    def items(self, tag):
        return self.newest(tagged(tag))


class TagAtom(TagFeed):
    feed_type = NewsAtom

    def subtitle(self, tag):
        return self.description(tag)


class SectionFeed(LatestArticlesFeed):
    """The newest published articles in one section, at /section/<slug>/feed/."""

    def get_object(self, request, slug):
        return find_section(slug)

    def title(self, section):
        return f"{section.name} · {_site().site_name}"

    def link(self, section):
        return section.get_absolute_url()

    def description(self, section):
        return section.description or f"The latest articles in {section.name}."

    def items(self, section):
        return self.newest(Article.objects.published().in_section(section))


class SectionAtom(SectionFeed):
    feed_type = NewsAtom

    def subtitle(self, section):
        return self.description(section)


class AuthorFeed(LatestArticlesFeed):
    """An author's newest published articles, at /author/<username>/feed/.

    Like the author's page, it does not exist for an account with nothing published.
    """

    def get_object(self, request, username):
        return get_object_or_404(get_user_model(), username=username, is_active=True)

    def title(self, author):
        return f"{author.get_full_name() or author.get_username()} · {_site().site_name}"

    def link(self, author):
        return reverse("articles:author", kwargs={"username": author.username})

    def description(self, author):
        return f"The latest articles by {author.get_full_name() or author.get_username()}."

    def items(self, author):
        # As the author's page reads them: a prolific author's list walks the index.
        articles = self.newest(authored(author))
        if not articles:
            raise Http404("This author has no published articles.")
        return articles


class AuthorAtom(AuthorFeed):
    feed_type = NewsAtom

    def subtitle(self, author):
        return self.description(author)
