"""Serving old addresses (``articles.models.Redirect``) without a query on normal pages."""

from django.http import HttpResponsePermanentRedirect

from .models import Redirect

# WordPress's plain addresses ("/?p=123", "/?page_id=7", "/?cat=3"): the front page
# answers them with 200, so they are looked up before the page is served, and only
# when one of these names is in the query.
OLD_QUERY_NAMES = ("p", "page_id", "attachment_id", "cat", "tag", "author")


def query_path(name, value):
    """Return how the table names the old address ``/?name=value``."""
    return f"/?{name}={value}"


class RedirectFallbackMiddleware:
    """Answer a 404 whose path is an old address with a 301 to where it lives now.

    Like django.contrib.redirects' fallback: the table is read only for requests that
    found nothing, so the pages readers usually ask for run no query for it. Placed
    before the page cache, so cached pages are served as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path == "/" and request.GET:
            for name in OLD_QUERY_NAMES:
                value = request.GET.get(name)
                if value:
                    destination = Redirect.objects.destination_of(query_path(name, value))
                    if destination:
                        return HttpResponsePermanentRedirect(destination)
                    break
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            destination = Redirect.objects.destination_of(request.path)
            if destination and destination != request.path:
                return HttpResponsePermanentRedirect(destination)
        return response
