"""Readers hear back: follow-up and approval emails, through the task worker, and unsubscribing.

The mail goes through the real database task backend (``run_queued_tasks`` runs the
worker's own code) into Django's locmem outbox.
"""

import re
import socket
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import notices
from comments.models import Comment, FollowUpSubscription
from tests.comments.helpers import post
from tests.factories import make_article, make_comment, make_user, run_queued_tasks

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"
UNSUBSCRIBE_LINK = re.compile(r"http://testserver/comments/unsubscribe/[^/\s]+/")


@pytest.fixture(autouse=True)
def quick_readers(settings):
    # Several readers post within seconds from one test; the flood rule has its own tests.
    settings.COMMENTS_FLOOD_SECONDS = 0
    # Only readers' email in the outbox: moderators' mail is tested in test_tasks.py.
    settings.COMMENTS_NOTIFY_EMAILS = []
    settings.MANAGERS = []


@pytest.fixture
def moderator():
    """A client logged in as an editor (who may moderate)."""
    client = Client()
    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def _post(article, email, name, run, ip, **fields):
    """Post as a new browser; return the stored comment."""
    with run(execute=True):
        response = post(
            Client(), article, ip=ip, email=email, author=name, comment=f"{name} says hi.", **fields
        )
    assert response.status_code == 302, response.content[:500]
    return Comment.objects.get(article=article, email=email, text=f"{name} says hi.")


def _approve(moderator, run, *comments):
    with run(execute=True):
        response = moderator.post(
            reverse(CHANGELIST) + "?status=all",
            {"action": "approve", "_selected_action": [c.pk for c in comments], "index": 0},
        )
    assert response.status_code == 302


def _known_author(article, email, name):
    """Give ``email`` an approved comment elsewhere, so its next post is approved at once."""
    make_comment(make_article(), email=email, name=name, status="approved")


def _addresses_in(message):
    """Return the addresses in the message's headers and body (not its Message-ID)."""
    mime = message.message()
    del mime["Message-ID"]
    return set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", mime.as_string()))


def test_both_boxes_are_under_the_form_and_unticked(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    for name, label in [
        ("notify_followups", "Notify me of follow-up comments by email"),
        ("notify_approval", "Notify me when my comment is approved"),
    ]:
        box = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html).group(0)
        assert "checked" not in box
        assert f'<label for="{name}">{label}</label>' in html


