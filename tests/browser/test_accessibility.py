import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, AuthorProfile, Correction
from pages.models import Page, SiteSettings
from tests.factories import make_article, make_comment, make_image, make_tag, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site():
    tag = make_tag(name="Council", slug="council", description="Town hall news.")
    reporter = make_user(username="rosa", first_name="Rosa", last_name="Park", is_staff=True)
    AuthorProfile.objects.create(user=reporter, bio="Rosa covers the town hall.")
    article = make_article(
        authors=[reporter],
        headline="Budget approved",
        standfirst="A close vote.",
        body="<p>Text with <a href='https://example.org'>a link</a>.</p><blockquote>"
        "<p>“A quote,” said someone.</p></blockquote>",
        featured_image=make_image(caption="The chamber", credit="Reuters"),
        tags=[tag],
    )
    make_article(headline="Second story", featured_image=make_image(), tags=[tag])
    Correction.objects.create(article=article, text="The vote was 7 to 5, not 8 to 4.")
    comment = make_comment(article, name="Ada", text="Long overdue.")
    # The furniture every page shows: a logo, pages in the footer, social links.
    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={
            "site_name": "Harbour Times",
            "logo": make_image(alt_text="A lighthouse"),
            "contact_email": "desk@example.org",
            "footer_text": "Published by Harbour Media.",
            "mastodon_url": "https://mastodon.example/@harbour",
        },
    )
    Page.objects.create(
        title="About us",
        slug="about",
        status=Page.Status.PUBLISHED,
        show_in_navigation=True,
        body="<p>Who we are.</p><h2>Our promise</h2><ul><li>We check facts.</li></ul>",
    )
    return {"article": article, "tag": tag, "author": reporter, "comment": comment}


def test_public_pages_have_no_wcag_violations(live_server, page, axe, site):
    urls = {
        "home": "/",
        "article": site["article"].get_absolute_url(),
        "tag": site["tag"].get_absolute_url(),
        "author": "/author/rosa/",
        "corrections": "/corrections/",
        "search": "/search/?q=budget+quote",
        "page": "/about/",
        "404": "/no/such/page/",
    }
    found = {}
    for name, path in urls.items():
        page.goto(live_server.url + path)
        violations = axe(page)
        if violations:
            found[name] = violations
    assert found == {}


def test_comment_error_page_has_no_wcag_violations(live_server, page, axe, site):
    page.goto(live_server.url + site["article"].get_absolute_url())
    page.get_by_role("textbox", name="Email").fill("not an address")
    page.get_by_role("button", name="Post Comment").click()
    # The article re-rendered with the reasons beside the fields.
    expect(page.locator("#comment_error")).to_have_text("Please type your comment text.")
    expect(page.locator("#author_error")).to_be_visible()
    expect(page.locator("#email_error")).to_be_visible()
    assert axe(page) == []


def test_skip_link_is_first_and_moves_focus_to_main(live_server, page, site):
    page.goto(live_server.url + site["article"].get_absolute_url())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_focus_is_visible_on_links(live_server, page, site):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_pages_need_no_javascript(live_server, browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Budget approved").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Budget approved"
    page.get_by_role("link", name="Council").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Council"
    context.close()


def test_reply_flow_works_by_keyboard(live_server, page, settings, site, screenshot):
    # Keys are pressed faster than a person types; the minimum-time guard has its own tests.
    settings.COMMENTS_MIN_SECONDS = 0
    page.goto(live_server.url + site["article"].get_absolute_url())
    reply_link = page.get_by_role("link", name="Reply to Ada")
    for _ in range(40):
        page.keyboard.press("Tab")
        if reply_link.evaluate("link => link === document.activeElement"):
            break
    expect(reply_link).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"\?replyto={site['comment'].pk}#respond$"))
    expect(page.get_by_role("heading", name="Leave a Reply to Ada")).to_be_visible()
    cancel = page.get_by_role("link", name="Cancel reply")
    expect(cancel).to_be_visible()
    # Tabbing goes on from the form the link led to: Cancel reply, then the comment box.
    page.keyboard.press("Tab")
    expect(cancel).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox", name="Comment")).to_be_focused()
    page.keyboard.type("Agreed, and about time.")
    for value in ("Grace", "grace@example.org", ""):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    # The three boxes, in order: save my name, follow-ups, approval.
    for name in ("Save my name", "Notify me of follow-up", "Notify me when my comment"):
        page.keyboard.press("Tab")
        expect(page.get_by_role("checkbox", name=name)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Post Comment")).to_be_focused()
    page.keyboard.press("Enter")

    reply = page.locator(f"#comment-{site['comment'].pk} .children .comment")
    expect(reply).to_contain_text("Agreed, and about time.")
    expect(reply).to_contain_text("Your comment is awaiting moderation.")
    screenshot(page, "reply-posted")


def test_axe_check_finds_a_real_violation(page, axe):
    """Guard against a silent checker: a page with an unlabelled field and no alt fails."""
    page.set_content('<html lang="en"><body><main><img src="x.png"><input></main></body></html>')
    rules = {violation["id"] for violation in axe(page)}
    assert {"image-alt", "label"} <= rules


def test_breaking_news_and_most_read_have_no_wcag_violations(live_server, page, axe, site):
    from datetime import timedelta

    from django.utils import timezone

    from breaking.models import BreakingNews
    from mostread.models import HourlyReads, hour_number, hour_start

    BreakingNews.objects.create(
        text="Harbour bridge closed after crash: diversions in place",
        link=site["article"].get_absolute_url(),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    hour = hour_start(hour_number(timezone.now()))
    for views, article in enumerate(Article.objects.all(), start=1):
        HourlyReads.objects.create(article=article, hour=hour, views=views)
    found = {}
    for path in ("/", site["article"].get_absolute_url(), "/no/such/page/"):
        page.goto(live_server.url + path)
        banner = page.get_by_role("region", name="Breaking news")
        expect(banner).to_be_visible()
        expect(banner.get_by_role("link")).to_have_text(
            "Harbour bridge closed after crash: diversions in place"
        )
        if path != "/no/such/page/":
            expect(page.get_by_role("region", name="Most read")).to_be_visible()
        violations = axe(page)
        if violations:
            found[path] = violations
    assert found == {}
    # A landmark to find, not an announcement: nothing here interrupts a screen reader.
    assert page.locator("[role=alert], [aria-live]").count() == 0
