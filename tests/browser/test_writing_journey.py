"""Journey: a reporter's writing aids in the article form, and the warnings after saving.

A long headline shows its count against Google's 110 characters; the slug's address and
the body's length follow the typing; a picture uploaded from inside the editor is asked
for its alt text, and saved without one, the article saves with a warning that says so.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Article, Image
from tests.browser.conftest import SCREENSHOTS
from tests.factories import make_picture_bytes, make_user

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-reporter-password"
WIDE = {"width": 1280, "height": 900}
LONG_HEADLINE = (
    "Harbour ferry returns after a winter of repairs, with new timetables, a bigger deck "
    "and fares frozen until the end of next summer"
)


@pytest.fixture
def editor(roles):
    user = make_user(
        username="desk", password=PASSWORD, is_staff=True, first_name="Dana", last_name="Holt"
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def save_screenshot(page, name, full_page=True):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"writing-{name}.png"), full_page=full_page)


def test_writing_aids_count_and_warn(live_server, page, editor, admin_login, axe, tmp_path):
    page.set_viewport_size(WIDE)
    admin_login(page, editor.username, PASSWORD)
    page.goto(live_server.url + "/admin/articles/article/add/")

    # Without typing, the limit is in the help text; the script adds the live count.
    headline = page.get_by_label("Headline")
    expect(page.locator(".field-headline .help")).to_contain_text("110 characters")
    headline.press_sequentially(LONG_HEADLINE[:40])
    count = page.locator("#id_headline_count")
    expect(count).to_have_text("40 of 110 characters")
    expect(headline).to_have_attribute("aria-describedby", "id_headline_helptext id_headline_count")
    headline.fill(LONG_HEADLINE)
    over = len(LONG_HEADLINE) - 110
    expect(count).to_have_text(f"{len(LONG_HEADLINE)} of 110 characters: {over} over")
    expect(count).to_have_class("writing-count writing-over")
    # Said once, politely, when the headline crosses its limit; not at every key.
    announcer = page.locator(".field-headline [aria-live=polite]")
    expect(announcer).to_have_text("Headline is over its 110 characters.")
    save_screenshot(page, "headline-over-limit", full_page=False)

    # The slug is filled in from the headline, and its address follows it.
    page.keyboard.press("Tab")
    address = page.locator(".slug-address")
    expect(address).to_contain_text("/harbour-ferry-returns-after-a-winter-of/")
    page.get_by_label("Slug").fill("ferry-returns")
    expect(address).to_have_text(
        live_server.url + _today_path() + "ferry-returns/", use_inner_text=True
    )
    headline.press("End")
    headline.press("Enter")  # one line: Enter adds no line break
    expect(headline).to_have_value(LONG_HEADLINE)
    headline.fill("Harbour ferry returns after a winter of repairs")
    expect(count).to_have_text("47 of 110 characters")
    expect(announcer).to_have_text("Headline is within its 110 characters.")

    page.get_by_label("Standfirst").fill("Crossings resume on Monday.")
    expect(page.locator("#id_standfirst_count")).to_have_text("27 of 160 characters")

    # The body's length follows the editor.
    body = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    body.press_sequentially("The first crossing left at dawn with every seat taken.")
    expect(page.locator(".body-length")).to_have_text("10 words, about 1 minute to read")

    # A picture uploaded from the editor's image dialog: its alt text box is empty and,
    # left so, the dialog asks before inserting it.
    picture = tmp_path / "inline.jpg"
    picture.write_bytes(make_picture_bytes(size=(640, 360)))
    page.locator(".cke_button__image").click()
    dialog = page.locator(".cke_dialog")
    dialog.get_by_role("tab", name="Upload").click()
    dialog.frame_locator("iframe.cke_dialog_ui_input_file").locator(
        "input[type=file]"
    ).set_input_files(str(picture))
    dialog.get_by_role("button", name="Send it to the Server").click()
    alt = dialog.get_by_label("Alternative text (what the picture shows)")
    expect(alt).to_be_visible()
    expect(alt).to_have_value("")
    questions = []

    def answer(question):
        questions.append(question.message)
        question.accept()

    page.once("dialog", answer)
    dialog.locator(".cke_dialog_ui_button_ok").click()
    expect(dialog).to_be_hidden()
    assert "no alternative text" in questions[0]
    image = Image.objects.get()
    assert image.alt_text == ""

    save_screenshot(page, "form")
    violations = axe(page)
    assert violations == [], violations

    page.get_by_role("button", name="Save and continue editing").click()
    messages = page.locator(".messagelist")
    expect(messages.locator(".success")).to_contain_text("was added successfully")
    warning = messages.locator(".warning")
    expect(warning).to_contain_text("Saved, but the body has a problem")
    expect(warning).to_contain_text("1. The picture in the body has no alt text")
    article = Article.objects.get(slug="ferry-returns")
    assert image.file.name in article.body
    expect(page.locator(".body-length")).to_contain_text("10 words")
    save_screenshot(page, "warning")
    violations = axe(page)
    assert violations == [], violations


def _today_path():
    from django.utils import timezone

    today = timezone.localdate()
    return f"/{today:%Y/%m/%d}/"


def test_article_change_page_search_and_sharing_fields(live_server, page, editor, admin_login, axe):
    page.set_viewport_size(WIDE)
    article = Article.objects.create(
        headline="Council agrees the harbour budget",
        slug="harbour-budget",
        standfirst="The vote was close.",
        body="<h2>The vote</h2><p>Nine to eight.</p>",
    )
    admin_login(page, editor.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    expect(page.get_by_role("heading", name="Search and sharing")).to_be_visible()
    page.get_by_label("SEO title").fill("Harbour budget: the vote")
    expect(page.locator("#id_seo_title_count")).to_have_text("24 of 60 characters")
    page.get_by_label("Meta description").fill("Nine votes to eight.")
    page.locator(".field-seo_title").scroll_into_view_if_needed()
    save_screenshot(page, "search-and-sharing")
    violations = axe(page)
    assert violations == [], violations
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".messagelist .warning")).to_have_count(0)
    article.refresh_from_db()
    assert article.seo_title == "Harbour budget: the vote"


def test_published_article_and_its_revisions_have_no_wcag_violations(
    live_server, page, editor, admin_login, axe
):
    from articles import revisions
    from articles.models import Correction
    from tests.factories import make_article, make_image

    page.set_viewport_size(WIDE)
    writer = make_user(username="aruiz", first_name="Ana", last_name="Ruiz", is_staff=True)
    article = make_article(
        headline="Council agrees the harbour budget",
        authors=[writer],
        featured_image=make_image(),
        social_image=make_image(),
        seo_title="Harbour budget agreed",
    )
    Correction.objects.create(article=article, text="An earlier version gave the wrong total.")
    revisions.record(article, editor)
    article.headline = "Council agrees the harbour budget, nine votes to eight"
    article.save()
    revision = revisions.record(article, editor)
    admin_login(page, editor.username, PASSWORD)
    for path in (
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/revisions/",
        f"/admin/articles/article/{article.pk}/revisions/{revision.pk}/",
    ):
        page.goto(live_server.url + path)
        expect(page.locator("#content")).to_be_visible()
        violations = axe(page)
        assert violations == [], (path, violations)
    expect(page.locator("#content-main")).not_to_contain_text("a.m.")
