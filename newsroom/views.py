from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.static import serve


def favicon(request):
    """Send browsers that ask for /favicon.ico (the admin names no icon) to ours."""
    # Resolved per request: the static manifest may not exist when URLs are imported.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@require_GET
def robots_txt(request):
    """Tell crawlers where the sitemap is, and to keep out of the newsdesk and previews."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def serve_rendition(request, path):
    """Serve a picture's rendition from MEDIA_ROOT in the demo (``make run``) and tests.

    Production's web server or object storage serves them instead. Only the
    ``renditions`` folder is reachable: originals are never public (articles/storage.py).
    """
    return serve(request, path, document_root=Path(settings.MEDIA_ROOT) / "renditions")
