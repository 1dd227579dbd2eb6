"""A whole-page cache for anonymous readers, kept correct by a generation value.

Why: rendering an article page costs a handful of queries and a template render, a few
milliseconds; serving it from the cache costs about what a bare Django response does.
Readers without a session all see the same page, so it is rendered once and reused until
something changes.

When it is used: GET/HEAD requests for the views wrapped in ``cache_public_page``, from
browsers that carry no session cookie and none of the cookies apps register with
``register_personal_cookie`` (the reader's own comments awaiting moderation), with no
query parameters other than the numbers the view reads. Only 200 responses are kept,
and not when anything that rendered them called ``do_not_store()``.
``PageCacheMiddleware`` answers stored pages before URL resolution, authentication and
messages run; each process also keeps the pages it served lately in memory, so a hit
reads only the generation from the shared cache.

Per-reader values: a page may hold values that differ for every reader (the CSRF token,
the comment form's signed key, a reader's saved name). An app registers each with
``register_placeholder(name, fill)``. While a page is rendered for the cache,
``placeholder(name, argument)`` stands in for the value (the CSRF token's
placeholder is put in the template context, so ``{% csrf_token %}`` needs no change).
The rendered page is stored split at the placeholders, as literal chunks and slots; every
reader's copy is one join of those chunks with ``fill(request, argument)`` for each slot,
the reader whose request rendered it included.

How it stays correct:
- ``invalidate()`` stores a new, never-repeated generation value that is part of every
  key, so every cached page is dropped at once. The generation lives in its own cache
  (``GENERATION_ALIAS``), where the page cache's culling cannot reach it; losing it
  anyway only costs a re-render, never an old page coming back. What readers see changes
  in two ways: staff change something in the newsdesk, and readers' comments are
  approved. ``InvalidateOnStaffWriteMiddleware`` covers the first: the admin has many
  write paths (saves, inlines, deletes, bulk actions, revision restores), and one rule at
  the door ("a staff member changed something") cannot miss one. The comment view calls
  ``invalidate()`` itself when a comment is published; management commands that write
  (``load_demo``, ``import_text``), ``migrate`` (a deploy) and ``clear_page_cache`` do
  too. Other POSTs (a failed login, a held comment) leave the cache alone, so strangers
  cannot empty it.
- A page is kept at most ``PAGE_CACHE_SECONDS``, and never past the next time an app
  registered with ``register_next_change`` says content changes on its own (a scheduled
  article going live, a breaking-news banner expiring), with no cron.

Counting what readers read: a view may name what its page shows with ``label_page(label)``
(any small picklable value; the page cache never looks inside it). The label is kept with
the stored page, and every 200 answer to a GET or HEAD of a labelled page, from the cache
or rendered, calls each function registered with ``register_page_observer``, cached hits
included: those never reach the view.

HTTP caching: a kept page with no per-reader values and no label (lists, feeds,
sitemaps) is sent ``public`` with ``s-maxage=PAGE_CACHE_SHARED_SECONDS`` and
``stale-while-revalidate=PAGE_CACHE_STALE_SECONDS``, so a CDN or nginx may hold it for
that long; every other page these views answer with 200 (per-reader values, a session, a
page not kept) is ``private, max-age=0``. All vary on ``Cookie``. ``X-Page-Cache`` says
``hit``, ``miss`` (looked up, rendered) or ``pass`` (not cacheable for this request).
"""

import contextvars
import functools
import hashlib
import logging
import os
import re
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject

logger = logging.getLogger(__name__)

PAGES_ALIAS = "default"
# Its own cache: the file cache culls random entries when it fills up, and the
# generation must not be one of them (each cull would drop every page).
GENERATION_ALIAS = "pagecache_meta"
GENERATION_KEY = "pagecache:generation"
# Parameters are numbers the view reads (``parameters`` of ``cache_public_page``); any
# other parameter or value is rendered, not cached, so strangers cannot fill the cache
# with endless variants of one page.
MAX_PARAMETER_DIGITS = 9
# Headers a view sets that a cached copy must carry too. An ETag is set only on bodies
# that are the same for every reader (feeds and sitemaps: newsroom.middleware.with_etag).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Last-Modified", "ETag", "X-Robots-Tag")
PRIVATE = "private, max-age=0"
CSRF_PLACEHOLDER = "csrf_token"

