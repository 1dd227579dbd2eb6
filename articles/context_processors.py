from django.utils.functional import SimpleLazyObject

from .sections import site_sections


def sections(request):
    """Expose ``site_sections`` (navigation, default section) to every template.

    Lazy: the admin's pages never ask, so they never read it.
    """
    return {"site_sections": SimpleLazyObject(site_sections)}
