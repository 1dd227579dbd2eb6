"""Journey 2: readers comment, an editor approves in the admin, a reader replies."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import make_article, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-editor-password"
AWAITING = "Your comment is awaiting moderation."
SAVE_ME = "Save my name, email, and website in this browser for the next time I comment."


@pytest.fixture
def comment_rules(settings):
    # A reader here types faster than a person would; the minimum-time guard (a value
    # of 0 switches it off) has its own tests in tests/comments.
    settings.COMMENTS_MIN_SECONDS = 0
    # Every browser in these tests connects from 127.0.0.1, and the reader's reply
    # follows their first comment within seconds: the flood rule (its own tests are in
    # tests/comments) would answer the reply with a 429.
    settings.COMMENTS_FLOOD_SECONDS = 0


def fill_reply_form(page, text, name, email, website=""):
    page.get_by_role("textbox", name="Comment").fill(text)
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("textbox", name="Email").fill(email)
    if website:
        page.get_by_role("textbox", name="Website").fill(website)


def comment_by(page, name):
    return page.get_by_role("article", name=f"Comment by {name}")


def test_reader_comment_is_moderated_approved_and_answered(
    live_server, browser, roles, admin_login, comment_rules, screenshot
):
    article = make_article(headline="Harbour wall to be rebuilt")
    editor = make_staff("Editors", username="desk", password=PASSWORD)
    url = live_server.url + article.get_absolute_url()

    ada_context = browser.new_context()
    ada = ada_context.new_page()
    ada.goto(url)
    expect(ada.get_by_role("heading", name="Leave a Reply")).to_be_visible()
    fill_reply_form(ada, "About time: the wall has leaked for years.", "Ada", "ada@example.org")
    ada.get_by_role("button", name="Post Comment").click()
    first = comment_by(ada, "Ada")
    expect(first).to_contain_text("About time: the wall has leaked for years.")
    expect(first).to_contain_text(AWAITING)
    expect(ada).to_have_url(f"{url}#comment-{Comment.objects.get().pk}")
    # Not approved yet, so there is nothing to reply to.
    expect(first.get_by_role("link", name="Reply to Ada")).to_have_count(0)

    bob_context = browser.new_context()
    bob = bob_context.new_page()
    bob.goto(url)
    expect(bob.get_by_role("heading", name="0 comments")).to_be_visible()
    expect(bob.get_by_text("About time")).to_have_count(0)

    editor_context = browser.new_context()
    desk = editor_context.new_page()
    admin_login(desk, editor.username, PASSWORD)
    desk.goto(live_server.url + "/admin/comments/comment/")
    row = desk.get_by_role("row").filter(has_text="About time")
    row.get_by_role("checkbox").check()
    desk.get_by_role("combobox", name="Action").select_option(label="Approve")
    desk.get_by_role("button", name="Go").click()
    expect(desk.locator(".messagelist")).to_contain_text("Approved 1 comment(s).")
    editor_context.close()

    for reader in (ada, bob):
        reader.goto(url)
        expect(reader.get_by_role("heading", name="1 comment")).to_be_visible()
        expect(comment_by(reader, "Ada")).to_contain_text("the wall has leaked")
        expect(reader.get_by_text(AWAITING)).to_have_count(0)

    comment_by(ada, "Ada").get_by_role("link", name="Reply to Ada").click()
    expect(ada.get_by_role("heading", name="Leave a Reply to Ada")).to_be_visible()
    expect(ada.get_by_role("link", name="Cancel reply")).to_be_visible()
    fill_reply_form(
        ada, "And the steps down to the beach, please.", "Ada", "ada@example.org", "ada.example.org"
    )
    ada.get_by_label(SAVE_ME).check()
    ada.get_by_role("button", name="Post Comment").click()
    expect(ada.get_by_role("heading", name="2 comments")).to_be_visible()

    reply = Comment.objects.get(parent__isnull=False)
    # An author with an approved comment is trusted: the reply is shown at once.
    assert reply.status == Comment.Status.APPROVED
    assert reply.website == "https://ada.example.org"
    nested = ada.locator(f"#comment-{reply.parent_id} .children #comment-{reply.pk}")
    expect(nested).to_contain_text("And the steps down to the beach, please.")
    expect(nested).not_to_contain_text(AWAITING)
    bob.reload()
    expect(bob.locator(f"#comment-{reply.pk}")).to_contain_text("steps down to the beach")
    bob_context.close()

    # The next visit: the form remembers Ada.
    later = ada_context.new_page()
    later.goto(url)
    expect(later.get_by_role("heading", name="2 comments")).to_be_visible()
    expect(later.get_by_role("textbox", name="Name")).to_have_value("Ada")
    expect(later.get_by_role("textbox", name="Email")).to_have_value("ada@example.org")
    expect(later.get_by_role("textbox", name="Website")).to_have_value("https://ada.example.org")
    expect(later.get_by_label(SAVE_ME)).to_be_checked()
    expect(later.get_by_role("textbox", name="Comment")).to_have_value("")
    screenshot(later, "prefilled")
    ada_context.close()