_fills = {}
_personal_cookies = set()
_next_change_hooks = []
_page_observers = []


def register_placeholder(name, fill):
    """Let cached pages carry a per-reader value called ``name``.

    ``fill(request, argument)`` returns the value for one reader as HTML-safe text:
    escape anything a reader can choose, it is put in the page as it is. It is called
    once per name and argument each time a page holding the placeholder is served.
    """
    _fills[name] = fill


def register_personal_cookie(name):
    """Render, never serve from the cache, pages for browsers that carry cookie ``name``."""
    _personal_cookies.add(name)


def register_next_change(when):
    """Keep no page past ``when()``: the next time content changes on its own, or None."""
    _next_change_hooks.append(when)


def register_page_observer(observe):
    """Call ``observe(request, label)`` for every 200 answer of a page labelled with ``label_page``.

    Runs inside the request, cached hits included, so it must be cheap: no query, no
    network round trip (count in memory, hand the counts to the task worker in batches).
    """
    _page_observers.append(observe)


def label_page(label):
    """Name what the page being rendered shows, for the observers (``register_page_observer``).

    Called by a view that answers 200 with that page; outside a ``cache_public_page``
    view it does nothing.
    """
    holder = _label.get()
    if holder is not None:
        holder[0] = label


def invalidate():
    """Drop every cached page, by moving to a generation value never used before."""
    try:
        _generations().set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:
        # The change that asked for this is done; an unreachable cache must not turn it
        # into an error page. Pages stored before expire on their own.
        logger.exception("Could not start a new page cache generation.")


def generation():
    """Return the current generation: a value that changes whenever readers' pages may.

    Other caches of what readers see (list counts, sitemap months) put it in their keys.
    """
    return _generation()


def rendering_for_cache():
    """Return True while a page is being rendered with placeholders for the cache."""
    return _rendering.get() is not None


def placeholder(name, argument=""):
    """Return what stands in for per-reader value ``name`` in a page rendered for the cache.

    Only while ``rendering_for_cache()``; ``name`` must be registered.
    """
    if name not in _fills:
        raise LookupError(f"No per-reader value {name!r} is registered with the page cache.")
    slots = _rendering.get().slots
    slots.append((name, str(argument)))
    return Placeholder(f"{_MARK}{len(slots) - 1}x")


def do_not_store():
    """Keep the page being rendered out of the cache, and out of shared caches.

    For a response that is right for this reader now but must not be reused: a reply
    link naming no visible comment (a variant strangers could mint without end), a page
    that left out pictures whose renditions do not exist yet. It is still sent, as
    ``private``. Outside a page rendered for the cache it does nothing.
    """
    render = _rendering.get()
    if render is not None:
        render.store = False


class Placeholder(str):
    """Text that a cached page replaces with a per-reader value (see ``placeholder``)."""


def csrf_placeholder(request):
    """Give pages rendered for the cache a placeholder for ``{% csrf_token %}``.

    A context processor, after Django's own ``csrf``; lazy, so only a page that uses the
    token gets a slot for it.
    """
    if rendering_for_cache():
        return {"csrf_token": SimpleLazyObject(lambda: placeholder(CSRF_PLACEHOLDER))}
    return {}


