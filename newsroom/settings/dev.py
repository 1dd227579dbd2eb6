"""Local development and the demo site that ``make run`` serves."""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_int, env_list

DEBUG = env_bool("DEBUG", True)
# While templates and code change under DEBUG, cached pages would hide the change.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 300)
# A fixed key is fine for a demo on 127.0.0.1; prod.py refuses to start without its own.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Demo mode: load_demo may create the demo accounts it prints.
NEWSROOM_DEMO = True
# The demo prints moderation mail to the console; MANAGERS is usually empty locally.
COMMENTS_NOTIFY_EMAILS = env_list("COMMENTS_NOTIFY_EMAILS", ["moderators@localhost"])
# Static files straight from the app folders, without collectstatic, also under DEBUG=0
# (the manifest storage in base.py needs collectstatic, which production runs).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
