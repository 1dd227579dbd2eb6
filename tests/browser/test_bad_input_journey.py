"""Journey 3: bad input is refused next to its field, and nothing typed is lost."""

import pytest
from playwright.sync_api import expect

from articles.models import Image
from comments.models import Comment
from tests.factories import make_article, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-editor-password"


def expect_error_beside(page, field, message):
    """Check that ``message`` is shown in the field's own row and announced with it."""
    error = page.locator(f"#{field.get_attribute('id')}_error")
    expect(error).to_have_text(message)
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby").split()
    assert error.get_attribute("id") in described_by
    # In the same row as the field (the form's own row, or the admin's), so it is seen
    # beside it.
    row = field.locator(
        "xpath=ancestor::div[contains(@class, 'form-row')"
        " or starts-with(@class, 'comment-form-')][1]"
    )
    expect(row.locator(".errorlist")).to_have_text(message)


def test_reader_sees_why_a_comment_is_refused_and_keeps_the_text(
    live_server, page, settings, screenshot
):
    # Typed faster than a person would; the minimum-time guard has its own tests.
    settings.COMMENTS_MIN_SECONDS = 0
    article = make_article(headline="Library opening hours cut")
    page.goto(live_server.url + article.get_absolute_url())
    comment = page.get_by_role("textbox", name="Comment")
    name = page.get_by_role("textbox", name="Name")
    email = page.get_by_role("textbox", name="Email")

    name.fill("Grace")
    email.fill("grace@example.org")
    page.get_by_role("button", name="Post Comment").click()
    expect_error_beside(page, comment, "Please type your comment text.")
    expect(name).to_have_value("Grace")
    expect(email).to_have_value("grace@example.org")

    comment.fill("Evenings matter most to people who work.\nPlease reconsider.")
    email.fill("grace at example dot org")
    page.get_by_role("button", name="Post Comment").click()
    expect_error_beside(page, email, "Please enter a valid email address.")
    # Marked by more than the words: a border in the accent colour.
    expect(email).to_have_css("border-top-color", "rgb(139, 26, 26)")
    expect(comment).to_have_value("Evenings matter most to people who work.\nPlease reconsider.")
    expect(name).to_have_value("Grace")
    expect(email).to_have_value("grace at example dot org")
    # The field that was fixed is no longer marked.
    expect(page.locator("#comment_error")).to_have_count(0)
    assert not Comment.objects.exists()
    screenshot(page, "bad-email")


def test_editor_uploading_a_text_file_named_jpg_sees_the_refusal(
    live_server, page, roles, admin_login, tmp_path, screenshot
):
    editor = make_staff("Editors", username="desk", password=PASSWORD)
    fake = tmp_path / "photo.jpg"
    fake.write_text("Minutes of the council meeting, not a picture.")
    admin_login(page, editor.username, PASSWORD)

    page.goto(live_server.url + "/admin/articles/image/add/")
    page.get_by_label("File:", exact=True).set_input_files(str(fake))
    page.get_by_label("Alt text").fill("The council chamber")
    page.get_by_label("Caption").fill("Councillors at the vote")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errornote")).to_be_visible()
    expect_error_beside(
        page,
        page.get_by_label("File:", exact=True),
        "Upload a valid image: a JPEG, PNG, WebP or GIF file that is not damaged.",
    )
    expect(page.get_by_label("Alt text")).to_have_value("The council chamber")
    expect(page.get_by_label("Caption")).to_have_value("Councillors at the vote")
    assert not Image.objects.exists()
    screenshot(page, "refused")
