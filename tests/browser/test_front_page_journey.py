"""The front page in the browser: an editor pins a lead, readers see it and find sections."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import FrontPagePin
from tests.factories import make_article, make_image, make_section, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-newsroom-password"
PINNED = "Harrowfield by-election called after councillor steps down"
SMALL, WIDE = {"width": 390, "height": 844}, {"width": 1280, "height": 800}


def load_every_picture(page):
    """Load the lazy pictures below the fold, so the full-page screenshot shows them."""
    page.evaluate("() => document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    for _ in range(100):
        if page.evaluate("() => Array.from(document.images).every(image => image.complete)"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("The page's pictures did not load.")


@pytest.fixture
def front(settings):
    settings.NEWS_DEFAULT_SECTION = "news"
    sections = {
        slug: make_section(name=name, slug=slug, description=f"The latest {name.lower()}.")
        for name, slug in [("News", "news"), ("Politics", "politics"), ("Sport", "sport")]
    }
    now = timezone.now()
    make_article(
        headline=PINNED,
        standfirst="Voters in Kiln ward go to the polls in six weeks.",
        section=sections["politics"],
        featured_image=make_image(),
        published_at=now - timedelta(days=2),
    )
    for number, slug in enumerate(["news", "sport", "politics", "sport", "news", "sport"]):
        make_article(
            headline=f"{sections[slug].name} story {number}",
            section=sections[slug],
            featured_image=make_image(),
            published_at=now - timedelta(hours=number + 1),
        )
    return sections


def test_an_editor_pins_a_lead_and_a_reader_sees_it(
    live_server, browser, roles, admin_login, front
):
    editor = make_staff("Editors", username="desk", password=PASSWORD)
    editor_context = browser.new_context()
    page = editor_context.new_page()
    admin_login(page, editor.username, PASSWORD)
    page.goto(live_server.url + "/admin/articles/frontpagepin/add/")
    page.locator("#id_article + .select2").click()
    page.locator(".select2-search__field").last.fill("by-election")
    page.locator(".select2-results__option", has_text="by-election").first.click()
    page.get_by_label("Place").select_option(label="Lead story")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.get_by_role("row").filter(has_text="by-election")).to_contain_text("Yes")
    editor_context.close()
    assert FrontPagePin.objects.get().kind == FrontPagePin.Kind.LEAD

    reader = browser.new_page()
    reader.goto(live_server.url + "/")
    # Older than every other story, yet it leads: the editor chose it.
    expect(reader.locator("#lead-headline")).to_have_text(PINNED)
    expect(reader.locator(".lead .section-label")).to_have_text("Politics")
    expect(reader.locator(".section-block h2")).to_have_text(["News", "Politics", "Sport"])
    reader.close()


def test_the_front_page_and_a_section_front_at_phone_and_desktop_widths(
    live_server, browser, axe, screenshot, front
):
    FrontPagePin.objects.create(
        article=front["politics"].articles.get(headline=PINNED), kind=FrontPagePin.Kind.LEAD
    )
    for name, viewport in [("390", SMALL), ("1280", WIDE)]:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(live_server.url + "/")
        expect(page.locator("#lead-headline")).to_have_text(PINNED)
        # "by-election" is never split at its hyphen over two lines.
        word = page.locator("#lead-headline .nowrap")
        expect(word).to_have_text("by-election")
        assert word.evaluate("node => node.getClientRects().length") == 1
        assert axe(page) == [], name
        load_every_picture(page)
        screenshot(page, f"front-{name}")

        navigation = page.get_by_role("navigation", name="Sections")
        if viewport is SMALL:
            # A menu that opens from the keyboard, with no JavaScript of ours.
            expect(navigation.locator(".site-nav-list")).to_be_hidden()
            sport = navigation.locator(".site-nav-menu").get_by_role("link", name="Sport")
            expect(sport).to_be_hidden()
            summary = navigation.get_by_text("Sections", exact=True)
            summary.focus()
            page.keyboard.press("Enter")
            expect(sport).to_be_visible()
            assert axe(page) == [], "menu open"
            sport.focus()
            page.keyboard.press("Enter")
        else:
            expect(navigation.locator(".site-nav-menu")).to_be_hidden()
            navigation.locator(".site-nav-list").get_by_role("link", name="Sport").click()
        expect(page).to_have_url(live_server.url + "/section/sport/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sport")
        expect(page.locator(".card")).to_have_count(3)
        # Marked in the menu and in the list, whichever this width shows.
        current = page.locator('.site-nav a[aria-current="page"]')
        expect(current).to_have_text(["Sport", "Sport"])
        assert axe(page) == [], f"section {name}"
        load_every_picture(page)
        screenshot(page, f"section-{name}")
        context.close()
