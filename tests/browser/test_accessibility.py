import pytest

from tests.factories import make_article, make_image, make_tag

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site():
    tag = make_tag(name="Council", slug="council", description="Town hall news.")
    article = make_article(
        headline="Budget approved",
        standfirst="A close vote.",
        body="<p>Text with <a href='https://example.org'>a link</a>.</p><blockquote>"
        "<p>“A quote,” said someone.</p></blockquote>",
        featured_image=make_image(caption="The chamber", credit="Reuters"),
        tags=[tag],
    )
    make_article(headline="Second story", featured_image=make_image(), tags=[tag])
    return {"article": article, "tag": tag}


def test_public_pages_have_no_wcag_violations(live_server, page, axe, site):
    urls = {
        "home": "/",
        "article": site["article"].get_absolute_url(),
        "tag": site["tag"].get_absolute_url(),
        "404": "/no/such/page/",
    }
    found = {}
    for name, path in urls.items():
        page.goto(live_server.url + path)
        violations = axe(page)
        if violations:
            found[name] = violations
    assert found == {}


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


def test_axe_check_finds_a_real_violation(page, axe):
    """Guard against a silent checker: a page with an unlabelled field and no alt fails."""
    page.set_content('<html lang="en"><body><main><img src="x.png"><input></main></body></html>')
    rules = {violation["id"] for violation in axe(page)}
    assert {"image-alt", "label"} <= rules
