import functools

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    """Expose the site's name, tagline, logo, pages and footer to every template.

    Editors set them in the admin (pages.SiteSettings, pages.Page); they are cached
    (pages/furniture.py) and read only when a template uses one, so admin pages never
    ask. With no request (the 503 page of a database outage) nothing is read from the
    database: the cached values, or the server's settings.
    """
    from pages import furniture

    read = furniture.current if request is not None else furniture.cached_only
    values = functools.cache(read)

    def lazy(name):
        return SimpleLazyObject(lambda: getattr(values(), name))

    return {
        "site_name": lazy("site_name"),
        "site_tagline": lazy("site_tagline"),
        "site_logo": lazy("logo"),
        "site_contact_email": lazy("contact_email"),
        "site_footer_text": lazy("footer_text"),
        "site_social_links": lazy("social_links"),
        "navigation_pages": lazy("navigation_pages"),
        "footer_pages": lazy("footer_pages"),
        "credit_prefix": settings.IMAGE_CREDIT_PREFIX,
    }
