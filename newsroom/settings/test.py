"""Settings for the test suite (pytest-django uses these; see pyproject.toml)."""

import atexit
import os
import shutil
import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests never write into the working tree; conftest.py gives each test its own folder too.
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-private-")
# The manifest needs collectstatic; tests render templates without running it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "originals": {"BACKEND": "articles.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
NEWSROOM_DEMO = True
if not os.environ.get("DATABASE_URL"):
    # An on-disk file, not :memory:, so threads in the concurrency tests share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"newsroom-test-{os.getpid()}.sqlite3")
    }
# Serve static files from the app folders, as in development, without collectstatic.
STATIC_ROOT = tempfile.mkdtemp(prefix="newsroom-test-static-")
for _folder in (MEDIA_ROOT, PRIVATE_MEDIA_ROOT, STATIC_ROOT):
    atexit.register(shutil.rmtree, _folder, True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Each test starts with an empty in-memory cache (conftest.py), and the page cache is off
# so that query budgets measure real renders; tests/test_pagecache.py turns it on.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pagecache_meta": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pagecache-meta",
    },
}
PAGE_CACHE_SECONDS = 0
# Reads are counted but never handed to the task worker on their own, so a batch's queued
# task never lands inside another test's query budget; tests/mostread flushes explicitly.
MOST_READ_FLUSH_SECONDS = 10**9
MOST_READ_FLUSH_READS = 10**9
