"""Template tags for article pages and lists: pictures served from renditions, headlines."""

import functools
import logging
import re
from typing import NamedTuple
from urllib.parse import quote, urlencode

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from .. import seo
from ..editor import replace_body_images

register = template.Library()
logger = logging.getLogger(__name__)

# The body column is at most 42rem (--measure in site.css).
BODY_SIZES = "(min-width: 44rem) 42rem, 100vw"
# The width a browser that ignores srcset gets: sharp enough on a laptop, not huge.
DEFAULT_SRC_WIDTH = 960


class Source(NamedTuple):
    """What the markup needs of one rendition; hashable, so markup can be memoised."""

    url: str
    width: int
    height: int


@functools.lru_cache(maxsize=4096)
def _picture_markup(webp, fallbacks, src, sizes, alt, loading, fetchpriority, css_class):
    # A pure function of its arguments, so pages rendered again (every picture of a
    # list page, on every request the page cache does not answer) reuse the markup
    # instead of rendering the template once per picture.
    return render_to_string(
        "articles/_picture.html",
        {
            "webp": webp,
            "fallbacks": fallbacks,
            "src": src,
            "largest": fallbacks[-1],
            "sizes": sizes,
            "alt": alt,
            "loading": loading,
            "fetchpriority": fetchpriority,
            "css_class": css_class,
        },
    )


@register.simple_tag
def picture(
    image,
    sizes="100vw",
    crop="",
    max_width=None,
    loading="lazy",
    fetchpriority=None,
    alt=None,
    css_class="",
):
    """Render ``image`` as a ``<picture>`` with WebP and JPEG/PNG srcsets.

    Usage: ``{% picture image sizes="100vw" crop="16:9" max_width=640 loading="eager"
    fetchpriority="high" alt="" css_class="lead-picture" %}``. ``alt`` defaults to the
    image's alt text; pass ``alt=""`` for a picture that only decorates a link. Below
    the fold pictures load lazily (the default); the lead picture passes
    ``loading="eager" fetchpriority="high"``. Renders nothing when there is no image, or
    when none of its renditions for this shape exist yet (the worker is making them).
    """
    if not image:
        return ""
    try:
        # Pages never make renditions: missing ones are queued for the task worker and
        # the picture waits for them (articles/renditions.py).
        renditions = image.renditions_for(crop, max_width and int(max_width), make_missing=False)
    except Exception:
        # A picture whose file is missing or unreadable must not take the page down.
        logger.exception("Could not render image %s.", getattr(image, "pk", None))
        return ""
    fallbacks = renditions["fallback"]
    if not fallbacks:
        return ""
    src = [r for r in fallbacks if r.width <= DEFAULT_SRC_WIDTH][-1:] or fallbacks[:1]
    return _picture_markup(
        tuple(Source(r.url, r.width, r.height) for r in renditions["webp"]),
        tuple(Source(r.url, r.width, r.height) for r in fallbacks),
        Source(src[0].url, src[0].width, src[0].height),
        sizes,
        image.alt_text if alt is None else alt,
        loading if loading != "eager" else "",
        fetchpriority,
        css_class,
    )


@register.simple_tag(takes_context=True)
def share_image_url(context, image, width=1280):
    """Return the full address of a rendition to show when the page is shared, or "".

    Link previews (Open Graph) take one plain JPEG or PNG at an absolute address, not a
    srcset; ``MEDIA_URL`` may already be absolute (object storage).
    """
    if not image:
        return ""
    try:
        fallbacks = image.renditions_for("", width, make_missing=False)["fallback"]
    except Exception:
        logger.exception("Could not find a share image for image %s.", getattr(image, "pk", None))
        return ""
    return context["request"].build_absolute_uri(fallbacks[-1].url) if fallbacks else ""


@register.simple_tag
def article_body(article):
    """Render an article's sanitised body with its library pictures served from renditions.

    Needs ``article.fetch_pictures()`` called first to run no query per picture.
    """
    if "<img" not in article.body:
        # Sanitised with nh3 on save (articles/editor.py); no picture to look up.
        return mark_safe(article.body)  # noqa: S308
    images = {image.file.name: image for image in article.body_images.all()}
    return body_with_pictures(article, images)


