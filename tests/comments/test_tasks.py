"""Moderators' email in the task worker: never in the request, retried, then given up."""

import logging
import socket
import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from comments.tasks import notify_moderators, retry_delay
from tests.comments.helpers import post
from tests.factories import make_article, make_comment, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_mail_server(settings):
    """Point Django's SMTP backend at a server that accepts connections and never answers.

    The worst mail server there is: the client waits for its greeting until
    EMAIL_TIMEOUT. Yields a list of the connections it accepted.
    """
    listener = socket.socket()
    # Port 0: the system picks a free port, so parallel runs never collide.
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []

    def accept():
        while True:
            try:
                connection, _address = listener.accept()
            except OSError:
                return  # Closed at the end of the test.
            accepted.append(connection)  # Kept open, never answered.

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_TIMEOUT = 0.2
    settings.COMMENTS_NOTIFY_EMAILS = ["mods@example.com"]
    yield accepted
    listener.close()
    for connection in accepted:
        connection.close()
    thread.join(timeout=5)


def _held_comment(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, make_article(headline="Bridge reopens"))
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    return comment, response


def test_a_held_comment_posts_without_talking_to_the_mail_server(
    client, silent_mail_server, django_capture_on_commit_callbacks
):
    comment, response = _held_comment(client, django_capture_on_commit_callbacks)
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    # Queued for the worker; the request never connected to the mail server.
    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.status) == ("comments.tasks.notify_moderators", "READY")
    assert silent_mail_server == []


def test_a_silent_mail_server_gets_the_email_retried_later(
    client, settings, silent_mail_server, django_capture_on_commit_callbacks, caplog
):
    settings.COMMENTS_NOTIFY_RETRY_SECONDS = 60
    comment, _response = _held_comment(client, django_capture_on_commit_callbacks)
    before = timezone.now()

    assert run_queued_tasks() == 1

    assert len(silent_mail_server) == 1  # the worker did try, and timed out
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED"
    assert "timed out" in first.traceback or "timeout" in first.traceback.lower()
    assert retry.status == "READY"
    assert retry.args_kwargs["args"] == [comment.pk, "http://testserver/", 2]
    assert retry.run_after >= before + timedelta(seconds=60)
    assert "attempt 1 of 5" in caplog.text
    # Not due yet: the worker leaves it for later.
    assert run_queued_tasks() == 0


def test_back_off_doubles_each_attempt(settings):
    settings.COMMENTS_NOTIFY_RETRY_SECONDS = 30
    assert [retry_delay(attempt).total_seconds() for attempt in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_the_last_failed_attempt_is_logged_as_an_error_with_the_comment(
    client, settings, silent_mail_server, django_capture_on_commit_callbacks, caplog
):
    settings.COMMENTS_NOTIFY_MAX_ATTEMPTS = 3
    comment, _response = _held_comment(client, django_capture_on_commit_callbacks)
    DBTaskResult.objects.all().delete()
    notify_moderators.enqueue(comment.pk, "http://testserver/", 3)

    with caplog.at_level(logging.WARNING, logger="comments.tasks"):
        assert run_queued_tasks() == 1

    assert DBTaskResult.objects.get().status == "FAILED"  # and nothing queued again
    errors = [
        record
        for record in caplog.records
        if record.levelno == logging.ERROR and record.name == "comments.tasks"
    ]
    assert len(errors) == 1
    assert errors[0].getMessage() == (
        f"Gave up emailing moderators about comment {comment.pk} after 3 attempts."
    )


def test_a_working_mail_server_gets_the_email_with_its_links(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_NOTIFY_EMAILS = ["mods@example.com"]
    comment, _response = _held_comment(client, django_capture_on_commit_callbacks)
    notify_moderators.call(comment.pk, "https://news.example.com/", 2)
    [mail] = mailoutbox
    assert mail.to == ["mods@example.com"]
    assert mail.subject == "Comment awaiting moderation on “Bridge reopens”"
    assert comment.text in mail.body and comment.email in mail.body
    assert f"https://news.example.com{comment.article.get_absolute_url()}" in mail.body
    assert f"https://news.example.com/admin/comments/comment/{comment.pk}/change/" in mail.body


def test_a_comment_moderated_before_the_worker_runs_sends_no_email(settings, mailoutbox):
    settings.COMMENTS_NOTIFY_EMAILS = ["mods@example.com"]
    comment = make_comment(status=Comment.Status.APPROVED)
    assert notify_moderators.call(comment.pk, "http://testserver/") == "nothing to moderate"
    assert notify_moderators.call(comment.pk + 1000, "http://testserver/") == (
        "nothing to moderate"
    )
    assert mailoutbox == []
