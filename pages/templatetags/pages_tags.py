from django import template

from articles.templatetags.articles_tags import body_with_pictures

register = template.Library()


@register.simple_tag
def page_body(page):
    """Render a page's sanitised body, its library pictures from renditions.

    Needs ``page.fetch_pictures()`` called first (the views do).
    """
    return body_with_pictures(page, page.body_pictures)
