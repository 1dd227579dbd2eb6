"""Journey: a reader asks to hear back, edits and deletes their own comments, is approved,
hears of a follow-up, and unsubscribes from the link in the email.

The emails are sent by the real worker command (``db_worker --batch``), run in the
test's process so that they land in Django's locmem outbox; their links point at the
live server, and the reader's browser follows them.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from comments.models import Comment, FollowUpSubscription
from tests.factories import make_article, make_comment, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-editor-password"
AWAITING = "Your comment is awaiting moderation."
FOLLOW_UPS = "Notify me of follow-up comments by email"
APPROVAL = "Notify me when my comment is approved"
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def comment_rules(settings):
    # The reader types faster than a person would, from one address, several times.
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_EDIT_MINUTES = 10
    settings.COMMENTS_NOTIFY_EMAILS = ["moderators@example.com"]


def save_screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"notify-{name}.png"), full_page=True)


def post_comment(page, text, name="Ada", email="ada@example.org", boxes=()):
    page.get_by_role("textbox", name="Comment").fill(text)
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("textbox", name="Email").fill(email)
    for label in boxes:
        page.get_by_label(label).check()
    page.get_by_role("button", name="Post Comment").click()


def run_worker():
    """Run every queued task with the worker command, as ``make run``'s worker would.

    The rows are committed (a transactional test), so the real command works here, and
    ``run_queued_tasks``' way around a test's transaction is not needed.
    """
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def comment_by(page, name):
    return page.get_by_role("article", name=f"Comment by {name}")


def test_reader_hears_back_edits_deletes_and_unsubscribes(
    live_server, browser, roles, admin_login, comment_rules, axe, mailoutbox
):
    article = make_article(headline="Harbour lights to be restored")
    editor = make_staff("Editors", username="desk", password=PASSWORD)
    url = live_server.url + article.get_absolute_url()

    ada_context = browser.new_context(viewport=WIDE)
    ada = ada_context.new_page()
    ada.goto(url)
    for label in (FOLLOW_UPS, APPROVAL):
        expect(ada.get_by_label(label)).not_to_be_checked()
    assert axe(ada) == []
    post_comment(ada, "The old lamps were lovely.", boxes=(FOLLOW_UPS, APPROVAL))
    first = comment_by(ada, "Ada")
    expect(first).to_contain_text(AWAITING)
    expect(first.get_by_role("link", name="Edit your comment")).to_be_visible()
    save_screenshot(ada, "own-comment-links")
    assert axe(ada) == []

    # Edit: the form holds the text; the change shows at once, still awaiting.
    first.get_by_role("link", name="Edit your comment").click()
    expect(ada.get_by_role("heading", name="Edit your comment")).to_be_visible()
    expect(ada.get_by_role("textbox", name="Comment")).to_have_value("The old lamps were lovely.")
    assert axe(ada) == []
    save_screenshot(ada, "edit-page")
    ada.get_by_role("textbox", name="Comment").fill("The old gas lamps were lovely.")
    ada.get_by_role("button", name="Save changes").click()
    expect(comment_by(ada, "Ada")).to_contain_text("The old gas lamps were lovely.")
    expect(comment_by(ada, "Ada")).to_contain_text(AWAITING)

    # A second comment, thought better of: deleted after a confirmation.
    post_comment(ada, "Second thoughts, please ignore.")
    expect(ada.get_by_text("Second thoughts, please ignore.")).to_be_visible()
    second = ada.locator("li.comment").filter(has_text="Second thoughts")
    second.get_by_role("link", name="Delete your comment").click()
    expect(ada.get_by_role("heading", name="Delete your comment?")).to_be_visible()
    assert axe(ada) == []
    ada.get_by_role("button", name="Yes, delete it").click()
    expect(ada.get_by_text("Second thoughts, please ignore.")).to_have_count(0)
    assert Comment.objects.get(text="Second thoughts, please ignore.").status == "trash"

    # No email to a reader yet: only the moderators hear of the held comments.
    run_worker()
    assert {address for message in mailoutbox for address in message.to} == {
        "moderators@example.com"
    }
    mailoutbox.clear()

    # An editor approves it in the admin.
    editor_context = browser.new_context(viewport=WIDE)
    desk = editor_context.new_page()
    admin_login(desk, editor.username, PASSWORD)
    desk.goto(live_server.url + "/admin/comments/comment/")
    row = desk.get_by_role("row").filter(has_text="gas lamps")
    row.get_by_role("checkbox").check()
    desk.get_by_role("combobox", name="Action").select_option(label="Approve")
    desk.get_by_role("button", name="Go").click()
    expect(desk.locator(".messagelist")).to_contain_text("Approved 1 comment(s).")
    editor_context.close()

    run_worker()
    [approved] = mailoutbox
    assert approved.to == ["ada@example.org"]
    assert approved.subject == "Your comment on “Harbour lights to be restored” is published"
    assert approved.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert live_server.url + article.get_absolute_url() in approved.body

    # Another reader, known to the site, comments: shown at once, and Ada hears of it.
    make_comment(make_article(), name="Ben", email="ben@example.org", status="approved")
    ben_context = browser.new_context(viewport=WIDE)
    ben = ben_context.new_page()
    ben.goto(url)
    expect(ben.get_by_role("link", name="Edit your comment")).to_have_count(0)
    post_comment(ben, "They were paraffin, not gas.", name="Ben", email="ben@example.org")
    expect(comment_by(ben, "Ben")).not_to_contain_text(AWAITING)
    # Ben may change his own comment, never Ada's.
    expect(comment_by(ben, "Ben").get_by_role("link", name="Edit your comment")).to_be_visible()
    expect(comment_by(ben, "Ada").get_by_role("link", name="Edit your comment")).to_have_count(0)
    ben_context.close()

    run_worker()
    followup = mailoutbox[-1]
    assert followup.to == ["ada@example.org"]
    assert "ben@example.org" not in followup.message().as_string()
    assert "They were paraffin, not gas." in followup.body
    link = re.search(r"Stop these emails: (\S+)", followup.body).group(1)
    assert followup.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert link.startswith(live_server.url)

    # The link works in the browser: it asks, then stops the emails.
    ada.goto(link)
    expect(ada.get_by_role("heading", name="Stop these emails?")).to_be_visible()
    assert axe(ada) == []
    save_screenshot(ada, "unsubscribe")
    ada.get_by_role("button", name="Unsubscribe").click()
    expect(ada.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert not FollowUpSubscription.objects.filter(email="ada@example.org").exists()
    ada_context.close()


def test_a_change_after_the_window_is_explained_accessibly(live_server, page, axe, comment_rules):
    comment = make_comment(make_article(headline="Old news"), text="Long ago.")
    Comment.objects.filter(pk=comment.pk).update(created=comment.created - timedelta(hours=1))
    response = page.goto(f"{live_server.url}/comments/{comment.pk}/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Too late to change this comment")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the comment on “Old news”")).to_be_visible()
    assert axe(page) == []
    # A bad unsubscribe link: a clear page, not an error.
    response = page.goto(f"{live_server.url}/comments/unsubscribe/not-a-real-link/")
    assert response.status == 400
    expect(page.get_by_role("heading", name="This unsubscribe link does not work")).to_be_visible()
    assert axe(page) == []
