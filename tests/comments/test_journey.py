"""The issue's "done" journey, through the real views and the real admin."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.comments.helpers import form_data
from tests.factories import log_in, make_article, make_user

pytestmark = pytest.mark.django_db


def test_reader_waits_editor_approves_and_the_next_comment_appears_at_once(client):
    article = make_article(headline="Bridge reopens")
    url = article.get_absolute_url()
    post_url = reverse("comments:post", args=[article.pk])

    # A new reader posts, ticking the box, and is told the comment waits.
    response = client.post(
        post_url,
        form_data(article, comment="Good news for the town.", cookies_consent="on"),
        REMOTE_ADDR="203.0.113.20",
        follow=True,
    )
    first = Comment.objects.get()
    assert response.redirect_chain == [(f"{url}#comment-{first.pk}", 302)]
    html = response.content.decode()
    assert "Good news for the town." in html
    assert "Your comment is awaiting moderation." in html
    assert "Good news for the town." not in Client().get(url).content.decode()

    # An editor from the Editors group approves it in the admin.
    editor = make_user(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    desk = Client()
    assert log_in(desk, "editor", "correct horse battery staple")
    index = desk.get(reverse("admin:index")).content.decode()
    assert "<strong>1</strong> comment awaiting moderation" in index
    queue = desk.get(reverse("admin:comments_comment_changelist"))
    assert [c.pk for c in queue.context["cl"].result_list] == [first.pk]
    desk.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [first.pk]},
    )

    # It appears to everyone.
    public = Client().get(url).content.decode()
    assert "Good news for the town." in public
    assert "1 comment" in public

    # The same reader's next comment, from the prefilled form, appears at once.
    Comment.objects.update(created=timezone.now() - timedelta(minutes=1))
    page = client.get(url).content.decode()
    assert 'value="Jane Reader"' in page and 'value="jane@example.com"' in page
    response = client.post(
        post_url,
        form_data(article, comment="And the cycle lane is back."),
        REMOTE_ADDR="203.0.113.20",
        follow=True,
    )
    second = Comment.objects.latest("pk")
    assert second.status == Comment.Status.APPROVED
    assert "And the cycle lane is back." in Client().get(url).content.decode()
    assert "awaiting moderation" not in response.content.decode()
