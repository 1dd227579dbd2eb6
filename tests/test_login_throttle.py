"""The admin login throttle (django-axes, newsroom/login_throttle.py)."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.roles import EDITORS, REPORTERS, ensure_roles
from tests.factories import make_user
from tests.hashers import CountingMD5PasswordHasher

pytestmark = pytest.mark.django_db
PASSWORD = "the-right-password"
LOGIN = "/admin/login/"


def log_in(client, username, password, address="192.0.2.1", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


@pytest.fixture
def staff():
    return make_user(username="dana", password=PASSWORD, is_staff=True)


@pytest.fixture
def counting_hasher(settings):
    """Hash passwords with a real hasher that counts its work; users made after this."""
    settings.PASSWORD_HASHERS = ["tests.hashers.CountingMD5PasswordHasher"]
    CountingMD5PasswordHasher.hashes = 0
    return CountingMD5PasswordHasher


def test_five_failures_answer_429_with_the_time_to_wait(client, staff):
    for _ in range(4):
        refused = log_in(client, "dana", "wrong")
        assert refused.status_code == 200
        assert "Please enter the correct username and password" in refused.content.decode()
    locked = log_in(client, "dana", "wrong")
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(15 * 60)
    page = locked.content.decode()
    assert "Too many failed logins" in page
    assert "Try again in 15 minutes" in page
    # Styled as the admin's own login page, not a bare line of text.
    assert "admin/css/login.css" in page
    assert 'role="alert"' in page

    # Even the right password is refused now, and nobody is logged in.
    again = log_in(client, "dana", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_wait_counts_down_and_the_lock_lifts(client, staff):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            log_in(client, "dana", "wrong")
        clock.shift(timedelta(minutes=10))
        waiting = log_in(client, "dana", PASSWORD)
        assert waiting.status_code == 429
        assert waiting["Retry-After"] == str(5 * 60)
        assert "Try again in 5 minutes" in waiting.content.decode()
        clock.shift(timedelta(minutes=5, seconds=1))
        assert log_in(client, "dana", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_a_hundred_wrong_passwords_in_a_minute_hash_only_five(client, counting_hasher):
    make_user(username="dana", password=PASSWORD, is_staff=True)
    counting_hasher.hashes = 0
    with time_machine.travel(timezone.now(), tick=False) as clock:
        answers = []
        for number in range(100):
            answers.append(log_in(client, "dana", f"guess-{number}").status_code)
            clock.shift(timedelta(seconds=0.6))
    assert answers[:4] == [200] * 4
    assert answers[4:] == [429] * 96
    assert counting_hasher.hashes == 5
    # Refused attempts are not written down either: the flood costs reads only.
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_one_address_trying_many_usernames_is_locked(client, staff, counting_hasher):
    answers = [log_in(client, f"user{number}", "guess").status_code for number in range(100)]
    assert answers[:4] == [200] * 4
    assert set(answers[4:]) == {429}
    # A missing user costs Django one dummy hash; only the first five got that far.
    assert counting_hasher.hashes == 5
    # The address is locked for every username, the real one with its password included.
    assert log_in(client, "dana", PASSWORD).status_code == 429


def test_many_addresses_trying_one_username_lock_it(client, staff, counting_hasher):
    make_user(username="lee", password=PASSWORD, is_staff=True)
    counting_hasher.hashes = 0
    answers = [
        log_in(client, "lee", "guess", address=f"198.51.100.{number}").status_code
        for number in range(1, 101)
    ]
    assert answers[:4] == [200] * 4
    assert set(answers[4:]) == {429}
    assert counting_hasher.hashes == 5
    # The username is locked from anywhere; other accounts are not.
    assert log_in(client, "lee", PASSWORD, address="203.0.113.9").status_code == 429
    assert log_in(client, "dana", PASSWORD, address="203.0.113.9").status_code == 302


def test_the_address_is_the_clients_behind_trusted_proxies(client, settings, staff):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for number in range(5):
        log_in(client, f"user{number}", "guess", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.50")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.50"}
    # A client cannot pick another address by writing its own X-Forwarded-For entries.
    forged = log_in(
        client, "user9", "guess", address=proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.50"
    )
    assert forged.status_code == 429
    # Another client behind the same proxy is not locked out with it.
    other = log_in(client, "dana", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert other.status_code == 302


def test_a_success_resets_the_failures(client, staff):
    for _ in range(4):
        log_in(client, "dana", "wrong")
    assert log_in(client, "dana", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    for _ in range(4):
        assert log_in(client, "dana", "wrong").status_code == 200


def test_logging_in_to_one_account_does_not_clear_guesses_at_another(client, staff):
    make_user(username="mallory", password="mallorys-own-password", is_staff=True)
    for _ in range(4):
        log_in(client, "dana", "guess")
    assert log_in(client, "mallory", "mallorys-own-password").status_code == 302
    client.logout()
    assert log_in(client, "dana", "guess").status_code == 429


def test_the_lock_does_not_touch_force_login_sessions(client, staff):
    for _ in range(5):
        log_in(client, "dana", "wrong", address="127.0.0.1")
    # Tests (and staff already logged in) are not authenticating again.
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


@pytest.fixture
def locked_out(client, staff):
    for _ in range(5):
        log_in(client, "dana", "wrong")
    assert AccessAttempt.objects.get().failures_since_start == 5
    return staff


def member(group_name, username):
    ensure_roles()
    user = make_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_an_editor_unlocks_a_locked_out_user(client, locked_out):
    editor = member(EDITORS, "chief")
    editor_client = type(client)()
    editor_client.force_login(editor)
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = editor_client.get(changelist)
    assert listing.status_code == 200
    assert "dana" in listing.content.decode()
    assert "Access attempts" in editor_client.get("/admin/").content.decode()

    attempt = AccessAttempt.objects.get()
    unlocked = editor_client.post(
        changelist, {"action": "unlock", "_selected_action": [attempt.pk]}, follow=True
    )
    assert "Unlocked dana: forgot 1 failed-login record." in unlocked.content.decode()
    assert not AccessAttempt.objects.exists()
    assert log_in(client, "dana", PASSWORD).status_code == 302


@pytest.mark.parametrize("role", [EDITORS, REPORTERS, "superuser"])
def test_the_access_attempt_admin_as_each_role(client, locked_out, role):
    if role == "superuser":
        user = make_user(username="root", is_staff=True, is_superuser=True)
    else:
        user = member(role, "someone")
    client.force_login(user)
    attempt = AccessAttempt.objects.get()
    pages = {
        "changelist": reverse("admin:axes_accessattempt_changelist"),
        "change": reverse("admin:axes_accessattempt_change", args=[attempt.pk]),
        "delete": reverse("admin:axes_accessattempt_delete", args=[attempt.pk]),
        "history": reverse("admin:axes_accessattempt_history", args=[attempt.pk]),
    }
    answers = {name: client.get(url).status_code for name, url in pages.items()}
    if role == REPORTERS:
        assert answers == dict.fromkeys(pages, 403)
        assert "Access attempts" not in client.get("/admin/").content.decode()
    else:
        assert answers == dict.fromkeys(pages, 200)
        # Read-only: nobody edits or adds failure records, they only delete them.
        change = client.get(pages["change"]).content.decode()
        assert 'name="_save"' not in change
        assert client.get(reverse("admin:axes_accessattempt_add")).status_code == 403
        assert client.post(pages["change"], {"username": "x"}).status_code == 403


def test_the_lockout_page_states_the_limit_and_how_to_get_unlocked(client, locked_out):
    page = log_in(client, "dana", PASSWORD).content.decode()
    assert "after 5 wrong passwords" in page
    assert "ask an editor to unlock your account" in page
    assert 'href="/admin/login/"' in page


def test_a_failure_keeps_no_password_or_csrf_token(client, staff):
    client.post(
        LOGIN,
        {"username": "dana", "password": "hunter2-secret", "csrfmiddlewaretoken": "tok-secret"},
    )
    stored = AccessAttempt.objects.get()
    assert stored.username == "dana"
    assert "hunter2-secret" not in stored.post_data
    assert "tok-secret" not in stored.post_data
    assert "password=********************" in stored.post_data
