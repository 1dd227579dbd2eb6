"""The sitemaps search engines read: an index at /sitemap.xml and the files it lists.

Every public article is in exactly one file, ``/sitemap-articles-YYYY-MM.xml``, by the
month (local time, as permalinks) it was published: a month's file changes only when its
own articles do, and stays small (about 850 articles a month for a 100,000-article,
ten-year archive; past ``ArticleMonthSitemap.limit`` a month's file is split with
``?p=2``, listed in the index). ``/sitemap-home.xml``, ``/sitemap-tags.xml`` (tags with a
published article) and ``/sitemap-authors.xml`` (authors with one) complete it.

Which months have articles, how many and their newest change come from one GROUP BY over
the published articles, cached like list counts (``articles.pagination.cached``: per page
cache generation, never past the next scheduled publication), so the index costs no
query once cached, a month that has no articles is never listed and answers 404, and a
scheduled article appears in its month's file (and its month in the index) on the minute.
"""

import re
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count, Exists, Max, OuterRef
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from .models import Article, ArticleAuthor, Tag
from .pagination import cached

SECTION = re.compile(r"articles-(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")


def summary():
    """Return what the index needs to know, cached (see the module docstring).

    ``months``: ``{(year, month): (article count, newest change)}`` for months with
    published articles; ``tags`` and ``authors``: how many each file lists.
    """

    def compute():
        rows = (
            Article.objects.published()
            .annotate(month=TruncMonth("published_at"))
            .order_by()
            .values("month")
            .annotate(articles=Count("pk"), latest=Max(Coalesce("updated_at", "published_at")))
        )
        months = {
            (row["month"].year, row["month"].month): (row["articles"], row["latest"])
            for row in rows
        }
        return {
            "months": months,
            "latest": max((latest for _, latest in months.values()), default=None),
            "tags": TagSitemap().items().count(),
            "authors": AuthorSitemap().items().count(),
        }

    return cached("sitemap-summary", compute)


class CountedSitemap(Sitemap):
    """A sitemap whose length is known from ``summary()``, so paging it runs no COUNT."""

    def __init__(self, count=None, latest=None):
        self.count, self.latest = count, latest

    def get_latest_lastmod(self):
        # What the index shows for the file: its newest change. Lists of home, tags and
        # authors change only when an article is published or changed.
        return self.latest

    @property
    def paginator(self):
        pages = super().paginator
        if self.count is not None:
            pages.count = self.count
        return pages


class HomeSitemap(CountedSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.latest


class ArticleMonthSitemap(CountedSitemap):
    """The articles published in one month, oldest first."""

    changefreq = "daily"
    priority = 0.8
    limit = 5000

    def __init__(self, year, month, count=None, latest=None):
        super().__init__(count, latest)
        self.year, self.month = year, month

    def items(self):
        start = timezone.make_aware(datetime(self.year, self.month, 1))
        end = timezone.make_aware(datetime(self.year + self.month // 12, self.month % 12 + 1, 1))
        return (
            Article.objects.published()
            .filter(published_at__gte=start, published_at__lt=end)
            .only("slug", "published_at", "updated_at", "created_at")
            .order_by("published_at", "pk")
        )

    def lastmod(self, article):
        return article.updated_at or article.published_at


class TagSitemap(CountedSitemap):
    """Tags readers find something under.

    No per-tag date: the newest article of each of 500 tags is a join over every tagged
    article (0.5 s at 100,000), where "has one" is a probe per tag.
    """

    changefreq = "daily"
    priority = 0.5

    def items(self):
        has_published = Article.objects.published().filter(tags=OuterRef("pk"))
        return Tag.objects.filter(Exists(has_published)).order_by("name")


class AuthorSitemap(CountedSitemap):
    """Authors with a published article: the ones with a page."""

    changefreq = "daily"
    priority = 0.5

    def items(self):
        bylines = ArticleAuthor.objects.filter(
            author=OuterRef("pk"), article__in=Article.objects.published()
        )
        return (
            get_user_model()
            .objects.filter(Exists(bylines), is_active=True)
            .only("username")
            .order_by("username")
        )

    def location(self, user):
        return reverse("articles:author", kwargs={"username": user.username})


def sections():
    """Return every sitemap file, by name, in the order the index lists them."""
    site = summary()
    listed = {
        "home": HomeSitemap(1, site["latest"]),
        "tags": TagSitemap(site["tags"], site["latest"]),
        "authors": AuthorSitemap(site["authors"], site["latest"]),
    }
    for (year, month), (count, latest) in sorted(site["months"].items(), reverse=True):
        listed[f"articles-{year}-{month:02d}"] = ArticleMonthSitemap(year, month, count, latest)
    return listed


def index(request):
    """The sitemap index at /sitemap.xml: one entry per file (Django's view and template)."""
    return sitemap_views.index(request, sections(), sitemap_url_name="sitemap-section")


def section(request, section):
    """One sitemap file; a month without published articles is a 404."""
    match = SECTION.fullmatch(section)
    if match:
        months = summary()["months"]
        key = (int(match["year"]), int(match["month"]))
        if key not in months:
            raise Http404("No articles were published that month.")
        sitemap = ArticleMonthSitemap(*key, *months[key])
    elif section in ("home", "tags", "authors"):
        sitemap = sections()[section]
    else:
        raise Http404("No such sitemap.")
    return sitemap_views.sitemap(request, {section: sitemap}, section=section)
