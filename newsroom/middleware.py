import codecs
import functools
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe


def content_security_policy(policy=None):
    """Return the site's policy (or ``policy``), letting pictures come from MEDIA_URL's host."""
    policy = policy or settings.CONTENT_SECURITY_POLICY
    media = urlsplit(settings.MEDIA_URL)
    if media.scheme and media.netloc:
        policy = policy.replace("img-src 'self'", f"img-src 'self' {media.scheme}://{media.netloc}")
    return policy


def admin_content_security_policy():
    """Return the admin's policy, with MEDIA_URL's host allowed for pictures."""
    return content_security_policy(settings.ADMIN_CONTENT_SECURITY_POLICY)


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy on every response that has none of its own.

    Public pages get CONTENT_SECURITY_POLICY; the admin gets ADMIN_CONTENT_SECURITY_POLICY,
    which differs only where Django's admin needs it. The one page that runs the rich-text
    editor sets the editor's own, looser policy itself (articles/editor.py), so the rest
    of the admin keeps the strict one.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.admin_prefix):
            response.setdefault("Content-Security-Policy", admin_content_security_policy())
        else:
            response.setdefault("Content-Security-Policy", content_security_policy())
        return response


def with_etag(view):
    """Give ``view``'s successful responses an ETag (a hash of the body).

    Under ``cache_public_page``, so the stored copy keeps it and every reader of it gets
    the same one; ``ConditionalGetMiddleware`` then answers repeat requests with 304.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            set_response_etag(response)
        return response

    return wrapper


class ConditionalGetMiddleware:
    """Answer 304 Not Modified when a response's ETag or Last-Modified says the reader has it.

    Only responses that name their version (feeds and sitemaps: ``with_etag``, and the
    Last-Modified they set) are compared; pages, whose ETag would differ per reader's
    CSRF token, name none. Unlike Django's middleware of that name, it adds no ETag.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        etag, last_modified = response.get("ETag"), response.get("Last-Modified")
        if not (etag or last_modified):
            return response
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=parse_http_date_safe(last_modified) if last_modified else None,
            response=response,
        )


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


LAST_SEEN_KEY = "staff_last_seen"


def start_session_clock(sender, request, user, **kwargs):
    """Stamp a new login's session, so its first request writes nothing more."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


class StaffSessionIdleMiddleware:
    """Log a staff session out after STAFF_SESSION_IDLE_HOURS without a request.

    The session records when it was last seen; a request after the idle limit logs it
    out (the admin then asks for the password, with a message saying why), and an active
    session is extended. Writing the session on every request would be a database write
    per admin click, so the time is refreshed only when it is REFRESH_SECONDS old, and an
    idle session ends within that much of the limit. Requests without a session cookie
    (every reader) are passed through untouched, so no session is ever made for them.
    """

    REFRESH_SECONDS = 5 * 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            self.check_idle(request)
        return self.get_response(request)

    def check_idle(self, request):
        session = request.session
        if SESSION_KEY not in session:
            return
        now = int(time.time())
        last_seen = session.get(LAST_SEEN_KEY)
        idle_limit = settings.STAFF_SESSION_IDLE_HOURS * 60 * 60
        if last_seen is not None and now - last_seen > idle_limit:
            logout(request)
            hours = settings.STAFF_SESSION_IDLE_HOURS
            messages.info(
                request,
                f"You were logged out after {hours} hour{pluralize(hours)} without activity. "
                "Please log in again.",
            )
        elif last_seen is None or now - last_seen >= self.REFRESH_SECONDS:
            session[LAST_SEEN_KEY] = now


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
