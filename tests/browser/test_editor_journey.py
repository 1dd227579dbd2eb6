"""Journey 1: an editor writes, illustrates, tags and publishes an article in the admin."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import make_picture_bytes, make_tag, make_user

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-editor-password"


@pytest.fixture
def editor(roles):
    user = make_user(username="desk", password=PASSWORD, is_staff=True, first_name="Dana")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def pick_autocomplete(page, field_id, text):
    page.locator(f"#{field_id} + .select2").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_editor_publishes_an_illustrated_article(
    live_server, page, editor, admin_login, screenshot, tmp_path
):
    make_tag(name="Harbour", slug="harbour")
    make_tag(name="Transport", slug="transport")
    admin_login(page, editor.username, PASSWORD)

    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Ferry service returns to the harbour")
    page.keyboard.press("Tab")  # the admin fills the slug on change
    expect(page.get_by_label("Slug")).to_have_value("ferry-service-returns-to-the-harbour")
    page.get_by_label("Standfirst").fill("Crossings resume after a winter of repairs.")

    body = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    body.press_sequentially("The first crossing left at dawn, ")
    page.keyboard.press("Control+B")
    body.press_sequentially("fully booked")
    page.keyboard.press("Control+B")
    body.press_sequentially(". Timetables are online.")
    # Select the last word and make it a link with the editor's link dialog.
    for _ in range(len("online.")):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowRight")  # keep the full stop outside the link
    page.keyboard.press("Control+L")
    page.locator(".cke_dialog").get_by_label("URL*").fill("https://example.org/timetable")
    page.locator(".cke_dialog_ui_button_ok").click()

    picture = tmp_path / "ferry.jpg"
    picture.write_bytes(make_picture_bytes(size=(800, 450)))
    # The featured picture is uploaded through the picture chooser's dialog.
    page.get_by_role("group", name="Featured image:").get_by_role(
        "button", name="Choose a picture"
    ).click()
    dialog = page.get_by_role("dialog", name="Choose a picture")
    dialog.get_by_label("File").set_input_files(str(picture))
    dialog.get_by_label("Alt text").fill("The ferry leaving the harbour at dawn")
    dialog.get_by_label("Caption").fill("The first crossing of the season")
    dialog.get_by_label("Credit").fill("Reuters")
    dialog.get_by_role("button", name="Upload").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#id_featured_image")).not_to_have_value("")

    pick_autocomplete(page, "id_tags", "Harbour")
    pick_autocomplete(page, "id_tags", "Transport")
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get(slug="ferry-service-returns-to-the-harbour")
    assert article.is_public
    assert "<strong>fully booked</strong>" in article.body
    # The upload queued the picture's renditions; the task worker makes them (make run
    # and production run one beside the web server).
    assert not article.featured_image.renditions.exists()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert article.featured_image.renditions.exists()

    page.goto(live_server.url + "/")
    expect(page.locator("#lead-headline")).to_have_text("Ferry service returns to the harbour")

    page.locator("#lead-headline a").click()
    expect(page).to_have_url(
        re.compile(r"/\d{4}/\d{2}/\d{2}/ferry-service-returns-to-the-harbour/$")
    )
    story = page.locator(".story-body")
    expect(story.locator("strong")).to_have_text("fully booked")
    expect(story.locator("a")).to_have_attribute("href", "https://example.org/timetable")
    figure = page.locator("figure")
    expect(figure.locator("img")).to_have_attribute("alt", "The ferry leaving the harbour at dawn")
    expect(figure.locator("figcaption")).to_contain_text("The first crossing of the season")
    expect(figure.locator("figcaption")).to_contain_text("Photo: Reuters")
    expect(page.locator(".tags")).to_contain_text("Harbour")
    expect(page.locator(".tags")).to_contain_text("Transport")
    screenshot(page, "article")

    page.get_by_role("link", name="Transport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transport")
    expect(page.get_by_role("link", name="Ferry service returns to the harbour")).to_be_visible()
