"""Pages in the browser: an editor adds one, renames the site; a reader sees both."""

import pytest
from playwright.sync_api import expect

from pages.models import Page
from tests.factories import make_article, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-newsroom-password"


def test_editor_adds_a_page_and_renames_the_site_and_a_reader_sees_them(
    live_server, browser, roles, admin_login, screenshot, settings
):
    # With the page cache on, as in production: the reader's pages are cached, and the
    # editor's saves must still show at once.
    settings.PAGE_CACHE_SECONDS = 300
    make_article(headline="Ferry timetable changes for winter")
    editor = make_staff("Editors", username="desk", password=PASSWORD)
    reader = browser.new_page()
    reader.goto(live_server.url + "/")
    footer = reader.get_by_role("navigation", name="Footer")
    expect(footer.get_by_role("link", name="Advertise with us")).to_have_count(0)

    context = browser.new_context()
    page = context.new_page()
    admin_login(page, editor.username, PASSWORD)
    page.goto(live_server.url + "/admin/pages/page/add/")
    page.get_by_label("Title").fill("Advertise with us")
    # Leaving the title fills in the slug (the admin's prepopulated field).
    page.get_by_label("Title").press("Tab")
    expect(page.get_by_label("Slug")).to_have_value("advertise-with-us")
    # A slug that would hide the search page is refused, with the reason.
    page.get_by_label("Slug").fill("search")
    body = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    body.press_sequentially("Reach every household in town, every week.")
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_label("Show in the navigation").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("/search/ is already an address")
    page.get_by_label("Slug").fill("advertise")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(live_server.url + "/admin/pages/sitesettings/")
    page.get_by_label("Site name").fill("The Wend Courier")
    page.get_by_label("Footer text").fill("Published by Wend Media, 14 Kiln Road.")
    page.get_by_label("Mastodon").fill("https://mastodon.example/@courier")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    context.close()

    assert Page.objects.get().slug == "advertise"
    reader.goto(live_server.url + "/")
    expect(reader.locator(".site-name")).to_have_text("The Wend Courier")
    footer = reader.get_by_role("navigation", name="Footer")
    expect(footer.get_by_role("link", name="Mastodon")).to_have_attribute(
        "href", "https://mastodon.example/@courier"
    )
    expect(reader.locator(".footer-text")).to_have_text("Published by Wend Media, 14 Kiln Road.")
    footer.get_by_role("link", name="Advertise with us").click()
    expect(reader).to_have_url(live_server.url + "/advertise/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Advertise with us")
    expect(reader.locator(".story-body")).to_contain_text("Reach every household in town")
    for width, height in ((390, 844), (1280, 800)):
        reader.set_viewport_size({"width": width, "height": height})
        screenshot(reader, f"page-{width}")
    reader.close()
