"""Settings shared by every environment, read from environment variables with safe defaults.

Only ``dev``, ``test`` and ``prod`` are meant to be named in ``DJANGO_SETTINGS_MODULE``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable; refuse values that are neither."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}."
    )


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


def env_list(name, default=()):
    """Read a comma-separated environment variable into a list, dropping blanks."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "ckeditor",
    # Background work (renditions): Django's Tasks API, backported, with its database
    # backend, so the queue needs no service beyond the database (see README).
    "django_tasks",
    "django_tasks_db",
    "articles",
    "comments",
    # The project's own app: the page cache's clear_page_cache command and its
    # new generation after every migrate (newsroom/apps.py).
    "newsroom",
    # A synthetic archive for benchmarks and tests: manage.py generate_archive. No models.
    "synthetic",
]

MIDDLEWARE = [
    "newsroom.pagecache.InvalidateOnStaffWriteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above the page cache: a stored feed or sitemap answers a conditional GET with 304.
    "newsroom.middleware.ConditionalGetMiddleware",
    "newsroom.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Response headers only: above the page cache, so cached pages get them too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Old addresses (articles.models.Redirect): read only for a 404 or "/?p=123".
    "articles.redirects.RedirectFallbackMiddleware",
    # Serves cached pages to anonymous readers before URL resolution and the rest.
    "newsroom.pagecache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "articles.renditions.QueueMissingRenditionsMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                # After Django's csrf processor, which it overrides on cached pages.
                "newsroom.pagecache.csrf_placeholder",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL (postgres://…) switches to PostgreSQL.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections with health checks: a restarted server costs at most the
    # one request that finds the connection dead, never a string of 500s.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so two writers
                # queue on busy_timeout instead of failing with "database is locked" when
                # a read lock is upgraded mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL lets readers carry on while one request writes.
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# The cache holds whole public pages for anonymous readers (newsroom/pagecache.py). The
# default is a folder on disk, which every gunicorn worker on the machine shares; several
# app servers share a Redis database (redis://host:6379/N). The page cache's generation
# has an alias of its own ("pagecache_meta"), out of reach of the page cache's culling.
CACHE_URL = os.environ.get("CACHE_URL", f"file://{BASE_DIR / '.cache' / 'pages'}")
if CACHE_URL.startswith("file://"):
    _cache_folder = CACHE_URL.removeprefix("file://")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _cache_folder,
            "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 5000)},
        },
        # A subfolder: the pages' cache only ever lists, culls and clears its own files.
        "pagecache_meta": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.path.join(_cache_folder, "generation"),
        },
    }
elif CACHE_URL.startswith("locmem://"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pagecache_meta": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pagecache-meta",
        },
    }
elif CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    # Redis evicts nothing unless maxmemory is set; then use a volatile-* policy, which
    # evicts pages (they expire) and never the generation (it does not).
    _redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        # A Redis that does not answer within a second is treated as down: pages are
        # rendered without the cache rather than waiting on it.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    CACHES = {"default": _redis, "pagecache_meta": dict(_redis)}
else:
    raise ImproperlyConfigured(
        "CACHE_URL must start with file://, locmem://, redis://, rediss:// or unix://; "
        f"got {CACHE_URL!r}."
    )
# Background tasks run by `manage.py db_worker`, stored in the site's own database so any
# number of workers on any number of machines share one queue. A site that outgrows it
# names another backend for the same API here (Celery/RabbitMQ, RQ/Redis).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# How long a public page may be served from the cache; 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# How long a CDN or proxy in front may keep a public page (s-maxage), and serve it stale
# while it fetches a fresh one (stale-while-revalidate); 0 makes every page private.
PAGE_CACHE_SHARED_SECONDS = max(env_int("PAGE_CACHE_SHARED_SECONDS", 60), 0)
PAGE_CACHE_STALE_SECONDS = max(env_int("PAGE_CACHE_STALE_SECONDS", 30), 0)
# Each app server process also keeps the pages it served lately in its own memory, up
# to this many megabytes, so a hit reads only the generation from the shared cache.
PAGE_CACHE_LOCAL_MB = max(env_int("PAGE_CACHE_LOCAL_MB", 16), 0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Django refuses larger request bodies before a view sees them; images get their own
# limit in the image form, this only needs to be above it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Moderation mail is sent by the task worker (comments/tasks.py), never in a request; a
# stalled mail server costs the worker this many seconds and a retry, nobody's page.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# "Name <email>" pairs are awkward in one variable, so MANAGERS/ADMINS take plain addresses.
ADMINS = [(address, address) for address in env_list("ADMINS")]
MANAGERS = [(address, address) for address in env_list("MANAGERS")]

LOGIN_URL = "admin:login"

SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")
SITE_TAGLINE = os.environ.get("SITE_TAGLINE", "Independent local news")
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 10)
# Feed items carry the whole sanitised body (readers' feed apps expect it); set to false
# for the standfirst alone (README: "Search engines and feeds").
FEED_FULL_TEXT = env_bool("FEED_FULL_TEXT", True)

