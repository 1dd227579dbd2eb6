"""The newsdesk in the browser: a reporter writes and submits, an editor publishes."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-newsroom-password"
HEADLINE = "Night buses return to the coast road"


def test_reporter_submits_for_review_and_editor_publishes(
    live_server, browser, roles, admin_login, screenshot
):
    reporter = make_staff("Reporters", username="rosa", first_name="Rosa", password=PASSWORD)
    editor = make_staff("Editors", username="desk", password=PASSWORD)

    reporter_context = browser.new_context()
    page = reporter_context.new_page()
    admin_login(page, reporter.username, PASSWORD)
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Standfirst").fill("The last bus leaves town at half past midnight.")
    body = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    body.press_sequentially("The service stopped in the spring for roadworks.")
    # A reporter is offered no way to publish: no such status, no publication date, no
    # publish action. (A forged status=published is refused on the server; that is
    # tested in tests/articles.)
    status = page.get_by_label("Status")
    expect(status.locator("option")).to_have_text(["Draft", "In review"])
    expect(page.locator("input[name^=published_at]")).to_have_count(0)
    status.select_option(label="In review")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.get_by_role("row").filter(has_text=HEADLINE)).to_contain_text("In review")
    actions = page.get_by_role("combobox", name="Action").locator("option")
    expect(actions).to_contain_text(["Submit selected drafts for review"])
    expect(actions.filter(has_text="Publish")).to_have_count(0)
    reporter_context.close()

    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Article.Status.IN_REVIEW
    assert not article.is_public
    page = browser.new_page()
    page.goto(live_server.url + "/")
    expect(page.get_by_text(HEADLINE)).to_have_count(0)
    page.close()

    editor_context = browser.new_context()
    page = editor_context.new_page()
    admin_login(page, editor.username, PASSWORD)
    page.goto(live_server.url + "/admin/articles/article/")
    page.get_by_role("link", name="Needs review").click()
    page.get_by_role("link", name=HEADLINE).click()
    status = page.get_by_label("Status")
    expect(status.locator("option")).to_have_text(["Draft", "In review", "Published"])
    status.select_option(label="Published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(live_server.url + "/")
    expect(page.locator("#lead-headline")).to_have_text(HEADLINE)
    expect(page.locator(".lead .meta")).to_contain_text("Rosa")
    # With no picture, the standfirst sits under the headline, not in a column beside it.
    headline = page.locator("#lead-headline").bounding_box()
    standfirst = page.locator(".lead .standfirst").bounding_box()
    assert standfirst["y"] >= headline["y"] + headline["height"]
    screenshot(page, "home")
    editor_context.close()
