from .models import Page


def page_entries():
    """Return ``(address, last change)`` of every published page, for /sitemap-pages.xml."""
    pages = Page.objects.published().only("slug", "updated_at")
    return [(page.get_absolute_url(), page.updated_at) for page in pages]
