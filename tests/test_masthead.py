"""The masthead's date: today's, in the site's time zone, and never kept past midnight."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from newsroom import pagecache

pytestmark = pytest.mark.django_db


def test_masthead_shows_todays_date_in_the_sites_time_zone(client, settings, time_machine):
    settings.TIME_ZONE = "Europe/London"
    time_machine.move_to(datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False)
    html = client.get("/").content.decode()
    assert '<time datetime="2026-12-01">Tuesday 1 December 2026</time>' in html
    settings.TIME_ZONE = "Pacific/Auckland"  # already 2 December there
    html = client.get("/").content.decode()
    assert '<time datetime="2026-12-02">Wednesday 2 December 2026</time>' in html


def test_no_page_is_kept_past_local_midnight(settings, time_machine):
    settings.TIME_ZONE = "Europe/London"
    time_machine.move_to(datetime(2026, 12, 1, 23, 59, 0, tzinfo=ZoneInfo("UTC")), tick=False)
    # A minute to midnight: a page may be kept a minute (and a second), not five.
    assert pagecache.seconds_to_keep(300) == 61
    time_machine.move_to(datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("UTC")), tick=False)
    assert pagecache.seconds_to_keep(300) == 300
