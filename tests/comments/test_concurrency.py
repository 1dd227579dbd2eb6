"""Posts arriving at the same moment, from real threads against the real database."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.helpers import form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def _post_together(article, payloads, ips):
    """Post every payload at once, each from its own thread and connection."""
    url = reverse("comments:post", args=[article.pk])
    barrier = threading.Barrier(len(payloads))
    results = [None] * len(payloads)

    def run(index):
        try:
            client = Client()
            barrier.wait()
            response = client.post(url, payloads[index], REMOTE_ADDR=ips[index])
            results[index] = (response.status_code, response.get("Location", ""))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = (repr(error), "")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_thirty_identical_posts_at_once_store_exactly_one_row():
    article = make_article()
    data = form_data(article, token="one-form-thirty-clicks", comment="Posted in a hurry")
    results = _post_together(article, [data] * 30, ["203.0.113.7"] * 30)
    comment = Comment.objects.get()
    assert comment.text == "Posted in a hurry"
    # Every request, winner or loser, is answered with the comment that won: no 500.
    assert results == [(302, f"{article.get_absolute_url()}#comment-{comment.pk}")] * 30


def test_flood_rule_holds_under_concurrent_posts_from_one_ip():
    article = make_article()
    payloads = [
        form_data(article, comment=f"Different text {n}", email=f"r{n}@example.com")
        for n in range(12)
    ]
    results = _post_together(article, payloads, ["203.0.113.9"] * 12)
    statuses = sorted(status for status, _ in results)
    assert statuses == [302] + [429] * 11, results
    assert Comment.objects.count() == 1


def test_flood_rule_holds_under_concurrent_posts_from_one_email():
    article = make_article()
    payloads = [form_data(article, comment=f"Text {n}") for n in range(10)]
    results = _post_together(article, payloads, [f"198.51.100.{n + 1}" for n in range(10)])
    assert sorted(status for status, _ in results) == [302] + [429] * 9, results
    assert Comment.objects.count() == 1


def test_different_readers_posting_at_once_are_all_stored():
    article = make_article()
    payloads = [
        form_data(article, comment=f"Reader {n} says", email=f"r{n}@example.com") for n in range(10)
    ]
    results = _post_together(article, payloads, [f"198.51.100.{n + 1}" for n in range(10)])
    assert [status for status, _ in results] == [302] * 10
    assert Comment.objects.count() == 10
