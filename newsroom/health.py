"""What ``/healthz`` asks: does each service the site needs answer, cheaply, right now.

Each check returns None when its service answers, or a short reason when it does not.
The reason shown to whoever probes is only the exception's class (a load balancer, or
anyone on the internet: no host names or paths); the full error goes to the log.
"""

import logging
import os
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection

logger = logging.getLogger(__name__)

PROBE_KEY = "healthz:probe"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache(alias):
    """Write a value and read it back: a cache that takes writes and loses them is down."""
    cache = caches[alias]
    token = uuid.uuid4().hex
    cache.set(PROBE_KEY, token, 30)
    if cache.get(PROBE_KEY) != token:
        raise RuntimeError(f"the cache {alias!r} did not return the value just written")


def check_storage(alias):
    """Ask the storage a question it must answer; for a folder, that it is there and writable."""
    storage = storages[alias]
    if isinstance(storage, FileSystemStorage):
        # A missing folder is an unmounted volume or a wrong MEDIA_ROOT, not an empty site.
        if not os.path.isdir(storage.location):
            raise FileNotFoundError(f"{storage.location} is not a folder")
        if not os.access(storage.location, os.W_OK | os.X_OK):
            raise PermissionError(f"{storage.location} is not writable")
    else:
        storage.exists(PROBE_KEY)


def check_task_queue(alias):
    """Read one row of the queue's table (django-tasks-db); other backends are not asked."""
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    backend = task_backends[alias]
    if isinstance(backend, DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.values_list("pk", flat=True).first()


def checks():
    """Return (name, check) for every service this installation is configured with."""
    found = [("database", check_database)]
    found += [
        (f"cache {alias}", lambda alias=alias: check_cache(alias)) for alias in settings.CACHES
    ]
    found += [
        (f"storage {alias}", lambda alias=alias: check_storage(alias))
        for alias in settings.STORAGES
        # Static files ship with the code and are served by WhiteNoise from memory.
        if alias != "staticfiles"
    ]
    found += [
        (f"task queue {alias}", lambda alias=alias: check_task_queue(alias))
        for alias in getattr(settings, "TASKS", {})
    ]
    return found


def run_checks():
    """Return {name: None or reason} for every service, running each check once."""
    results = {}
    for name, check in checks():
        try:
            check()
        except Exception as error:
            logger.warning("Health check: %s is down: %s: %s", name, type(error).__name__, error)
            results[name] = type(error).__name__
        else:
            results[name] = None
    return results
