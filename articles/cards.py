"""Article cards, written out in code (``{% article_cards %}`` and its parts).

Every list page (the front page, sections, tags, authors, search) shows 10 to 40 cards.
Through templates each card was three includes (the card, its section label, its date
line) and some forty variable lookups: about 0.3 ms a card, a third of a list page's
time at archive sizes (issue 9's budgets). Written out here, as ``comments/rendering.py``
does for comment threads, a card costs a few tens of microseconds. The markup is the one
those templates had; ``tests/articles/test_cards.py`` holds it.
"""

from django.utils import dateformat, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .templatetags.articles_tags import keep_hyphenated, picture

CARD_PICTURE_SIZES = "(min-width: 72rem) 22rem, (min-width: 36rem) 45vw, 100vw"


def published_date_html(moment):
    """``<time>`` with the machine-readable moment and the day as readers read it."""
    if moment is None:
        return '<time datetime=""></time>'
    # What the template's date filter does first: the time in the site's zone.
    local = timezone.template_localtime(moment)
    return f'<time datetime="{local.isoformat()}">{dateformat.format(local, "j F Y")}</time>'


def meta_html(article):
    """The date line under a headline: date, byline, and a link to the comments."""
    parts = ['<p class="meta">', published_date_html(article.published_at)]
    byline = article.display_byline
    if byline:
        parts += [" · ", conditional_escape(byline)]
    comments = getattr(article, "comment_count", 0)
    if comments:
        plural = "" if comments == 1 else "s"
        parts.append(
            f' · <a href="{conditional_escape(article.get_absolute_url())}#comments">'
            f"{comments} comment{plural}</a>"
        )
    parts.append("</p>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def section_label_html(article, default_section):
    """The kicker naming the article's section (the default one when it has none)."""
    section = article.section or default_section
    if not section:
        return ""
    url, name = conditional_escape(section.get_absolute_url()), conditional_escape(section.name)
    return mark_safe(  # noqa: S308 - both values are escaped
        f'<p class="kicker section-label"><a href="{url}">{name}</a></p>'
    )


def card_html(article, *, heading_level=2, show_section=True, default_section=None):
    """One ``<article class="card">``: picture, section, headline, standfirst, date line."""
    url = conditional_escape(article.get_absolute_url())
    parts = ['<article class="card">']
    if article.featured_image_id:
        drawn = picture(
            article.featured_image, crop="16:9", max_width=640, sizes=CARD_PICTURE_SIZES, alt=""
        )
        # A picture whose renditions are still being made draws nothing: no empty link.
        if drawn:
            parts.append(
                f'<a class="card-picture" href="{url}" tabindex="-1" aria-hidden="true">{drawn}</a>'
            )
    if show_section:
        parts.append(section_label_html(article, default_section))
    level = int(heading_level)
    headline = keep_hyphenated(article.headline)
    parts.append(f'<h{level} class="card-headline"><a href="{url}">{headline}</a></h{level}>')
    if article.standfirst:
        parts.append(f'<p class="card-standfirst">{conditional_escape(article.standfirst)}</p>')
    snippet = getattr(article, "search_snippet", "")
    if snippet:
        parts.append(f'<p class="card-snippet">{conditional_escape(snippet)}</p>')
    parts.append(meta_html(article))
    parts.append("</article>")
    return "".join(parts)


def cards_html(articles, *, heading_level=2, show_section=True, default_section=None):
    """The cards of ``articles``, one after the other."""
    return mark_safe(  # noqa: S308 - card_html escapes every value it writes
        "".join(
            card_html(
                article,
                heading_level=heading_level,
                show_section=show_section,
                default_section=default_section,
            )
            for article in articles
        )
    )
