"""What search engines and link previews read in a page's head: structured data (JSON-LD).

One ``<script type="application/ld+json">`` per page (``articles_tags.structured_data``),
built here as plain dicts from what the page has already fetched: no query of its own.
The organisation (name, logo, address, social profiles) comes from the site settings
editors change in the admin (``pages.SiteSettings``, cached per page cache generation by
``pages.furniture``).

Google's rules checked by tests/articles/test_structured_data.py: a ``NewsArticle``'s
headline of at most 110 characters, pictures at least 1200 pixels wide where the
original allows (``Image.share_renditions``: 16:9, 4:3 and 1:1), dates in ISO 8601 with
their offset, each author a ``Person`` with the address of their page.
"""

import json
import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models.article import HEADLINE_LENGTH

SCHEMA = "https://schema.org"
# Where a byline names several people: "A, B and C", "A & B".
BYLINE_SEPARATORS = re.compile(r"\s*(?:,|&|\band\b)\s*")
# The logo rendition structured data names: a standard width (no rendition of its own),
# well above Google's 112 pixels.
LOGO_WIDTH = 640


def furniture():
    """Return the site's name, logo, address and profiles (cached: pages/furniture.py)."""
    # Imported here: the pages app builds on articles, not the other way round.
    from pages import furniture as site_furniture

    return site_furniture.current()


def iso(moment):
    """Return ``moment`` in ISO 8601 with the site's UTC offset, as Google asks."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def absolute(request, path):
    return request.build_absolute_uri(path)


def _largest(image, width):
    """Return the largest JPEG/PNG rendition of ``image``'s own shape up to ``width``."""
    if not image:
        return None
    try:
        fallbacks = image.renditions_for("", width, make_missing=False)["fallback"]
    except Exception:
        # A picture whose renditions cannot be read must not take the page down.
        return None
    return fallbacks[-1] if fallbacks else None


def image_object(request, rendition, **extra):
    return {
        "@type": "ImageObject",
        "url": absolute(request, rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        **extra,
    }


def organisation(request):
    """Return the site's ``NewsMediaOrganization``: name, address, logo, profiles."""
    site = furniture()
    data = {
        "@type": "NewsMediaOrganization",
        "@id": absolute(request, "/#organization"),
        "name": site.site_name,
        "url": absolute(request, "/"),
    }
    logo = _largest(site.logo, LOGO_WIDTH)
    if logo is not None:
        data["logo"] = image_object(request, logo)
    if site.postal_address:
        data["address"] = {"@type": "PostalAddress", **dict(site.postal_address)}
    if site.social_links:
        data["sameAs"] = [url for _label, url in site.social_links]
    if site.contact_email:
        data["email"] = site.contact_email
    return data


def website(request):
    """Return the ``WebSite`` with its search box (``SearchAction``)."""
    site = furniture()
    search = absolute(request, reverse("articles:search"))
    return {
        "@type": "WebSite",
        "@id": absolute(request, "/#website"),
        "name": site.site_name,
        "url": absolute(request, "/"),
        "publisher": {"@id": absolute(request, "/#organization")},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def person(request, user):
    return {
        "@type": "Person",
        "name": user.get_full_name() or user.get_username(),
        "url": absolute(request, reverse("articles:author", kwargs={"username": user.username})),
    }


def byline_authors(request, article):
    """Return the article's authors: each byline author a ``Person`` with their page.

    A free-text byline ("Ana Ruiz and Tom Lee", "Reuters") becomes the names it holds: a
    name of two words or more a ``Person``, a single word (an agency) an
    ``Organization``, and the site's own name the publisher itself.
    """
    if not article.byline:
        return [person(request, user) for user in article.ordered_authors]
    site_name = furniture().site_name
    authors = []
    for name in filter(None, BYLINE_SEPARATORS.split(article.byline.strip())):
        if name.casefold() == site_name.casefold():
            authors.append({"@id": absolute(request, "/#organization")})
        elif len(name.split()) > 1:
            authors.append({"@type": "Person", "name": name})
        else:
            authors.append({"@type": "Organization", "name": name})
    return authors


def headline(text):
    if len(text) <= HEADLINE_LENGTH:
        return text
    return text[: HEADLINE_LENGTH - 1].rstrip() + "…"


def article_section(article):
    """Return the section the article shows under (the default one if it has none)."""
    if article.section is not None:
        return article.section
    from .sections import site_sections

    return site_sections().default


def news_article(request, article):
    """Return the article page's graph: the ``NewsArticle`` and its ``BreadcrumbList``.

    Reads what the page fetched: tags, bylines, the featured picture's renditions, and
    the corrections when the page has them (``correction_count``).
    """
    url = absolute(request, article.get_absolute_url())
    tags = list(article.tags.all())
    section = article_section(article)
    data = {
        "@type": "NewsArticle",
        "@id": f"{url}#article",
        "headline": headline(article.page_title),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": iso(article.published_at),
        "dateModified": iso(article.updated_at or article.published_at),
        "author": byline_authors(request, article)
        or [{"@id": absolute(request, "/#organization")}],
        "publisher": organisation(request),
        "isAccessibleForFree": True,
        "inLanguage": settings.LANGUAGE_CODE,
    }
    # The SEO title, meta description and social picture when set (Article.page_title…).
    if article.page_description:
        data["description"] = article.page_description
    if article.share_image:
        pictures = article.share_image.share_renditions()
        if pictures:
            data["image"] = [image_object(request, rendition) for rendition in pictures]
    if section is not None:
        data["articleSection"] = section.name
    if tags:
        data["keywords"] = [tag.name for tag in tags]
    if getattr(article, "correction_count", 0):
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": iso(correction.created),
            }
            for correction in article.corrections.all()
        ]
    # Home, then the section (or, without one, the first tag), then the article.
    middle = section or (tags[0] if tags else None)
    crumbs = [(furniture().site_name, absolute(request, "/"))]
    if middle is not None:
        crumbs.append((middle.name, absolute(request, middle.get_absolute_url())))
    crumbs.append((headline(article.headline), url))
    return graph(data, breadcrumbs(crumbs))


def breadcrumbs(crumbs):
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def home(request):
    """Return the front page's graph: the ``WebSite`` and the organisation."""
    return graph(website(request), organisation(request))


def profile_page(request, author, bio=""):
    """Return an author page's ``ProfilePage`` about the ``Person``."""
    about = person(request, author)
    if bio:
        about["description"] = bio
    return graph(
        {
            "@type": "ProfilePage",
            "url": absolute(request, request.path),
            "mainEntity": about,
            "isPartOf": {"@id": absolute(request, "/#website")},
        }
    )


def collection_page(request, name, description=""):
    """Return a section front's or tag page's ``CollectionPage``."""
    data = {
        "@type": "CollectionPage",
        "name": name,
        "url": absolute(request, request.path),
        "isPartOf": {"@type": "WebSite", "@id": absolute(request, "/#website")},
        "publisher": {"@id": absolute(request, "/#organization")},
    }
    if description:
        data["description"] = description
    return graph(data)


def graph(*nodes):
    return {"@context": SCHEMA, "@graph": list(nodes)}


# What may not appear inside a <script> element's text: "</script>" would end it, and
# "<!--" can change how the rest is parsed. JSON allows \u escapes for all of them.
_SCRIPT_UNSAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def to_json(data):
    """Return ``data`` as JSON safe to put between ``<script>`` tags."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # U+2028/2029 are valid JSON but break older JavaScript parsers reading the block.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text.translate(_SCRIPT_UNSAFE)
