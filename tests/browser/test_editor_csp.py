"""The admin under its enforced Content-Security-Policy: CKEditor works, nothing is refused.

The policies are the ones the site sends (newsroom/middleware.py, articles/editor.py);
every violation Chromium reports, on the console or as a securitypolicyviolation event,
fails the test.
"""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Image
from tests.factories import make_image, make_picture_bytes, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-editor-password"

# Reports each violation on the console, where the test collects it; init scripts run
# whatever the page's policy says.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI
    + " " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def violations(page):
    """Collect every CSP complaint of the page and of the windows it opens."""
    found = []

    def watch(target):
        target.add_init_script(REPORT_VIOLATIONS)
        target.on(
            "console",
            lambda message: (
                found.append(f"{target.url}: {message.text}")
                if "Content Security Policy" in message.text or "CSP violation" in message.text
                else None
            ),
        )

    page.context.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    page.context.on("page", watch)
    return found


@pytest.fixture
def editor(roles):
    return make_staff("Editors", username="desk", password=PASSWORD, first_name="Dana")


def test_the_editor_works_under_the_enforced_policy(
    live_server, page, editor, admin_login, violations, screenshot, tmp_path
):
    make_image(alt_text="The quay at low tide")
    admin_login(page, editor.username, PASSWORD)
    response = page.goto(live_server.url + "/admin/articles/article/add/")
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in response.headers["content-security-policy"]

    body = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    body.press_sequentially("The tide is ")
    page.keyboard.press("Control+B")
    body.press_sequentially("very low")
    page.keyboard.press("Control+B")
    body.press_sequentially(" today.")
    expect(body.locator("strong")).to_have_text("very low")

    # The image dialog's Upload tab sends a picture to our upload view.
    picture = tmp_path / "harbour.jpg"
    picture.write_bytes(make_picture_bytes(size=(640, 360)))
    page.locator(".cke_button__image").click()
    dialog = page.locator(".cke_dialog")
    dialog.locator(".cke_dialog_tab", has_text="Upload").click()
    dialog.frame_locator("iframe.cke_dialog_ui_input_file").locator(
        "input[type=file]"
    ).set_input_files(str(picture))
    dialog.locator("a.cke_dialog_ui_fileButton").click()
    # The answer fills in the Image Info tab's URL: the editor's staff-only address.
    expect(dialog.locator("input.cke_dialog_ui_input_text").first).to_have_value(
        re.compile(r"^/admin/editor/pictures/images/.+\.jpg$")
    )
    dialog.get_by_label("Alternative Text").fill("The harbour at dawn")
    dialog.locator(".cke_dialog_ui_button_ok").click()
    expect(body.locator("img")).to_have_attribute("alt", "The harbour at dawn")
    src = body.locator("img").get_attribute("src")
    assert Image.objects.get(file=src.removeprefix("/admin/editor/pictures/")).uploaded_by == editor

    # "Browse Server" opens the picture library (the admin's strict policy) and hands
    # the chosen picture back to the dialog.
    page.locator(".cke_button__image").click()
    with page.expect_popup() as popup_info:
        dialog.get_by_role("button", name="Browse Server").click()
    library = popup_info.value
    with library.expect_event("close"):
        library.get_by_role("button", name="The quay at low tide").click()
    expect(dialog.get_by_label("Alternative Text")).to_have_value("The quay at low tide")
    dialog.locator(".cke_dialog_ui_button_cancel").click()
    screenshot(page, "editor")

    # The rest of the admin, under its strict policy.
    for url in [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/image/add/",
        "/admin/articles/tag/add/",
        "/admin/comments/comment/",
        "/admin/axes/accessattempt/",
    ]:
        page.goto(live_server.url + url)
        expect(page.locator("#content")).to_be_visible()

    assert violations == []
