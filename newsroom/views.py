from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET


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
