"""Answer 503 with Retry-After, not 500, while the database cannot be reached.

Django turns an exception raised anywhere in the middleware chain into a response at
the layer that raised it (``convert_exception_to_response`` wraps every middleware), so
a middleware further out never sees the exception, only a finished 500. The one place
every uncaught exception passes through, whether raised by a view, the session or the
authentication middleware, or a session saved on the way out, is the project's
``handler500``: it runs inside the ``except`` block, so the exception is at hand. That
is where a database outage is told apart from a bug.
"""

import logging
import sqlite3
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

from . import views
from .context_processors import site

logger = logging.getLogger(__name__)

# SQLite's primary result codes that mean "the database file cannot be used right now"
# (busy, locked, out of memory, I/O error, disk full, cannot open, lock protocol), as
# opposed to SQLITE_ERROR, which is what a missing table or bad SQL raises.
_SQLITE_UNAVAILABLE = {5, 6, 7, 10, 13, 14, 15}


def is_database_unavailable(error):
    """Return True if ``error`` says the database cannot be reached, not that a query is wrong.

    PostgreSQL (psycopg2): an error raised on the client side (no server reply, so no
    SQLSTATE), or SQLSTATE class 08 (connection exception), 53 (insufficient resources:
    too many connections, disk full) or 57P (the server is shutting down, starting up or
    was shut down by an operator). Anything else, a deadlock or a cancelled statement
    included, says something about the query and stays a 500.
    """
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    if isinstance(error, InterfaceError):
        # "connection already closed": the driver's own state, never the query's.
        return True
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_UNAVAILABLE
    if hasattr(cause, "pgcode") or hasattr(cause, "sqlstate"):
        # psycopg2 names the SQLSTATE pgcode, psycopg 3 sqlstate.
        state = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
        return state is None or state.startswith(("08", "53", "57P"))
    return False


def database_unavailable_response():
    """Return the short 503 page, rendered without touching the database.

    The template gets the site's name from settings and no request, so no context
    processor runs (``auth`` and ``messages`` would read the session, which lives in
    the database).
    """
    body = loader.render_to_string("503.html", site(None))
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.DATABASE_OUTAGE_RETRY_AFTER)
    # A proxy or CDN must not keep the outage page in place of the real one.
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """Answer 503 if the exception being handled is a database outage, else the 500 page.

    The 500 page is ``newsroom.views.server_error``, which never reads the request body
    again (Django's default does, through its CSRF check).
    """
    error = sys.exc_info()[1]
    if error is not None and is_database_unavailable(error):
        return database_unavailable_response()
    return views.server_error(request)
