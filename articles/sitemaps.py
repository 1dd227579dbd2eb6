"""The sitemaps search engines read: an index at /sitemap.xml and the files it lists.

Every public article is in exactly one file, ``/sitemap-articles-YYYY-MM.xml``, by the
month (local time, as permalinks) it was published: a month's file changes only when its
own articles do, and stays small (about 850 articles a month for a 100,000-article,
ten-year archive; past ``ARTICLES_PER_FILE`` a month's file is split with ``?p=2``, which
the index lists). ``/sitemap-home.xml``, ``/sitemap-sections.xml`` (every section's
front, from the sections every page reads, cached), ``/sitemap-tags.xml`` (tags with a published
article) and ``/sitemap-authors.xml`` (authors with one) complete it, with the files other apps
add through ``register_file`` (``/sitemap-pages.xml``: pages/apps.py).

Which months have articles, how many and their newest change come from one GROUP BY over
the published articles, cached like list counts (``articles.pagination.cached``: per page
cache generation, never past the next scheduled publication), so the index runs no query
once cached, a month without articles is never listed and answers 404, and a scheduled
article appears in its month's file (and its month in the index) on the minute.

Why not Django's sitemap framework: its template and a ``reverse()`` per address cost
about 0.2 ms an address here, 150 ms for one month's file; these files are written
directly, with one ``reverse()`` per day (or per file) whose slug is then swapped, the
same addresses (tests/articles/test_sitemaps.py compares them with
``get_absolute_url``) at a few microseconds each.
"""

import math
import re
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from .models import Article, Rendition, Tag
from .pagination import cached
from .sections import site_sections

# About 25 microseconds an address on SQLite under load: 500 keep a file near 12 ms.
ARTICLES_PER_FILE = 500
SECTION = re.compile(r"articles-(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")
# Stands in for a slug in one reverse(); never a real slug (upper case).
SLUG_MARK = "SLUG-MARK"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# Google News reads the articles of the last two days, and at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000
# Files other apps add: name -> function returning (address, last change) pairs.
_other_files = {}


def register_file(name, entries):
    """Add ``/sitemap-<name>.xml``, listing what ``entries()`` returns, to the index.

    ``entries()`` returns ``(address, last change or None)`` pairs; it runs when the file
    is asked for, never for the index.
    """
    _other_files[name] = entries


def summary():
    """Return what the index needs, cached (see the module docstring).

    ``months``: ``{(year, month): (article count, newest change)}`` for months with
    published articles; ``latest``: the newest change of any.
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
        latest = max((latest for _, latest in months.values()), default=None)
        return {"months": months, "latest": latest}

    return cached("sitemap-summary", compute)


def _with_one(rows, articles):
    """Return ``rows`` with at least one of ``articles`` (correlated by ``OuterRef``).

    A scalar subquery with LIMIT 1, a probe per row: PostgreSQL turns EXISTS (even
    with LIMIT) into a join over every published article (0.3 s for 50 authors).
    """
    one = Subquery(articles.order_by().values("pk")[:1])
    return rows.annotate(_one_article=one).filter(_one_article__isnull=False)


def tags_with_articles():
    """Return the tags readers find something under."""
    return _with_one(Tag.objects.all(), Article.objects.published().filter(tags=OuterRef("pk")))


def authors_with_articles():
    """Return the active authors with a published article: those with a page."""
    bylines = Article.objects.published().filter(authors=OuterRef("pk"))
    return _with_one(get_user_model().objects.filter(is_active=True), bylines)


def _month_bounds(year, month):
    start = timezone.make_aware(datetime(year, month, 1))
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
    return start, end


def _w3c(moment):
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _xml(request, root, entries, last_modified, images=None):
    """Return a sitemap (``root="urlset"``) or index (``"sitemapindex"``) response.

    ``images`` gives each entry's picture address (or None), in order: ``image:image``.
    """
    item = "url" if root == "urlset" else "sitemap"
    base = f"{request.scheme}://{request.get_host()}"
    namespaces = f' xmlns:image="{IMAGE_NS}"' if images is not None else ""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{SITEMAP_NS}"{namespaces}>']
    for number, (path, lastmod) in enumerate(entries):
        date = f"<lastmod>{_w3c(lastmod)}</lastmod>" if lastmod else ""
        picture = images[number] if images is not None else None
        if picture:
            picture_url = escape(request.build_absolute_uri(picture))
            date += f"<image:image><image:loc>{picture_url}</image:loc></image:image>"
        parts.append(f"<{item}><loc>{escape(base + path)}</loc>{date}</{item}>")
    parts.append(f"</{root}>\n")
    return _response(parts, last_modified)


def _response(parts, last_modified):
    response = HttpResponse("\n".join(parts), content_type="application/xml; charset=utf-8")
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def _slug_addresses(name, **kwargs):
    """Return a function making ``name``'s address for a slug, from one reverse()."""
    head, tail = reverse(name, kwargs={**kwargs, "slug": SLUG_MARK}).split(SLUG_MARK)
    return lambda slug: f"{head}{slug}{tail}"


