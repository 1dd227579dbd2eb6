from django import template

from ..models import banner_for_page

register = template.Library()


@register.inclusion_tag("breaking/_banner.html")
def breaking_news():
    """Render the breaking-news banner showing now, if any (read once per generation)."""
    return {"banner": banner_for_page()}
