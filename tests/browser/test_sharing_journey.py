"""A reader shares an article: "Copy link" copies, script or not, and no other site hears of it."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import make_article, make_tag

pytestmark = pytest.mark.django_db(transaction=True)


def test_copy_link_copies_the_address_and_no_other_site_is_asked_anything(
    live_server, browser, screenshot
):
    tag = make_tag(name="Harbour")
    article = make_article(headline="Ferry returns", tags=[tag])
    make_article(headline="Pier reopens", tags=[tag])
    url = live_server.url + article.get_absolute_url()
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    hosts, problems = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(url)
    share = page.get_by_role("complementary", name="Share this article")
    for network in ("Email", "X", "Facebook", "LinkedIn", "WhatsApp", "Bluesky"):
        expect(share.get_by_role("link", name=network, exact=True)).to_be_visible()
    share.get_by_role("link", name="Copy link").click()
    expect(share.get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == url
    expect(page).to_have_url(url)
    related = page.get_by_role("region", name="Related stories")
    expect(related.get_by_role("link", name="Pier reopens")).to_be_visible()
    screenshot(page, "shared")
    # Only the site itself was asked for anything, and the policy refused nothing.
    assert hosts == {urlsplit(live_server.url).netloc}
    assert problems == []
    context.close()


def test_without_javascript_copy_link_is_a_plain_link_to_the_article(live_server, browser):
    article = make_article(headline="Ferry returns")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Ferry returns").first.click()
    page.get_by_role("link", name="Copy link").click()
    expect(page).to_have_url(live_server.url + article.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Ferry returns")
    context.close()
