"""A whole-page cache for anonymous readers, kept correct by a generation counter.

Why: rendering an article page costs a handful of queries and a template render, a few
milliseconds; serving it from the cache costs about what a bare Django response does.
Readers without cookies all see the same page, so it is rendered once and reused until
something changes.

When it is used: GET/HEAD requests for the decorated public views, from browsers that
carry no session and no comment cookies (those readers may see their own pending
comments or a prefilled form), with no query string other than the pagination and
reply parameters.

How it stays correct:
- ``invalidate()`` bumps a generation number that is part of every key, so every
  cached page is dropped at once. ``InvalidateOnWriteMiddleware`` calls it after every
  successful non-GET request (admin saves and actions, posted comments): every change to
  what readers see arrives that way, and over-invalidating costs one re-render per page.
  Management commands that write (``load_demo``, ``import_text``) call it themselves.
- A page is kept at most ``PAGE_CACHE_SECONDS``, and never past the next scheduled
  article's publication time, so scheduled articles appear on the minute with no cron.
- The comment form's two per-reader values, the CSRF token and the signed form key
  (timestamp and one-time token), are stored as placeholders and made fresh for each
  reader, so a cached page posts exactly like a rendered one.
"""

import functools
import re

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

GENERATION_KEY = "pagecache:generation"
CACHEABLE_PARAMETERS = {"page", "cpage", "replyto"}
# Cookies that make a page personal: the session (staff, previews) and the comment
# cookies (pending comments, the saved name box).
PERSONAL_COOKIE_PREFIXES = ("comment_author", "comments_own")

CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
SECURITY_INPUT = re.compile(r'(name="security" value=")([^"]*)(")')
CSRF_PLACEHOLDER = "\x00csrf\x00"
SECURITY_PLACEHOLDER = re.compile("\x00security:(\\d+)\x00")


def invalidate():
    """Drop every cached page (by moving to a new generation)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def _generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 0, None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


def _is_cacheable(request):
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if not set(request.GET) <= CACHEABLE_PARAMETERS:
        return False
    for name in request.COOKIES:
        if name == settings.SESSION_COOKIE_NAME or name.startswith(PERSONAL_COOKIE_PREFIXES):
            return False
    return True


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


def cache_public_page(view):
    """Serve ``view``'s pages from the cache to anonymous readers (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _is_cacheable(request):
            return view(request, *args, **kwargs)
        # The host and scheme are part of the page (canonical and share links).
        address = request.build_absolute_uri()
        key = f"pagecache:{_generation()}:{address}"
        stored = cache.get(key)
        if stored is not None:
            content_type, html = stored
            return HttpResponse(_personalise(request, html), content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200 and not response.has_header("Set-Cookie"):
            html = response.content.decode(response.charset)
            stored = (response["Content-Type"], _with_placeholders(html))
            cache.set(key, stored, _seconds_to_keep())
        return response

    return wrapper


class InvalidateOnWriteMiddleware:
    """Drop cached pages after every successful request that may have changed data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            invalidate()
        return response