def cache_public_page(view, parameters=("page",)):
    """Serve ``view``'s pages from the cache to anonymous readers (see the module docstring).

    ``parameters`` names the numeric query parameters the view reads (pagination by
    default); a request with any other is rendered and not kept.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _is_personal(request):
            label = [None]
            token = _label.set(label)
            try:
                response = view(request, *args, **kwargs)
            finally:
                _label.reset(token)
            if response.status_code == 200:
                _set_http_caching(response, PRIVATE, "pass")
                _observe(request, label[0])
            return response
        address = _address(request, parameters)
        if address is None:
            return _render(request, view, args, kwargs, None, None)
        key = _cache_key(address)
        if key is not None and getattr(request, "_page_cache_looked_up", None) != key:
            response = _serve_stored(request, address, key)
            if response is not None:
                return response
        return _render(request, view, args, kwargs, address, key)

    return wrapper


class PageCacheMiddleware:
    """Serve stored pages before URL resolution, authentication and messages run.

    Only addresses whose page this process served lately are looked up (any other
    request costs a dictionary lookup), and only pages a ``cache_public_page`` view
    stored can be found, so this answers nothing those views would not. Put it after
    ``CsrfViewMiddleware`` (which sets the CSRF cookie of a page holding a token) and
    after every middleware whose headers a page must carry; without it the views serve
    hits themselves, at the cost of the middleware and URL resolution in between.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and request.path in _local_pages.paths
            and not _is_personal(request)
        ):
            address = _address(request)
            key = _cache_key(address) if address in _local_pages.pages else None
            if key is not None:
                response = _serve_stored(request, address, key)
                if response is not None:
                    return response
                request._page_cache_looked_up = key
        return self.get_response(request)


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
            and not getattr(request, "_pagecache_nothing_public_changed", False)
        ):
            invalidate()
        return response


def nothing_public_changed(request):
    """Say that this staff POST changes nothing readers see, so cached pages stay.

    For the newsdesk's own bookkeeping (who has an article open), which would otherwise
    drop every cached page every few minutes per open form.
    """
    request._pagecache_nothing_public_changed = True


# Letters and digits only, so escaping and URL-quoting leave it as it is; random per
# process, so no text a reader or editor writes can pose as a slot.
_MARK = f"pagecache{secrets.token_hex(8)}n"
_SLOT = re.compile(rf"{_MARK}(\d+)x".encode())
_rendering = contextvars.ContextVar("pagecache_rendering", default=None)
# A one-item list the view's ``label_page`` fills while a cache_public_page view runs.
_label = contextvars.ContextVar("pagecache_label", default=None)


class _Render:
    """What a page rendered for the cache collects: its slots, and whether to keep it."""

    # One per request being rendered: a context variable, so code with no request at
    # hand (a model method leaving out a picture) can still call do_not_store().

    __slots__ = ("slots", "store")

    def __init__(self):
        self.slots = []
        self.store = True


class StoredPage(NamedTuple):
    """A cached page: literal chunks of the body around per-reader slots."""

    expires: float
    public: bool
    headers: tuple
    chunks: tuple
    slots: tuple
    # What ``label_page`` named, for the observers; None for most pages.
    label: object = None


class _LocalPages:
    """The pages this process served lately, kept in its memory (``PAGE_CACHE_LOCAL_MB``).

    A hit then reads only the generation from the shared cache, not the page. Entries
    are found by address and hold the key they were stored under, which names the
    generation: after an invalidation the key differs and the page is not used.
    """

    def __init__(self):
        self.pages = OrderedDict()
        # How many entries each path has: the middleware's first, cheapest question.
        self.paths = {}
        self.size = 0
        self.lock = threading.Lock()

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.paths.clear()
            self.size = 0

    def get(self, address, key):
        with self.lock:
            entry = self.pages.get(address)
            if entry is None or entry[0] != key:
                return None
            self.pages.move_to_end(address)
            return entry[1]

    def put(self, request, address, key, page):
        size = sum(map(len, page.chunks))
        limit = settings.PAGE_CACHE_LOCAL_MB * 1024 * 1024
        if size > limit:
            return
        with self.lock:
            self._drop(address, self.pages.pop(address, None))
            self.pages[address] = (key, page, size, request.path)
            self.paths[request.path] = self.paths.get(request.path, 0) + 1
            self.size += size
            while self.size > limit:
                self._drop(*self.pages.popitem(last=False))

    def _drop(self, address, entry):
        if entry is None:
            return
        _, _, size, path = entry
        self.size -= size
        if self.paths[path] == 1:
            del self.paths[path]
        else:
            self.paths[path] -= 1


