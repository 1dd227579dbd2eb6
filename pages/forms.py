from django import forms
from django.conf import settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

from articles import editor

from .models import Page


def _page_view():
    # Imported late: the URLconf imports this module's neighbours while it loads.
    from .urls import page_detail

    return page_detail


def _is_page_address(pattern):
    return isinstance(pattern, URLPattern) and pattern.callback is _page_view()


def _first_segments(patterns):
    """Yield every pattern whose address starts a path segment at the site's root.

    Patterns included with an empty prefix are looked into: their own first segment is
    the site's.
    """
    for pattern in patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "":
            yield from _first_segments(pattern.url_patterns)
        elif not _is_page_address(pattern):
            yield pattern


def _starts_with(pattern, slug):
    """Return True if some address of ``pattern`` has ``slug`` as its first segment."""
    if isinstance(pattern.pattern, RoutePattern):
        route = str(pattern.pattern)
        first = route.split("/", 1)[0]
        if not first or "/" not in route:
            # The front page, or a one-segment address ("healthz", "robots.txt"):
            # resolving /slug and /slug/ finds those.
            return False
        # The segment's own converters decide: "tag" matches "tag/<slug>/", and
        # "2026" matches the year of "<year:year>/<two_digits:month>/…".
        match = RoutePattern(first + "/", is_endpoint=False).match(slug + "/")
        return match is not None and match[0] == ""
    # A regular expression: ask it about the start of an address under /slug/.
    return pattern.pattern.regex.match(slug + "/") is not None


def _resolves_elsewhere(path):
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func is not _page_view()


def slug_conflict(slug):
    """Return what a page at ``/<slug>/`` would hide or be confused with, or "".

    Asked of the URLconf itself, so an address added later is protected without a list
    to update: ``/slug/`` and ``/slug`` must resolve to nothing but the page, and no
    address may have ``slug`` as its first segment (``/tag/…``, ``/2026/…``). The static
    and media prefixes (served before Django sees them) and ``PAGES_RESERVED_SLUGS``
    (addresses kept for later, or that people expect) are refused too.
    """
    served_before_django = {
        url.strip("/").split("/")[0]
        for url in (settings.STATIC_URL, settings.MEDIA_URL)
        if url and not url.startswith(("http://", "https://", "//"))
    }
    for path in (f"/{slug}/", f"/{slug}"):
        if _resolves_elsewhere(path):
            return f"{path} is already an address of the site"
    for pattern in _first_segments(get_resolver().url_patterns):
        if _starts_with(pattern, slug):
            return f"addresses under /{slug}/ belong to another part of the site"
    if slug in served_before_django or slug in settings.PAGES_RESERVED_SLUGS:
        return "it is reserved for the site's own addresses"
    return ""


class PageAdminForm(forms.ModelForm):
    """The page form: the articles' editor for the body, and slugs that hide nothing."""

    class Meta:
        model = Page
        fields = [
            "title",
            "slug",
            "description",
            "body",
            "status",
            "show_in_navigation",
            "order",
        ]
        widgets = {"body": editor.body_widget()}

    def clean_slug(self):
        # Addresses are case-sensitive; "About" and "about" as two pages would confuse.
        slug = self.cleaned_data["slug"].lower()
        conflict = slug_conflict(slug)
        if conflict:
            raise forms.ValidationError(
                f"“{slug}” cannot be a page's address: {conflict}. Choose another slug."
            )
        return slug
