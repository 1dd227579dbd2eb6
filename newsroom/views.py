from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


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
