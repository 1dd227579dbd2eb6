"""The admin login throttle: django-axes, tuned for the newsdesk.

Axes counts failed logins per username and per client address (newsroom.client_ip, the
same rule the comment form's flood limit uses) in its database tables, refuses further
attempts before any password is hashed once either count reaches AXES_FAILURE_LIMIT, and
hands the refused request to ``lockout_response`` below. Editors unlock someone by
deleting their rows under "Access attempts" in the admin.
"""

import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler, with a successful login clearing only its own failures.

    Axes' own reset deletes every failure from the address and every failure for the
    username, so someone holding any account could log in to it between guesses and
    wipe the count against another account. Here a success clears the failures of that
    username from that address only: a typo'd password stops counting, an attacker's
    guesses from elsewhere keep counting.
    """

    def reset_user_attempts(self, request, credentials=None):
        username = get_client_username(request, credentials)
        deleted, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return deleted


def lockout_ends_at(username, ip_address, now=None):
    """Return when neither ``username`` nor ``ip_address`` is locked out any more.

    Each failure row counts until AXES_COOLOFF_TIME after its last failure, so a key is
    locked until the newest rows that still add up to the limit expire; the later of the
    two keys decides. None means neither is locked.
    """
    now = now or timezone.now()
    cool_off = get_cool_off()
    limit = settings.AXES_FAILURE_LIMIT
    ends = []
    for key in (Q(username=username), Q(ip_address=ip_address)):
        recent = AccessAttempt.objects.filter(key, attempt_time__gt=now - cool_off).order_by(
            "-attempt_time"
        )
        total = 0
        for attempt_time, failures in recent.values_list("attempt_time", "failures_since_start"):
            total += failures
            if total >= limit:
                ends.append(attempt_time + cool_off)
                break
    return max(ends, default=None)


def lockout_response(request, original_response=None, credentials=None):
    """Answer a refused login with 429, a styled page and how long to wait.

    Template: ``admin/login_throttled.html``, the admin's login page with the form
    replaced by the message. Context: the admin's own, ``minutes`` and ``until``.
    """
    now = timezone.now()
    username = get_client_username(request, credentials)
    ends = lockout_ends_at(username, getattr(request, "axes_ip_address", None), now)
    # Reached only while locked; the fallback covers rows an editor deleted meanwhile.
    seconds = max(math.ceil((ends - now).total_seconds()), 1) if ends else 60
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "minutes": math.ceil(seconds / 60),
        "until": now + timedelta(seconds=seconds),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    response = render(request, "admin/login_throttled.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
