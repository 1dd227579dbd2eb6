"""The sitemap search engines read at /sitemap.xml."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Article, Tag


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, name):
        return reverse(name)


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at", "created_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.updated_at or article.published_at


class TagSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        # Only tags readers can find something under, with their newest article's date.
        return (
            Tag.objects.filter(articles__in=Article.objects.published())
            .annotate(latest=Max("articles__published_at"))
            .order_by("name")
        )

    def lastmod(self, tag):
        return tag.latest


SITEMAPS = {"home": HomeSitemap, "articles": ArticleSitemap, "tags": TagSitemap}
