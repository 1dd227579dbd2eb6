"""Rule 6: the moderation decision, and the moderators' email."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.moderation import (
    author_previously_approved,
    comments_open,
    count_links,
    decide_status,
)
from tests.comments.helpers import post
from tests.factories import make_article, make_comment, run_queued_tasks

pytestmark = pytest.mark.django_db


def _decide(**overrides):
    fields = {
        "name": "Jane Reader",
        "email": "jane@example.com",
        "website": "",
        "text": "A fair point.",
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0",
        "is_staff": False,
        "author_previously_approved": True,
    }
    fields.update(overrides)
    return decide_status(**fields)


def test_known_author_with_a_plain_comment_is_approved():
    assert _decide() == Comment.Status.APPROVED


def test_new_author_waits_for_moderation():
    assert _decide(author_previously_approved=False) == Comment.Status.PENDING


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", "Casino King"),
        ("email", "casino@example.com"),
        ("website", "https://casino.example"),
        ("text", "Visit our CASINO"),
        ("ip_address", "6.6.6.6"),
        ("user_agent", "CasinoBot/1.0"),
    ],
)
def test_disallowed_words_anywhere_make_spam(settings, field, value):
    settings.COMMENTS_DISALLOWED_WORDS = ["casino", "6.6.6."]
    assert _decide(**{field: value}) == Comment.Status.SPAM


def test_disallowed_words_beat_every_other_rule(settings):
    settings.COMMENTS_DISALLOWED_WORDS = ["casino"]
    settings.COMMENTS_MODERATION_WORDS = ["casino"]
    assert _decide(text="casino http://a.example http://b.example") == Comment.Status.SPAM


def test_blank_words_in_the_lists_match_nothing(settings):
    settings.COMMENTS_DISALLOWED_WORDS = ["", "  "]
    settings.COMMENTS_MODERATION_WORDS = [" "]
    assert _decide() == Comment.Status.APPROVED


def test_max_links_default_is_two_and_two_links_are_held(settings):
    assert settings.COMMENTS_MAX_LINKS == 2
    assert _decide(text="see https://a.example") == Comment.Status.APPROVED
    assert _decide(text="see https://a.example and www.b.example") == Comment.Status.PENDING


def test_max_links_zero_turns_the_rule_off(settings):
    settings.COMMENTS_MAX_LINKS = 0
    assert _decide(text="http://a.example http://b.example http://c.example") == "approved"


def test_count_links_counts_what_readers_will_see_as_links():
    assert count_links("http://a.example, HTTPS://b.example and www.c.example") == 3
    assert count_links("no links, just example.com text") == 0


def test_moderation_words_hold_the_comment(settings):
    settings.COMMENTS_MODERATION_WORDS = ["lawyer"]
    assert _decide(text="My LAWYER will call") == Comment.Status.PENDING
    assert _decide(name="Lawyer Larry") == Comment.Status.PENDING


def test_word_lists_are_empty_by_default(settings):
    assert settings.COMMENTS_DISALLOWED_WORDS == []
    assert settings.COMMENTS_MODERATION_WORDS == []


def test_staff_are_approved_whatever_they_write(settings):
    settings.COMMENTS_DISALLOWED_WORDS = ["casino"]
    decided = _decide(is_staff=True, text="casino", author_previously_approved=False)
    assert decided == Comment.Status.APPROVED


def test_known_author_means_same_name_and_email_approved_before(client):
    article = make_article()
    make_comment(article, name="Jane Reader", email="jane@example.com")
    make_comment(article, name="Other Name", email="other@example.com")
    Comment.objects.update(created=timezone.now() - timedelta(hours=1))
    post(client, article, author="jane reader", email="JANE@example.com")
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED
    post(client, article, author="Impostor", email="other@example.com", ip="198.51.100.3")
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


def test_known_author_check_matches_the_email_exactly_on_its_index():
    with CaptureQueriesContext(connection) as queries:
        author_previously_approved("Jane Reader", "Jane@Example.com")
    (query,) = queries.captured_queries
    assert '"comments_comment"."email" = ' in query["sql"]


def test_an_address_typed_in_capitals_in_the_admin_still_counts_as_known(admin_client):
    article = make_article()
    comment = make_comment(article, name="Jane Reader", email="jane@example.com")
    data = {
        "status": "approved",
        "name": "Jane Reader",
        "email": "Jane@Example.COM",
        "website": "",
        "text": comment.text,
    }
    admin_client.post(reverse("admin:comments_comment_change", args=[comment.pk]), data)
    comment.refresh_from_db()
    assert comment.email == "jane@example.com"
    assert author_previously_approved("jane reader", "JANE@example.com")


def test_an_author_whose_earlier_comment_is_held_stays_held(client):
    article = make_article()
    make_comment(article, name="Jane Reader", email="jane@example.com", status="pending")
    Comment.objects.update(created=timezone.now() - timedelta(hours=1))
    post(client, article)
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


def test_comments_open_rules(settings):
    assert comments_open(make_article())
    assert not comments_open(make_article(allow_comments=False))
    settings.COMMENTS_CLOSE_AFTER_DAYS = 1
    assert not comments_open(make_article(published_at=timezone.now() - timedelta(days=2)))


# The moderators' email.


def test_held_comment_queues_the_moderators_email_after_commit(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.MANAGERS = [("Desk", "desk@example.com")]
    article = make_article(headline="Bridge reopens")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(client, article, comment="Is the bridge safe?")
    assert len(callbacks) == 1
    assert not DBTaskResult.objects.exists()  # nothing before the transaction commits
    callbacks[0]()
    comment = Comment.objects.get()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "comments.tasks.notify_moderators"
    assert queued.args_kwargs["args"] == [comment.pk, "http://testserver/"]
    assert mailoutbox == []  # the worker sends it, not the reader's request

    assert run_queued_tasks() == 1

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["desk@example.com"]
    assert "Bridge reopens" in mail.subject
    assert "Is the bridge safe?" in mail.body
    assert f"http://testserver{article.get_absolute_url()}" in mail.body
    assert f"http://testserver/admin/comments/comment/{comment.pk}/change/" in mail.body


def test_notify_emails_setting_takes_over_from_managers(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MANAGERS = [("Desk", "desk@example.com")]
    settings.COMMENTS_NOTIFY_EMAILS = ["mods@example.com", "chief@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        post(client, make_article())
    run_queued_tasks()
    assert mailoutbox[0].to == ["mods@example.com", "chief@example.com"]


def test_approved_and_spam_comments_send_no_email(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MANAGERS = [("Desk", "desk@example.com")]
    settings.COMMENTS_DISALLOWED_WORDS = ["casino"]
    article = make_article()
    make_comment(article, name="Jane Reader", email="jane@example.com")
    Comment.objects.update(created=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        post(client, article, comment="Approved at once")
        post(client, article, comment="casino", ip="198.51.100.4", email="c@example.com")
    assert Comment.objects.filter(status="spam").count() == 1
    assert run_queued_tasks() == 0
    assert mailoutbox == []


def test_a_mail_failure_does_not_lose_the_comment(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.COMMENTS_NOTIFY_EMAILS = ["mods@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, make_article())
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_demo_settings_send_moderation_mail_to_the_console():
    from newsroom.settings import dev

    assert dev.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert dev.COMMENTS_NOTIFY_EMAILS
