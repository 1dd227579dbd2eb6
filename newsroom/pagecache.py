"""A whole-page cache for anonymous readers, kept correct by a generation value.

Why: rendering an article page costs a handful of queries and a template render, a few
milliseconds; serving it from the cache costs about what a bare Django response does.
Readers without cookies all see the same page, so it is rendered once and reused until
something changes.

When it is used: GET/HEAD requests for the decorated public views, from browsers that
carry no session and no comment cookies (those readers may see their own pending
comments or a prefilled form), with no query parameters other than the pagination and
reply numbers.

How it stays correct:
- ``invalidate()`` stores a new, never-repeated generation value that is part of every
  key, so every cached page is dropped at once (and a lost generation key only costs a
  re-render, never an old page coming back). What readers see changes in two ways:
  staff change something in the newsdesk, and readers' comments are approved.
  ``InvalidateOnStaffWriteMiddleware`` covers the first: the admin has many write paths
  (saves, inlines, deletes, bulk actions, revision restores), and one rule at the door
  ("a staff member changed something") cannot miss one. The comment view calls
  ``invalidate()`` itself when a comment is published; management commands that write
  (``load_demo``, ``import_text``) do too. Other POSTs (a failed login, a held comment)
  leave the cache alone, so strangers cannot empty it.
- A page is kept at most ``PAGE_CACHE_SECONDS``, and never past the next scheduled
  article's publication time, so scheduled articles appear on the minute with no cron.
- The comment form's two per-reader values, the CSRF token and the signed form key
  (timestamp and one-time token), are stored as placeholders and made fresh for each
  reader, so a cached page posts exactly like a rendered one.
"""

import contextvars
import functools
import re
import uuid

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

GENERATION_KEY = "pagecache:generation"
# Parameters are numbers the view reads (``parameters`` of ``cache_public_page``); any
# other parameter or value is rendered, not cached, so strangers cannot fill the cache
# with endless variants of one page.
MAX_PARAMETER_DIGITS = 9
# Besides the session cookie (staff, previews): the comment cookies (the reader's own
# pending comments, the saved name box) make a page personal.
PERSONAL_COOKIE_PREFIXES = ("comment_author", "comments_own")
# Headers a view sets that a cached copy must carry too.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Last-Modified", "X-Robots-Tag")

CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
SECURITY_INPUT = re.compile(r'(name="security" value=")([^"]*)(")')
CSRF_PLACEHOLDER = "\x00csrf\x00"
SECURITY_PLACEHOLDER = re.compile("\x00security:(\\d+)\x00")


# Set while a cacheable page renders; anything that makes the page incomplete or
# personal for a moment (a picture left out until its renditions exist) clears it.
_storable = contextvars.ContextVar("pagecache_storable", default=None)


def do_not_store():
    """Keep the page being rendered out of the cache (it is served, just not kept)."""
    if _storable.get() is not None:
        _storable.get()[0] = False


def invalidate():
    """Drop every cached page, by moving to a generation value never used before."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def generation():
    """Return the current generation: a value that changes whenever readers' pages may."""
    return _generation()


def _generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First use, or the key was culled: a fresh value, so no old page can return.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _cache_key(request, allowed_parameters):
    """Return the key of the request's page, or None when it must be rendered."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return None
    for name in request.COOKIES:
        if name == settings.SESSION_COOKIE_NAME or name.startswith(PERSONAL_COOKIE_PREFIXES):
            return None
    parameters = []
    for name, values in sorted(request.GET.lists()):
        value = values[-1]
        if name not in allowed_parameters or len(values) > 1:
            return None
        if not (value.isascii() and value.isdigit() and len(value) <= MAX_PARAMETER_DIGITS):
            return None
        parameters.append(f"{name}={int(value)}")
    # The host and scheme are part of the page (canonical and share links).
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    return f"pagecache:{_generation()}:{address}?{'&'.join(parameters)}"


def _with_placeholders(html):
    """Return the page with the per-reader form values replaced by placeholders."""
    from comments.forms import SIGNING_SALT

    html = CSRF_INPUT.sub(lambda m: m.group(1) + CSRF_PLACEHOLDER + m.group(2), html)

    def security(match):
        article_pk = signing.loads(match.group(2), salt=SIGNING_SALT)["article"]
        return f"{match.group(1)}\x00security:{article_pk}\x00{match.group(3)}"

    return SECURITY_INPUT.sub(security, html)


def _personalise(request, html):
    """Fill the placeholders with a fresh CSRF token and form key for this reader."""
    from comments.forms import sign_form

    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return SECURITY_PLACEHOLDER.sub(lambda m: sign_form(int(m.group(1))), html)


def _seconds_to_keep():
    """Return how long a page may be kept: not past the next scheduled publication."""
    from articles.models import Article

    keep = settings.PAGE_CACHE_SECONDS
    upcoming = Article.objects.next_publication_time()
    if upcoming is not None:
        keep = min(keep, max(1, int((upcoming - timezone.now()).total_seconds()) + 1))
    return keep


def cache_public_page(view, parameters=("page",)):
    """Serve ``view``'s pages from the cache to anonymous readers (see the module docstring).

    ``parameters`` names the numeric query parameters the view reads (pagination by
    default); a request with any other is rendered and not kept.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _cache_key(request, parameters)
        if key is None:
            return view(request, *args, **kwargs)
        stored = cache.get(key)
        if stored is not None:
            headers, html = stored
            response = HttpResponse(_personalise(request, html))
            for name, value in headers.items():
                response[name] = value
            return response
        storable = [True]
        token = _storable.set(storable)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        finally:
            _storable.reset(token)
        if response.status_code == 200 and not response.cookies and storable[0]:
            html = response.content.decode(response.charset)
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            cache.set(key, (headers, _with_placeholders(html)), _seconds_to_keep())
        return response

    return wrapper


class InvalidateOnStaffWriteMiddleware:
    """Drop cached pages after every successful change a staff member makes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 400
            and getattr(request, "user", None) is not None
            and request.user.is_staff
        ):
            invalidate()
        return response