# ckeditor.W001 says CKEditor 4 is end-of-life. The owner chose it; its risk is
# mitigated rather than ignored: the editor only loads in the staff-only admin, every
# stored body is re-sanitised with nh3 on save, uploads go through our own
# CSRF-protected, staff-only, image-only view, and pages carry a Content-Security-Policy
# (newsroom/middleware.py). The editor's configuration, URLs and policy are in
# articles/editor.py, the one place that knows about it.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

# The policy public pages are served with. No inline script or style and no third
# party: the site needs neither. When MEDIA_URL is on another host (object storage),
# the middleware adds that origin to img-src.
CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY") or (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Shown before a picture's credit: "Photo: Reuters".
IMAGE_CREDIT_PREFIX = os.environ.get("IMAGE_CREDIT_PREFIX", "Photo: ")

# Comments (comments/): the "Leave a Reply" form and its moderation, tuned by the operator.
# Replies nest this many levels; a reply to the deepest level joins that level.
COMMENTS_THREAD_DEPTH = max(env_int("COMMENTS_THREAD_DEPTH", 5), 1)
# Close comments this many days after publication; 0 keeps them open.
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 0)
# A form posted sooner than this after it was shown is a bot's.
COMMENTS_MIN_SECONDS = env_int("COMMENTS_MIN_SECONDS", 3)
# A form older than this must be reloaded: its signed timestamp has expired.
COMMENTS_MAX_FORM_AGE = env_int("COMMENTS_MAX_FORM_AGE", 2 * 60 * 60)
# One comment per IP address, and per email address, in this many seconds.
COMMENTS_FLOOD_SECONDS = env_int("COMMENTS_FLOOD_SECONDS", 15)
# Comma-separated words; a comment containing one anywhere is stored as spam.
COMMENTS_DISALLOWED_WORDS = env_list("COMMENTS_DISALLOWED_WORDS")
# A comment with this many links or more waits for moderation; 0 turns the rule off.
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)
# Comma-separated words; a comment containing one waits for moderation.
COMMENTS_MODERATION_WORDS = env_list("COMMENTS_MODERATION_WORDS")
# Top-level comments per page under an article.
COMMENTS_PER_PAGE = max(env_int("COMMENTS_PER_PAGE", 50), 1)
# The moderation screens count comments up to this many and then say "1,000+" (or,
# on PostgreSQL, "about N" from the planner): exact counts of a million rows are scans.
COMMENTS_MODERATION_COUNT_CAP = max(env_int("COMMENTS_MODERATION_COUNT_CAP", 1000), 1)
# Who is emailed when a comment is held for moderation; empty means MANAGERS.
COMMENTS_NOTIFY_EMAILS = env_list("COMMENTS_NOTIFY_EMAILS")
# A reader may edit or delete their own comment, from the browser that posted it, for
# this many minutes after posting; 0 turns editing off.
COMMENTS_EDIT_MINUTES = max(env_int("COMMENTS_EDIT_MINUTES", 10), 0)
# The unsubscribe link in a reader's email works for this many days after it was sent.
COMMENTS_UNSUBSCRIBE_DAYS = max(env_int("COMMENTS_UNSUBSCRIBE_DAYS", 365), 1)
# How many proxies in front of the site append to X-Forwarded-For. 0 trusts no header:
# the client's address is REMOTE_ADDR, which a client cannot choose.
TRUSTED_PROXY_COUNT = max(env_int("TRUSTED_PROXY_COUNT", 0), 0)
# --- Pictures -----------------------------------------------------------------------
# Uploads larger than this are refused with a message; the web server in front must
# allow request bodies at least this big.
IMAGE_MAX_UPLOAD_MB = env_int("IMAGE_MAX_UPLOAD_MB", 20)
# A small file can decode to gigabytes: refuse pictures with more pixels than this.
# Pillow's own decompression-bomb limit is set to the same number (articles/apps.py).
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# Animated GIFs (and WebPs) with more frames than this are refused.
IMAGE_MAX_FRAMES = env_int("IMAGE_MAX_FRAMES", 50)
# Parse uploads so that a file whose name is unusable (such as "..") reaches the form,
# which refuses it with a message, instead of silently vanishing (articles/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "articles.uploads.UnusableNameUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# --- Newsdesk (roles, review, preview, revisions, corrections) ---------------------------
# How long a signed preview share link works for someone without an account.
PREVIEW_LINK_HOURS = env_int("PREVIEW_LINK_HOURS", 48)
# --- The admin door (login throttle, staff sessions, the admin's CSP) --------------------
# Failed logins are counted by django-axes in its own tables (newsroom/login_throttle.py):
# after LOGIN_FAILURE_LIMIT failures for a username, or from an address, within
# LOGIN_LOCKOUT_MINUTES of each other, further logins for it are refused with 429 before
# any password is hashed, until that long after the last failure. The database handler
# works on SQLite and PostgreSQL alike and needs no shared cache: the default file cache
# has no atomic counters, and editors unlock people by deleting rows in the admin.
INSTALLED_APPS += ["axes"]
# First, so a locked-out login never reaches the password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = max(env_int("LOGIN_FAILURE_LIMIT", 5), 1)
AXES_COOLOFF_TIME = timedelta(minutes=max(env_int("LOGIN_LOCKOUT_MINUTES", 15), 1))
# Either count locks: one address guessing many usernames, or many addresses one username.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "newsroom.client_ip.client_ip"
AXES_HANDLER = "newsroom.login_throttle.LoginAttemptHandler"
AXES_LOCKOUT_CALLABLE = "newsroom.login_throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Attempts while locked are refused without being written down, so the wait the page
# announces holds, and a flood of them costs reads only.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No table of every successful login, kept forever with addresses in it; the admin's
# own history records what staff changed.
AXES_DISABLE_ACCESS_LOG = True
# A failure's form data is kept for the admin with these values masked (the password
# always is): a CSRF token would give away the browser's CSRF secret.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
# The access-attempt admin is registered by newsroom/admin.py, with an Unlock action.
AXES_ENABLE_ADMIN = False

