"""An editor sets a breaking-news banner in the admin; a reader on a cached page sees it."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_article, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-newsroom-password"
NEWS = "Coast road closed by a landslide"


def test_editor_sets_a_banner_and_a_reader_of_cached_pages_sees_it(
    live_server, browser, roles, admin_login, settings, screenshot
):
    settings.PAGE_CACHE_SECONDS = 300
    article = make_article(headline="Landslide on the coast road")
    editor = make_staff("Editors", username="desk", password=PASSWORD)

    reader = browser.new_context().new_page()
    assert reader.goto(live_server.url + "/").headers["x-page-cache"] == "miss"
    assert reader.reload().headers["x-page-cache"] == "hit"
    expect(reader.get_by_role("region", name="Breaking news")).to_have_count(0)

    editor_context = browser.new_context()
    page = editor_context.new_page()
    admin_login(page, editor.username, PASSWORD)
    page.goto(live_server.url + "/admin/breaking/breakingnews/add/")
    page.get_by_label("Text").fill(NEWS)
    page.get_by_label("Link").fill(article.get_absolute_url())
    # Expiry is offered two hours ahead; the banner shows from now.
    expect(page.locator("input[name=expires_at_0]")).not_to_have_value("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    editor_context.close()

    for address in ("/", article.get_absolute_url()):
        # The admin's save started a new page cache generation: rendered afresh.
        assert reader.goto(live_server.url + address).headers["x-page-cache"] == "miss"
        banner = reader.get_by_role("region", name="Breaking news")
        expect(banner).to_be_visible()
        expect(banner.get_by_role("link", name=NEWS)).to_have_attribute(
            "href", article.get_absolute_url()
        )
    # Served from the cache now, with the banner.
    assert reader.reload().headers["x-page-cache"] == "hit"
    expect(reader.get_by_role("region", name="Breaking news")).to_contain_text(NEWS)
    reader.goto(live_server.url + "/")
    screenshot(reader, "breaking-news")
    reader.get_by_role("link", name=NEWS).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Landslide on the coast road")