def index(request):
    """The sitemap index at /sitemap.xml: home, sections, tags, authors, then each month.

    Months come newest first.
    """
    site = summary()
    latest = site["latest"]
    entries = [
        (reverse("sitemap-section", kwargs={"section": name}), latest)
        for name in ("home", "sections", "tags", "authors")
    ]
    # Their changes are not in the summary: the index names no date for them.
    entries += [
        (reverse("sitemap-section", kwargs={"section": name}), None) for name in _other_files
    ]
    for (year, month), (count, month_latest) in sorted(site["months"].items(), reverse=True):
        path = reverse("sitemap-section", kwargs={"section": f"articles-{year}-{month:02d}"})
        entries.append((path, month_latest))
        entries += [
            (f"{path}?p={page}", month_latest)
            for page in range(2, math.ceil(count / ARTICLES_PER_FILE) + 1)
        ]
    return _xml(request, "sitemapindex", entries, latest)


def section(request, section):
    """One sitemap file; a month without published articles, or past its pages, is a 404."""
    match = SECTION.fullmatch(section)
    if match:
        return _month(request, int(match["year"]), int(match["month"]))
    if section == "home":
        latest = summary()["latest"]
        return _xml(request, "urlset", [(reverse("articles:home"), latest)], latest)
    if section == "sections":
        address = _slug_addresses("articles:section")
        entries = [(address(each.slug), None) for each in site_sections().all]
        return _xml(request, "urlset", entries, None)
    if section == "tags":
        address = _slug_addresses("articles:tag")
        slugs = tags_with_articles().order_by("name").values_list("slug", flat=True)
        return _xml(request, "urlset", [(address(slug), None) for slug in slugs], None)
    if section == "authors":
        names = authors_with_articles().order_by("username").values_list("username", flat=True)
        # A reverse() each: few authors, and usernames may need quoting.
        entries = [(reverse("articles:author", kwargs={"username": name}), None) for name in names]
        return _xml(request, "urlset", entries, None)
    if section in _other_files:
        entries = _other_files[section]()
        latest = max((lastmod for _, lastmod in entries if lastmod), default=None)
        return _xml(request, "urlset", entries, latest)
    raise Http404("No such sitemap.")


def _month(request, year, month):
    months = summary()["months"]
    if (year, month) not in months:
        raise Http404("No articles were published that month.")
    page = request.GET.get("p", "1")
    count, _ = months[(year, month)]
    if not page.isdigit() or not 1 <= int(page) <= math.ceil(count / ARTICLES_PER_FILE):
        raise Http404("No such page of this month's sitemap.")
    start, end = _month_bounds(year, month)
    offset = (int(page) - 1) * ARTICLES_PER_FILE
    # The month's bounds come first in the WHERE clause: of two upper bounds on a column
    # ("published by now" and "before the next month") SQLite scans to the first it
    # reads, so "by now" first walked an old month's index to today (17 ms in 2016).
    in_month = Article.objects.filter(published_at__gte=start, published_at__lt=end)
    rows = (
        (in_month & Article.objects.published())
        .annotate(picture=_largest_picture())
        .order_by("published_at", "pk")
        .values_list("slug", "published_at", "updated_at", "picture")[
            offset : offset + ARTICLES_PER_FILE
        ]
    )
    addresses = {}
    entries = []
    pictures = []
    for slug, published_at, updated_at, picture in rows:
        pictures.append(default_storage.url(picture) if picture else None)
        day = timezone.localtime(published_at).date()
        if day not in addresses:
            addresses[day] = _slug_addresses(
                "articles:detail", year=day.year, month=f"{day.month:02d}", day=f"{day.day:02d}"
            )
        entries.append((addresses[day](slug), updated_at or published_at))
    latest = max((lastmod for _, lastmod in entries), default=None)
    return _xml(request, "urlset", entries, latest, images=pictures)


def _largest_picture():
    """Return an expression: the file of the article's featured picture's largest JPEG/PNG.

    A probe per row on the renditions' unique index (image, crop, width, format).
    """
    largest = (
        Rendition.objects.filter(image=OuterRef("featured_image"), crop="")
        .exclude(format="webp")
        .order_by("-width")
        .values("file")[:1]
    )
    return Subquery(largest)


def news(request):
    """The Google News sitemap at /news-sitemap.xml: the last two days' articles.

    At most ``NEWS_LIMIT`` (Google reads no more), newest first, each with the
    publication's name and language, its publication time and headline. One query.
    """
    since = timezone.now() - NEWS_WINDOW
    rows = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .order_by("-published_at", "-pk")
        .values_list("slug", "published_at", "headline")[:NEWS_LIMIT]
    )
    from pages import furniture  # the pages app builds on articles, not the other way

    name = escape(furniture.current().site_name)
    language = settings.LANGUAGE_CODE.split("-")[0]
    base = f"{request.scheme}://{request.get_host()}"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">',
    ]
    latest = None
    for slug, published_at, headline in rows:
        day = timezone.localtime(published_at)
        path = reverse(
            "articles:detail",
            kwargs={
                "year": day.year,
                "month": f"{day.month:02d}",
                "day": f"{day.day:02d}",
                "slug": slug,
            },
        )
        latest = max(latest or published_at, published_at)
        parts.append(
            f"<url><loc>{escape(base + path)}</loc><news:news><news:publication>"
            f"<news:name>{name}</news:name><news:language>{language}</news:language>"
            f"</news:publication><news:publication_date>{_w3c(published_at)}"
            f"</news:publication_date><news:title>{escape(headline)}</news:title>"
            "</news:news></url>"
        )
    parts.append("</urlset>\n")
    return _response(parts, latest)