_local_pages = _LocalPages()


def _generations():
    # A project without the alias keeps the generation with the pages: still correct,
    # but a cull that drops it re-renders every page.
    alias = GENERATION_ALIAS if GENERATION_ALIAS in settings.CACHES else PAGES_ALIAS
    return caches[alias]


def _generation():
    generations = _generations()
    generation = generations.get(GENERATION_KEY)
    if generation is None:
        # First use, or the key was lost: a fresh value, so no old page can return.
        generations.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = generations.get(GENERATION_KEY)
    return generation


def _is_personal(request):
    cookies = request.COOKIES
    if not cookies:
        return False
    return settings.SESSION_COOKIE_NAME in cookies or not _personal_cookies.isdisjoint(cookies)


def _address(request, allowed_parameters=None):
    """Return the address that names the request's page, or None when it is not kept.

    ``allowed_parameters`` None allows any name (the middleware's lookup, which finds
    only what a view stored).
    """
    if settings.PAGE_CACHE_SECONDS <= 0:
        return None
    parameters = []
    for name, values in sorted(request.GET.lists()):
        value = values[-1]
        if len(values) > 1 or (allowed_parameters is not None and name not in allowed_parameters):
            return None
        if not (value.isascii() and value.isdigit() and len(value) <= MAX_PARAMETER_DIGITS):
            return None
        parameters.append(f"{name}={int(value)}")
    # The host and scheme are part of the page (canonical and share links).
    return f"{request.scheme}://{request.get_host()}{request.path}?{'&'.join(parameters)}"


def _cache_key(address):
    """Return the key of the page at ``address`` in the current generation.

    Hashed, so every key has the same short length whatever the address, for any backend.
    None when the cache cannot be reached: the page is rendered, as with no cache.
    """
    try:
        generation = _generation()
    except Exception:
        logger.exception("The page cache cannot be reached; rendering the page.")
        return None
    page = f"{generation} {address}".encode("utf-8", "backslashreplace")
    return f"pagecache:{hashlib.sha256(page).hexdigest()}"


def _serve_stored(request, address, key):
    """Return the page stored under ``key`` for this reader, or None."""
    page = _local_pages.get(address, key)
    if page is None:
        try:
            page = caches[PAGES_ALIAS].get(key)
        except Exception:
            logger.exception("The page cache cannot be reached; rendering the page.")
            return None
        if page is None:
            return None
        _local_pages.put(request, address, key, page)
    return _serve(request, page)


def _serve(request, page):
    """Return the stored page personalised for this reader, or None if it is stale."""
    remaining = page.expires - time.time()
    if remaining <= 0:
        return None
    body = _personalise(request, page.chunks, page.slots, "utf-8")
    if body is None:
        return None
    response = HttpResponse(body)
    headers = response.headers
    for name, value in page.headers:
        headers[name] = value
    headers["Cache-Control"] = _public(remaining) if page.public else PRIVATE
    headers["Vary"] = "Cookie"
    headers["X-Page-Cache"] = "hit"
    if page.label is not None:
        _observe(request, page.label)
    return response


def _render(request, view, args, kwargs, address, key):
    """Render the page with placeholders, keep it if it may be kept, and personalise it."""
    render = _Render()
    label = [None]
    token = _rendering.set(render)
    label_token = _label.set(label)
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    finally:
        _label.reset(label_token)
        _rendering.reset(token)
    if response.streaming:
        return response
    chunks, slots = _split(response.content, render.slots)
    if slots:
        response.content = _personalise(request, chunks, slots, response.charset)
    if response.status_code != 200:
        return response
    storable = key is not None and render.store and not response.cookies
    # A labelled page is observed on every answer (reads counted): a shared cache
    # answering for it would hide those readers.
    public = storable and not slots and label[0] is None and settings.PAGE_CACHE_SHARED_SECONDS > 0
    keep = seconds_to_keep(settings.PAGE_CACHE_SECONDS) if storable else 0
    if storable:
        page = StoredPage(
            expires=time.time() + keep,
            public=public,
            headers=tuple(
                (name, response[name]) for name in KEPT_HEADERS if response.has_header(name)
            ),
            chunks=chunks,
            slots=slots,
            label=label[0],
        )
        try:
            caches[PAGES_ALIAS].set(key, page, keep)
        except Exception:
            logger.exception("Could not store a page in the page cache.")
        else:
            _local_pages.put(request, address, key, page)
    cache_control = _public(keep) if public else PRIVATE
    _set_http_caching(response, cache_control, "miss" if key is not None else "pass")
    _observe(request, label[0])
    return response


