"""Which address a request came from, by the one rule every part of the site uses.

The comment form's flood limit and the admin's login throttle both key on it, so it
lives in the project package rather than in either app.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """Return the client's IP address, or None when it is not a valid address.

    REMOTE_ADDR is the peer that connected, which a client cannot forge. Behind
    TRUSTED_PROXY_COUNT proxies, each appended the address it saw to X-Forwarded-For, so
    the entry that many places from the end is the one the outermost trusted proxy
    saw; anything before it was written by the client and is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            remote = forwarded[-min(trusted, len(forwarded))]
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return None
