from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from . import health


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
        f"Sitemap: {request.build_absolute_uri(reverse('news-sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# The error pages below replace Django's defaults, which are wrapped in
# requires_csrf_token: that runs the CSRF check again, which reads the request body
# again, so a body that could not be read turned its own 400 into an empty 500. These
# pages need no CSRF token (they hold no POST form), so they never read the body.


def bad_request(request, exception):
    """Render the site's 400 page (templates/400.html)."""
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    """Render the site's 403 page (templates/403.html)."""
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    """Render the site's 404 page (templates/404.html)."""
    return render(request, "404.html", status=404)


def server_error(request):
    """Render the 500 page without a request context: whatever failed may fail again."""
    return HttpResponseServerError(loader.get_template("500.html").render())


@never_cache
@require_GET
def healthz(request):
    """Answer 200 if the database, caches, storages and task queue answer, else 503 naming them.

    For load balancers and monitoring: plain text, one line per service. Never cached
    (``never_cache``; the page cache only keeps what ``cache_public_page`` views store),
    and logged only when something is down.
    """
    results = health.run_checks()
    down = [name for name, reason in results.items() if reason is not None]
    lines = [f"unavailable: {', '.join(down)}" if down else "ok"]
    lines += [f"{name}: {reason or 'ok'}" for name, reason in results.items()]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    if down:
        response.status_code = 503
        response["Retry-After"] = str(settings.DATABASE_OUTAGE_RETRY_AFTER)
        # health.run_checks() has logged what is down, once per service; Django would
        # log the 503 again, with no more to say.
        response._has_been_logged = True
    return response


def serve_rendition(request, path):
    """Serve a picture's rendition from MEDIA_ROOT in the demo (``make run``) and tests.

    Production's web server or object storage serves them instead. Only the
    ``renditions`` folder is reachable: originals are never public (articles/storage.py).
    """
    return serve(request, path, document_root=Path(settings.MEDIA_ROOT) / "renditions")
