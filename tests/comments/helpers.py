"""Helpers for posting the "Leave a Reply" form as a browser would."""

import time

import time_machine
from django.urls import reverse

from comments.forms import sign_form


def form_data(article, age=60, token=None, **fields):
    """Return the POST data of a form shown ``age`` seconds ago, signed with the real signer."""
    with time_machine.travel(time.time() - age, tick=False):
        security = sign_form(article.pk, token=token)
    data = {
        "comment": "A thoughtful remark about the story.",
        "author": "Jane Reader",
        "email": "jane@example.com",
        "url": "",
        "parent": "",
        "honeypot": "",
        "security": security,
    }
    data.update(fields)
    return data


def post(client, article, ip="203.0.113.7", headers=None, **fields):
    """Post the form from ``ip``; extra keyword arguments are form fields."""
    return client.post(
        reverse("comments:post", args=[article.pk]),
        form_data(article, **fields),
        REMOTE_ADDR=ip,
        **(headers or {}),
    )
