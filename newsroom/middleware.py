from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseBadRequest


def content_security_policy():
    """Return the site's policy, letting pictures come from MEDIA_URL's host if it has one."""
    policy = settings.CONTENT_SECURITY_POLICY
    media = urlsplit(settings.MEDIA_URL)
    if media.scheme and media.netloc:
        policy = policy.replace("img-src 'self'", f"img-src 'self' {media.scheme}://{media.netloc}")
    return policy


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy on every page outside the admin.

    The admin is left alone because CKEditor 4 needs inline script and style to run;
    the editor is staff-only, and what it produces is sanitised before any reader sees
    it, so a strict policy on public pages is what keeps a stray payload inert.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.admin_prefix):
            response.setdefault("Content-Security-Policy", content_security_policy())
        return response


class RejectNulBytesMiddleware:
    """Answer 400 to a request whose address or query string holds a NUL character.

    No page takes one, and PostgreSQL refuses NUL in any string it is sent, so a NUL
    that reached a filter (a search, an admin list filter) would be a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = (part for key, values in request.GET.lists() for part in (key, *values))
        if "\x00" in request.path or any("\x00" in part for part in query):
            return HttpResponseBadRequest("Addresses may not contain NUL characters.")
        return self.get_response(request)
