"""RSS feeds: the latest articles, and the latest articles with a tag or in a section."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed

from .models import Article, Tag
from .pagination import first_rows, tagged
from .sections import find_section

FEED_LENGTH = 20


def _site():
    # The name and tagline editors set (pages/furniture.py: cached per page cache
    # generation). Imported here: the pages app builds on articles, not the other way.
    from pages import furniture

    return furniture.current()


class LatestArticlesFeed(Feed):
    """The newest published articles, as feed readers and aggregators expect at /feed/."""

    feed_type = Rss201rev2Feed
    description_template = None

    def title(self):
        return _site().site_name

    def link(self):
        return reverse("articles:home")

    def description(self):
        return _site().site_tagline

    def articles(self):
        return Article.objects.published()

    def items(self):
        return self.newest(self.articles())

    @staticmethod
    def newest(articles):
        # The ids first, then only those rows with their tags and bylines: a big tag's
        # comment counts are never computed for rows a sort throws away. Items carry
        # the standfirst, so the bodies (half a megabyte for 20 long articles) stay in
        # the database.
        return first_rows(
            articles,
            FEED_LENGTH,
            lambda rows: rows.with_card_data().with_tags().defer("body", "body_text"),
        )

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        # The standfirst, not the body: readers come to the site for the story.
        return article.standfirst

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return article.display_byline

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


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
