from django import template

from ..models import banner_for_page

register = template.Library()


@register.inclusion_tag("breaking/_banner.html", takes_context=True)
def breaking_news(context):
    """Render the breaking-news banner showing now, if any (read once per generation).

    A page rendered without a request (the 503 page while the database is down) shows
    only a banner the cache already holds: it must not wait on the database.
    """
    return {"banner": banner_for_page(cached_only=context.get("request") is None)}