def body_with_pictures(owner, images):
    """Return ``owner.body`` (sanitised on save) with library pictures from renditions.

    ``images`` maps the storage names of the pictures the body shows to library
    pictures with their renditions fetched. Articles and pages (pages_tags) share it.
    """

    def responsive(name, attributes):
        image = images.get(name)
        if image is None:
            # No longer in the library (its file replaced or removed): readers only ever
            # get renditions, never an uploaded original with its metadata.
            logger.warning(
                "%s %s shows %s, which is not in the library.", type(owner).__name__, owner.pk, name
            )
            return ""
        return picture(image, sizes=BODY_SIZES, alt=attributes.get("alt") or image.alt_text)

    # The body was sanitised with nh3 on save (articles/editor.py).
    return mark_safe(replace_body_images(owner.body, responsive))  # noqa: S308


# A word joined to another by a hyphen ("by-election", "well-to-do"), as headlines write it.
HYPHENATED_WORD = re.compile(r"\w+(?:-\w+)+")


@register.filter(is_safe=True)
def keep_hyphenated(text):
    """Escape ``text`` and wrap each hyphenated word so no line breaks at its hyphen.

    Browsers may break a line after any hyphen, which splits "by-election" into "by-" and
    "election" across two lines of a large headline. A ``nowrap`` span (site.css) keeps
    the word whole and the text as written; a non-breaking hyphen (U+2011) would do the
    same but change what readers copy and what some fonts can draw.
    """
    return mark_safe(  # noqa: S308 - every part is escaped here
        HYPHENATED_WORD.sub(
            lambda match: f'<span class="nowrap">{match.group(0)}</span>',
            str(conditional_escape(text)),
        )
    )


@register.simple_tag(takes_context=True)
def share_picture(context, image, width=1280):
    """Return what link previews need of ``image`` (``url``, ``width``, ``height``,
    ``alt``, ``type``), or None: one plain JPEG or PNG at an absolute address.
    """
    if not image:
        return None
    try:
        fallbacks = image.renditions_for("", width, make_missing=False)["fallback"]
    except Exception:
        logger.exception("Could not find a share image for image %s.", getattr(image, "pk", None))
        return None
    if not fallbacks:
        return None
    rendition = fallbacks[-1]
    return {
        "url": context["request"].build_absolute_uri(rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": image.alt_text,
        "type": rendition.mime_type,
    }


# The query parameters that make a page another page: its number, a search's words.
CANONICAL_PARAMETERS = ("q", "page")


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """Return the page's own address: no tracking parameters, page 1 without ``?page=``."""
    request = context["request"]
    kept = []
    for name in CANONICAL_PARAMETERS:
        value = request.GET.get(name, "")
        if value and not (name == "page" and value == "1"):
            kept.append((name, value))
    query = f"?{urlencode(kept)}" if kept else ""
    return request.build_absolute_uri(request.path) + query


@register.simple_tag(takes_context=True)
def structured_data(context, kind, subject=None, extra=""):
    """Render the page's JSON-LD (``articles.seo``) in one ``<script>`` element.

    ``kind`` is ``"article"`` (``subject`` the article), ``"home"``, ``"author"``
    (``subject`` the user, ``extra`` the bio) or ``"collection"`` (``subject`` a section
    or tag). The JSON is escaped so nothing an editor types can end the element.
    """
    request = context["request"]
    if kind == "article":
        data = seo.news_article(request, subject)
    elif kind == "home":
        data = seo.home(request)
    elif kind == "author":
        data = seo.profile_page(request, subject, extra)
    else:
        data = seo.collection_page(request, subject.name, getattr(subject, "description", ""))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(seo.to_json(data)),  # noqa: S308
    )


@register.simple_tag(takes_context=True)
def share_links(context, article):
    """Return the article's share links: plain addresses, no script, no tracker.

    Each is ``(label, address)``; nothing is asked of those sites until a reader clicks.
    """
    url = context["request"].build_absolute_uri(article.get_absolute_url())
    title = article.headline
    return [
        ("Email", f"mailto:?{urlencode({'subject': title, 'body': url}, quote_via=quote)}"),
        ("X", f"https://x.com/intent/post?{urlencode({'url': url, 'text': title})}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url})}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?{urlencode({'url': url})}"),
        ("WhatsApp", f"https://wa.me/?{urlencode({'text': f'{title} {url}'})}"),
        ("Bluesky", f"https://bsky.app/intent/compose?{urlencode({'text': f'{title} {url}'})}"),
    ]
