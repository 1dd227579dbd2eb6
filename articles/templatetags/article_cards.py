"""The card tags: ``{% article_cards %}``, ``{% article_meta %}``, ``{% section_label %}``."""

from django import template

from .. import cards

register = template.Library()


def _default_section(context):
    # site_sections is the lazy context processor value (articles/context_processors.py).
    sections = context.get("site_sections")
    return sections.default if sections else None


@register.simple_tag(takes_context=True)
def article_cards(context, articles, heading_level=2, hide_section=False):
    """Usage: ``{% article_cards article_list heading_level=3 hide_section=True %}``."""
    return cards.cards_html(
        articles,
        heading_level=heading_level,
        show_section=not hide_section,
        default_section=None if hide_section else _default_section(context),
    )


@register.simple_tag
def article_meta(article):
    return cards.meta_html(article)


@register.simple_tag(takes_context=True)
def section_label(context, article):
    return cards.section_label_html(article, _default_section(context))
