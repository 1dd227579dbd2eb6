"""Staff sessions end after a working day without a request (StaffSessionIdleMiddleware)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(username="dana", is_staff=True))
    return client


def stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_an_idle_staff_session_is_logged_out_with_a_reason(clock, staff_client):
    assert staff_client.get("/admin/").status_code == 200
    clock.shift(timedelta(hours=8, minutes=1))
    response = staff_client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert "_auth_user_id" not in staff_client.session
    assert "logged out after 8 hours without activity" in response.content.decode()


def test_an_active_staff_session_is_extended(clock, staff_client):
    for _ in range(4):
        assert staff_client.get("/admin/").status_code == 200
        clock.shift(timedelta(hours=7, minutes=50))
    # 31 hours after logging in, never 8 hours idle: still logged in.
    assert staff_client.get("/admin/").status_code == 200


def test_the_session_is_written_at_most_every_five_minutes(clock, staff_client):
    staff_client.get("/admin/")
    first = stored_expiry(staff_client)
    clock.shift(timedelta(minutes=4))
    staff_client.get("/admin/")
    assert stored_expiry(staff_client) == first
    clock.shift(timedelta(minutes=2))
    staff_client.get("/admin/")
    assert stored_expiry(staff_client) == first + timedelta(minutes=6)


def test_the_idle_limit_is_configurable(clock, settings, staff_client):
    settings.STAFF_SESSION_IDLE_HOURS = 1
    staff_client.get("/admin/")
    clock.shift(timedelta(minutes=59))
    assert staff_client.get("/admin/").status_code == 200
    clock.shift(timedelta(minutes=61))
    assert staff_client.get("/admin/").status_code == 302


def test_readers_get_no_session(client):
    article = make_article()
    for url in ("/", article.get_absolute_url(), "/search/?q=news", "/feed/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