# A staff session ends after STAFF_SESSION_IDLE_HOURS without a request; each request
# extends it, written at most every few minutes (newsroom.middleware.StaffSessionIdleMiddleware).
# Readers have no session at all: the page cache depends on it.
STAFF_SESSION_IDLE_HOURS = max(env_int("STAFF_SESSION_IDLE_HOURS", 8), 1)
# The middleware enforces the idle limit; the stored session outlives it so someone back
# the next morning is told why they must log in again, and is then deleted.
SESSION_COOKIE_AGE = 2 * STAFF_SESSION_IDLE_HOURS * 60 * 60
MIDDLEWARE += [
    "newsroom.middleware.StaffSessionIdleMiddleware",
    # Last: turns a refused login into login_throttle.lockout_response's 429 page.
    "axes.middleware.AxesMiddleware",
]
# The admin's policy. Django's admin runs no inline script or style, so it is as strict
# as the public one; an absolute MEDIA_URL's host is added to img-src as there. The
# article form, which runs CKEditor 4, loosens it for that page only (articles/editor.py).
ADMIN_CONTENT_SECURITY_POLICY = os.environ.get("ADMIN_CONTENT_SECURITY_POLICY") or (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# --- Bad input: unreadable requests, comments that impersonate or deface ---------------
# A form sent in a charset other than UTF-8 gets a 400 page saying so, before anything
# reads request.GET or request.POST (the CSRF check above all): see the class.
MIDDLEWARE.insert(
    MIDDLEWARE.index("newsroom.middleware.RejectNulBytesMiddleware"),
    "newsroom.middleware.RefuseUnreadableFormsMiddleware",
)
# Comments (comments/text.py, comments/moderation.py): names a commenter cannot take
# without a moderator's look, compared as they read (lookalike letters, case, accents
# and invisible characters ignored). SITE_NAME and every staff member's username and
# full name are added to these without listing them.
COMMENTS_RESERVED_NAMES = env_list(
    "COMMENTS_RESERVED_NAMES", ["admin", "administrator", "editor", "moderator", "staff"]
)
# Combining marks one character may carry: taller stacks are cut to this many, and a
# comment with a stack this tall waits for moderation.
COMMENTS_MAX_COMBINING_MARKS = max(env_int("COMMENTS_MAX_COMBINING_MARKS", 4), 1)
# --- Operations (outages, health checks, backups) ----------------------------------------
# While the database cannot be reached, pages that need it answer 503 with this
# Retry-After (seconds), and so does /healthz (newsroom/outage.py, newsroom/health.py).
DATABASE_OUTAGE_RETRY_AFTER = max(env_int("DATABASE_OUTAGE_RETRY_AFTER", 10), 1)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that drops packets would otherwise hold each request until the
    # operating system gives up (minutes); this makes it a prompt 503.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
# Load balancers probe over plain HTTP; the SSL redirect (prod.py) must not answer them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# --- Background work and private originals -------------------------------------------
# Pictures' originals (with their EXIF location and any bytes hidden after the picture)
# live here, outside MEDIA_ROOT, and no URL serves them; readers get renditions from
# MEDIA_ROOT (articles/storage.py). Back this folder up: renditions can be made again
# from it, originals cannot. A site on object storage points "originals" at a private
# bucket instead.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES["originals"] = {"BACKEND": "articles.storage.PrivateFileSystemStorage"}
# Moderator and reader emails (comments/tasks.py): a failed send is tried again after this many
# seconds, doubling each time (1, 2, 4, 8 minutes by default), at most this many times
# in all; the last failure is logged at ERROR with the comment's id.
COMMENTS_NOTIFY_RETRY_SECONDS = max(env_int("COMMENTS_NOTIFY_RETRY_SECONDS", 60), 1)
COMMENTS_NOTIFY_MAX_ATTEMPTS = max(env_int("COMMENTS_NOTIFY_MAX_ATTEMPTS", 5), 1)
# --- Sections and the front page -------------------------------------------------------
# The slug of the section articles with none show under (articles/models/section.py).
NEWS_DEFAULT_SECTION = os.environ.get("NEWS_DEFAULT_SECTION", "news")
# How many of each section's newest stories its block on the front page shows.
FRONT_PAGE_SECTION_STORIES = max(env_int("FRONT_PAGE_SECTION_STORIES", 4), 1)
# The masthead's section navigation, read once per page cache generation.
TEMPLATES[0]["OPTIONS"]["context_processors"].append("articles.context_processors.sections")
# --- Pages and site settings -------------------------------------------------------------
# Static pages (About, Contact…) and the settings editors change in the admin (pages/).
INSTALLED_APPS += ["pages"]
# Slugs a page may never take, beyond every address the URLconf already answers (which
# pages.forms.slug_conflict asks it about): addresses kept for parts of the site to come
# and names people type expecting something else. SITE_NAME and SITE_TAGLINE above stay
# the defaults while the site settings leave the name and tagline blank.
PAGES_RESERVED_SLUGS = env_list(
    "PAGES_RESERVED_SLUGS",
    [
        "account", "accounts", "admin", "api", "archive", "articles", "assets", "author",
        "authors", "category", "comments", "feed", "feeds", "login", "logout", "media",
        "news", "page", "pages", "preview", "rss", "search", "section", "sections",
        "sitemap", "static", "tag", "tags", "wp-admin", "wp-login",
    ],
)  # fmt: skip
# --- Moving from WordPress -----------------------------------------------------------------
# manage.py import_wordpress (wordpress/): see the README section "Moving from WordPress".
INSTALLED_APPS += ["wordpress"]
# --fetch-media: how long one download may take to answer (seconds); its size is capped
# like an editor's upload (IMAGE_MAX_UPLOAD_MB).
WORDPRESS_FETCH_TIMEOUT = max(env_int("WORDPRESS_FETCH_TIMEOUT", 20), 1)
# --- Breaking news and most read ----------------------------------------------------------
# The banner (breaking/) and "Most read" (mostread/): see the README section of that name.
INSTALLED_APPS += ["breaking", "mostread"]
# Each app server process counts article reads in memory and hands them to the task
# worker after this many seconds or this many reads, whichever comes first (one queued
# task per batch; mostread/counting.py). A process that stops loses at most that batch.
MOST_READ_FLUSH_SECONDS = max(env_int("MOST_READ_FLUSH_SECONDS", 60), 1)
MOST_READ_FLUSH_READS = max(env_int("MOST_READ_FLUSH_READS", 1000), 1)
# The "Most read" list is read from the database at most this often (and after every
# change staff make); a cached page holds the list it was rendered with.
MOST_READ_CACHE_SECONDS = max(env_int("MOST_READ_CACHE_SECONDS", 60), 1)
# Hourly read totals older than this are deleted by the task worker.
MOST_READ_KEEP_DAYS = max(env_int("MOST_READ_KEEP_DAYS", 30), 2)
