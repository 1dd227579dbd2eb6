"""A comment sent in another charset: the reader sees the site's page saying why."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_comment_sent_as_latin_1_gets_a_page_that_says_why(
    live_server, page, settings, axe, screenshot
):
    # Typed faster than a person would; the minimum-time guard has its own tests.
    settings.COMMENTS_MIN_SECONDS = 0
    article = make_article(headline="Ferry timetable changes")
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_role("textbox", name="Comment").fill("Crème brûlée on the ferry, please.")
    page.get_by_role("textbox", name="Name").fill("Zoë")
    page.get_by_role("textbox", name="Email").fill("zoe@example.org")

    # A browser always sends our forms as UTF-8 without naming a charset; a client
    # that names another one is what this journey plays.
    def declare_latin_1(route):
        headers = {
            **route.request.headers,
            "content-type": "application/x-www-form-urlencoded; charset=latin-1",
        }
        route.continue_(headers=headers)

    page.route("**/comments/post/**", declare_latin_1)
    with page.expect_response("**/comments/post/**") as answer:
        page.get_by_role("button", name="Post Comment").click()
    assert answer.value.status == 400

    expect(page.get_by_role("heading", level=1)).to_have_text("The request could not be read")
    expect(page.get_by_role("main")).to_contain_text("character set “latin-1”")
    # The site's own page: its masthead and the way back.
    expect(page.get_by_role("link", name="Go to the front page")).to_be_visible()
    expect(page.get_by_role("search")).to_be_visible()
    assert axe(page) == []
    screenshot(page, "latin-1")
    assert not Comment.objects.exists()
