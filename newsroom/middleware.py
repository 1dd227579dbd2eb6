import codecs
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import render


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


# Bodies Django parses into request.POST; it reads them only as UTF-8.
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Charsets a UTF-8 reader reads correctly: UTF-8 under any of its names, and ASCII.
UTF8_READABLE = {"utf-8", "ascii"}


def _printable(value):
    return "".join(character if character.isprintable() else "?" for character in value)


class RefuseUnreadableFormsMiddleware:
    """Answer 400, with a page that says why, to a form sent in a charset other than UTF-8.

    Django refuses a urlencoded body that declares another charset by raising
    ``BadRequest`` when something first reads ``request.POST``: the CSRF check does, and
    so do its error pages, which check CSRF again and fail again, so the reader got an
    empty 500. A multipart body in another charset would be decoded into garbage, and
    one in a charset Python does not know is silently read as UTF-8. Every browser sends
    our UTF-8 pages' forms as UTF-8, so any other declaration is refused here, before
    anything reads the body. UTF-8 under another of its names ("UTF8") is let through.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.content_params.get("charset")
        # Django parses a form body only for POST (into request.POST).
        if (
            charset is None
            or request.method != "POST"
            or request.content_type not in FORM_CONTENT_TYPES
        ):
            return self.get_response(request)
        try:
            readable = codecs.lookup(charset).name in UTF8_READABLE
        except (LookupError, ValueError):  # ValueError: a NUL in the name
            readable = False
        if readable:
            # Django compares the name itself with "utf-8", so give it that name.
            request.encoding = "utf-8"
            return self.get_response(request)
        return render(
            request,
            "400.html",
            {
                "reason": (
                    f"The form was sent in the character set “{_printable(charset[:40])}”, "
                    "which this site does not read. Please send it again from an "
                    "up-to-date browser, which sends forms as UTF-8."
                )
            },
            status=400,
        )