def test_unticked_boxes_mean_no_email_to_anyone(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    article = make_article()
    first = _post(article, "ann@example.com", "Ann", run, "203.0.113.1")
    second = _post(article, "bob@example.com", "Bob", run, "203.0.113.2")
    _approve(moderator, run, first, second)
    run_queued_tasks()
    assert mailoutbox == []
    assert not FollowUpSubscription.objects.exists()
    assert not Comment.objects.filter(notify_on_approval=True).exists()


def test_a_new_approved_comment_is_emailed_to_each_other_subscriber_alone(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    article = make_article(headline="Ferry timetable changes")
    ann = _post(article, "ann@example.com", "Ann", run, "203.0.113.1", notify_followups="on")
    bob = _post(article, "bob@example.com", "Bob", run, "203.0.113.2", notify_followups="on")
    cat = _post(article, "cat@example.com", "Cat", run, "203.0.113.3")  # no box
    _approve(moderator, run, ann, bob)
    run_queued_tasks()
    # Each was approved with the other's subscription pending or active: the first
    # one announced activates its author and tells the other active subscribers.
    mailoutbox.clear()

    _approve(moderator, run, cat)
    assert run_queued_tasks() == 3  # the announcement, then one message per subscriber
    assert sorted(message.to[0] for message in mailoutbox) == ["ann@example.com", "bob@example.com"]
    for message in mailoutbox:
        assert len(message.to) == 1 and message.cc == [] and message.bcc == []
        assert message.reply_to == []
        # No reader's address but the recipient's, anywhere in the message.
        assert _addresses_in(message) - {"newsroom@localhost"} == set(message.to)
        assert message.subject == "New comment on “Ferry timetable changes”"
        assert "Cat commented on “Ferry timetable changes”" in message.body
        assert "Cat says hi." in message.body
        assert f"http://testserver{article.get_absolute_url()}#comment-{cat.pk}" in message.body
        link = UNSUBSCRIBE_LINK.search(message.body).group(0)
        assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.message().as_string()


def test_the_author_of_the_new_comment_is_not_told_of_it(
    mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    article = make_article()
    _known_author(article, "ann@example.com", "Ann")
    _known_author(article, "bob@example.com", "Bob")
    _post(article, "ann@example.com", "Ann", run, "203.0.113.1", notify_followups="on")
    run_queued_tasks()
    assert mailoutbox == []  # approved at once; nobody else follows the article yet
    _post(article, "bob@example.com", "Bob", run, "203.0.113.2", notify_followups="on")
    run_queued_tasks()
    assert [message.to for message in mailoutbox] == [["ann@example.com"]]


def test_a_subscription_waits_for_its_own_comment_to_be_approved(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    """An address typed into a comment a moderator throws out is never written to."""
    run = django_capture_on_commit_callbacks
    article = make_article()
    victim = _post(article, "victim@example.com", "Vic", run, "203.0.113.9", notify_followups="on")
    assert FollowUpSubscription.objects.get().active is False
    with run(execute=True):
        moderator.post(
            reverse(CHANGELIST) + "?status=all",
            {"action": "mark_spam", "_selected_action": [victim.pk], "index": 0},
        )
    _known_author(article, "bob@example.com", "Bob")
    _post(article, "bob@example.com", "Bob", run, "203.0.113.2")
    run_queued_tasks()
    assert mailoutbox == []


def test_the_approval_notice_goes_once_to_a_reader_who_asked(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    article = make_article(headline="Library hours")
    held = _post(article, "ann@example.com", "Ann", run, "203.0.113.1", notify_approval="on")
    other = _post(article, "bob@example.com", "Bob", run, "203.0.113.2")
    assert held.status == "pending" and held.notify_on_approval
    _approve(moderator, run, held, other)
    run_queued_tasks()
    [message] = mailoutbox
    assert message.to == ["ann@example.com"]
    assert message.subject == "Your comment on “Library hours” is published"
    assert f"http://testserver{article.get_absolute_url()}#comment-{held.pk}" in message.body
    assert _addresses_in(message) - {"newsroom@localhost"} == {"ann@example.com"}
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE_LINK.search(message.extra_headers["List-Unsubscribe"])

    # Unapproved and approved again: not news a second time.
    with run(execute=True):
        moderator.post(
            reverse(CHANGELIST) + "?status=all",
            {"action": "unapprove", "_selected_action": [held.pk], "index": 0},
        )
    _approve(moderator, run, held)
    run_queued_tasks()
    assert len(mailoutbox) == 1


def test_approving_in_the_comment_form_announces_too(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    article = make_article()
    held = _post(article, "ann@example.com", "Ann", run, "203.0.113.1", notify_approval="on")
    url = reverse("admin:comments_comment_change", args=[held.pk])
    data = {
        "status": "approved",
        "name": held.name,
        "email": held.email,
        "website": "",
        "text": held.text,
    }
    with run(execute=True):
        response = moderator.post(url, data)
    assert response.status_code == 302
    run_queued_tasks()
    assert [message.to for message in mailoutbox] == [["ann@example.com"]]


def test_the_quick_approve_on_the_articles_admin_page_announces_too(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    # The desk's Approve button (comments/desk.py) runs the list's own action.
    run = django_capture_on_commit_callbacks
    article = make_article()
    held = _post(article, "ann@example.com", "Ann", run, "203.0.113.1", notify_approval="on")
    with run(execute=True):
        response = moderator.post(
            reverse("admin:comments_comment_moderate", args=[held.pk]), {"action": "approve"}
        )
    assert response.status_code == 302
    run_queued_tasks()
    assert [message.to for message in mailoutbox] == [["ann@example.com"]]


def test_a_comment_shown_at_once_sends_no_approval_notice(
    mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    article = make_article()
    _known_author(article, "ann@example.com", "Ann")
    comment = _post(article, "ann@example.com", "Ann", run, "203.0.113.1", notify_approval="on")
    assert comment.status == "approved"
    assert run_queued_tasks() == 0
    assert mailoutbox == []


def test_no_task_is_queued_for_an_approved_comment_nobody_follows(
    django_capture_on_commit_callbacks,
):
    article = make_article()
    _known_author(article, "ann@example.com", "Ann")
    _post(article, "ann@example.com", "Ann", django_capture_on_commit_callbacks, "203.0.113.1")
    assert not DBTaskResult.objects.exists()


def _followup_link(moderator, run, mailoutbox):
    """Subscribe Ann to an article, have Bob comment; return Ann's unsubscribe link."""
    article = make_article(headline="Park to close early")
    _known_author(article, "ann@example.com", "Ann")
    _known_author(article, "bob@example.com", "Bob")
    _post(article, "ann@example.com", "Ann", run, "203.0.113.1", notify_followups="on")
    _post(article, "bob@example.com", "Bob", run, "203.0.113.2")
    run_queued_tasks()
    [message] = mailoutbox
    return article, UNSUBSCRIBE_LINK.search(message.body).group(0).removeprefix("http://testserver")


def test_the_unsubscribe_link_asks_then_stops_the_followups(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    article, link = _followup_link(moderator, run, mailoutbox)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Stop these emails?" in html and "Park to close early" in html
    assert "ann@example.com" not in html  # an address is never shown, even to its owner
    assert page["Cache-Control"] == "private, no-store"
    assert FollowUpSubscription.objects.filter(
        email="ann@example.com"
    ).exists()  # GET changes nothing

    done = browser.post(link)
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    assert not FollowUpSubscription.objects.filter(email="ann@example.com").exists()

    _known_author(article, "cat@example.com", "Cat")
    _post(article, "cat@example.com", "Cat", run, "203.0.113.3")
    run_queued_tasks()
    assert len(mailoutbox) == 1  # nothing new for Ann

    again = browser.get(link)
    assert again.status_code == 200
    assert "Nothing left to unsubscribe from" in again.content.decode()


def test_one_click_unsubscribe_from_a_mail_program(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    """RFC 8058: a POST of "List-Unsubscribe=One-Click", no cookie, no CSRF token."""
    run = django_capture_on_commit_callbacks
    _article, link = _followup_link(moderator, run, mailoutbox)
    mail_program = Client(enforce_csrf_checks=True)
    for _ in range(2):  # a mail program may send it twice
        response = mail_program.post(
            link,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
    assert not FollowUpSubscription.objects.exists()


def test_the_approval_notice_link_stops_every_email_to_that_address(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    article = make_article()
    held = _post(
        article,
        "ann@example.com",
        "Ann",
        run,
        "203.0.113.1",
        notify_approval="on",
        notify_followups="on",
    )
    later = _post(
        make_article(), "ann@example.com", "Ann", run, "203.0.113.1", notify_approval="on"
    )
    _approve(moderator, run, held)
    run_queued_tasks()
    [message] = mailoutbox
    link = UNSUBSCRIBE_LINK.search(message.body).group(0)
    response = Client().post(link)
    assert "no more emails about your comments" in response.content.decode()
    assert not FollowUpSubscription.objects.exists()
    later.refresh_from_db()
    assert later.notify_on_approval is False
    _approve(moderator, run, later)
    run_queued_tasks()
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "WyJhbGwiLDFd:1vQ:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        # Signed by this site, but for the "Leave a Reply" form, not for unsubscribing.
        None,
    ],
)
def test_a_bad_unsubscribe_link_gets_a_clear_page_not_an_error(client, token):
    if token is None:
        from django.core import signing

        token = signing.dumps(["all", 1], salt="comments.form")
    response = client.get(reverse("comments:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This unsubscribe link does not work" in response.content.decode()
    assert client.post(reverse("comments:unsubscribe", args=[token])).status_code == 400


def test_a_well_signed_link_of_the_wrong_shape_is_refused(client):
    from django.core import signing

    for value in (["all"], ["other", 1], ["all", "1"], {"k": 1}, ["all", True]):
        token = signing.dumps(value, salt=notices.UNSUBSCRIBE_SALT)
        response = client.post(reverse("comments:unsubscribe", args=[token]))
        assert response.status_code == 400


def test_an_expired_unsubscribe_link_says_so(client, settings):
    settings.COMMENTS_UNSUBSCRIBE_DAYS = 30
    subscription = FollowUpSubscription.objects.create(
        article=make_article(), email="ann@example.com", active=True
    )
    token = notices.unsubscribe_token(notices.FOLLOWUPS, subscription.pk)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = client.post(reverse("comments:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This unsubscribe link has expired" in response.content.decode()
    assert FollowUpSubscription.objects.exists()


@pytest.mark.parametrize("subscribers", [1, 40])
def test_unsubscribe_pages_cost_the_same_queries_at_any_size(
    client, django_assert_num_queries, subscribers
):
    article = make_article()
    subscriptions = [
        FollowUpSubscription.objects.create(
            article=article, email=f"reader{n}@example.com", active=True
        )
        for n in range(subscribers)
    ]
    url = reverse(
        "comments:unsubscribe",
        args=[notices.unsubscribe_token(notices.FOLLOWUPS, subscriptions[0].pk)],
    )
    client.get(url)  # the page furniture, read once per page cache generation
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
    # Read the subscription with its article, delete it.
    with django_assert_num_queries(2):
        assert client.post(url).status_code == 200


def test_a_failed_reader_email_is_retried_later(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    # A port nothing listens on: the connection is refused at once.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    host, port = closed.getsockname()
    closed.close()
    run = django_capture_on_commit_callbacks
    article = make_article()
    _known_author(article, "ann@example.com", "Ann")
    _known_author(article, "bob@example.com", "Bob")
    _post(article, "ann@example.com", "Ann", run, "203.0.113.1", notify_followups="on")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = host, port
    settings.EMAIL_TIMEOUT = 1
    _post(article, "bob@example.com", "Bob", run, "203.0.113.2")
    run_queued_tasks()
    followups = DBTaskResult.objects.filter(task_path="comments.tasks.send_followup")
    assert sorted(followups.values_list("status", flat=True)) == ["FAILED", "READY"]
    retry = followups.get(status="READY")
    assert retry.args_kwargs["args"][-1] == 2
    assert retry.run_after > timezone.now()


def test_a_link_naming_an_enormous_id_finds_nothing(client):
    token = notices.unsubscribe_token(notices.EVERYTHING, 10**30)
    response = client.get(reverse("comments:unsubscribe", args=[token]))
    assert response.status_code == 200
    assert "Nothing left to unsubscribe from" in response.content.decode()
    assert client.post(reverse("comments:unsubscribe", args=[token])).status_code == 200


def test_check_again_announces_what_it_approves(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    article = make_article()
    held = _post(article, "ann@example.com", "Ann", run, "203.0.113.1", notify_approval="on")
    # Since it was held, Ann had another comment approved: the rules now pass her.
    make_comment(make_article(), email="ann@example.com", name="Ann", status="approved")
    with run(execute=True):
        moderator.post(
            reverse(CHANGELIST) + "?status=all",
            {"action": "check_again", "_selected_action": [held.pk], "index": 0},
        )
    held.refresh_from_db()
    assert held.status == "approved"
    run_queued_tasks()
    assert [message.to for message in mailoutbox] == [["ann@example.com"]]