def _observe(request, label):
    if label is None:
        return
    for observe in _page_observers:
        try:
            observe(request, label)
        except Exception:
            # Counting is a side show: the reader gets the page whatever it does.
            logger.exception("A page observer failed.")


def _split(content, slot_names):
    """Return the body's literal chunks and, between them, the slots' (name, argument)."""
    if not slot_names:
        return (content,), ()
    parts = _SLOT.split(content)
    return tuple(parts[0::2]), tuple(slot_names[int(index)] for index in parts[1::2])


def _personalise(request, chunks, slots, charset):
    """Return the body with this reader's values in its slots: one pass, one join."""
    if not slots:
        return chunks[0]
    values = {}
    parts = [chunks[0]]
    for slot, chunk in zip(slots, chunks[1:], strict=True):
        value = values.get(slot)
        if value is None:
            fill = _fills.get(slot[0])
            if fill is None:
                return None
            value = values[slot] = fill(request, slot[1]).encode(charset)
        parts += (value, chunk)
    return b"".join(parts)


def _public(seconds):
    shared = min(settings.PAGE_CACHE_SHARED_SECONDS, int(seconds))
    return (
        f"public, max-age=0, s-maxage={shared}, "
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}"
    )


def _set_http_caching(response, cache_control, outcome):
    if cache_control == PRIVATE:
        patch_cache_control(response, private=True, max_age=0)
    else:
        response.headers["Cache-Control"] = cache_control
    patch_vary_headers(response, ("Cookie",))
    response.headers["X-Page-Cache"] = outcome


def seconds_to_keep(limit):
    """Return ``limit`` seconds, or fewer when a change registered apps expect comes sooner.

    How long anything derived from what readers see may be kept: cached pages, and the
    list counts and bookmarks of ``articles.pagination``.
    """
    keep = limit
    now = time.time()
    for when in _next_change_hooks:
        upcoming = when()
        if upcoming is not None:
            keep = min(keep, max(1, int(upcoming.timestamp() - now) + 1))
    return keep


# The CSRF token is every form's concern, so the page cache fills it itself. It is made
# as ``django.middleware.csrf.get_token`` makes it (the same secret in the same cookie,
# masked the same way), but with the randomness drawn in one read of os.urandom instead
# of one per character: that was most of what a cached article page cost.
_CSRF_TABLE = bytes(ord(CSRF_ALLOWED_CHARS[byte % len(CSRF_ALLOWED_CHARS)]) for byte in range(256))
# Bytes past the last whole multiple of the alphabet are dropped, so every character is
# equally likely.
_CSRF_UNEVEN = bytes(range(256 - 256 % len(CSRF_ALLOWED_CHARS), 256))
_CSRF_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def _random_csrf_string(length=CSRF_SECRET_LENGTH):
    chars = b""
    while len(chars) < length:
        chars += os.urandom(length + 8).translate(_CSRF_TABLE, _CSRF_UNEVEN)
    return chars[:length].decode()


def _csrf_token(request, argument=""):
    """Return a masked CSRF token for the reader, renewing their CSRF cookie."""
    if settings.CSRF_USE_SESSIONS:
        return get_token(request)
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = _random_csrf_string()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_csrf_string()
    count = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_CSRF_INDEX[s] + _CSRF_INDEX[m]) % count]
        for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


register_placeholder(CSRF_PLACEHOLDER, _csrf_token)
