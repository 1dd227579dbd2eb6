"""Pictures in the admin: the featured picture chooser and the focal point (issue 14)."""

import io
import re

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw
from playwright.sync_api import expect

from articles import images
from articles.models import Article, Image
from tests.articles.test_picture_chooser import CROP_CASES
from tests.browser.conftest import AXE_SCRIPT, SCREENSHOTS
from tests.factories import make_article, make_image, make_staff, make_upload

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-newsroom-password"
WIDE = {"width": 1280, "height": 900}


def _scene(size=(1200, 800)):
    """Return a JPEG with something to aim at: a red sun right of centre, a sea below."""
    picture = PILImage.new("RGB", size, (150, 190, 230))
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.rectangle([0, height * 0.6, width, height], fill=(30, 70, 120))
    draw.ellipse([width * 0.7, height * 0.2, width * 0.8, height * 0.35], fill=(220, 50, 40))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _axe(page, *selectors):
    """Return axe's WCAG 2.1 A/AA violations inside ``selectors``: the parts these pages add.

    The rest of the admin's pages is Django's own (its breadcrumbs are told apart by
    colour only) and, on the article form, the writing desk's other fields.
    """
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        """(include) => axe.run({include: include}, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""",
        [[selector] for selector in selectors],
    )
    return [
        {"id": v["id"], "targets": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def _percentages(css):
    return [float(part.removesuffix("%")) for part in css.split()]


def _shot(page, name, full_page=True):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"pictures-{name}.png"), full_page=full_page)


@pytest.fixture
def editor(roles):
    return make_staff("Editors", username="desk", password=PASSWORD, first_name="Dana")


def test_choose_a_featured_picture_by_searching_and_upload_one(
    live_server, browser, editor, admin_login, tmp_path, monkeypatch
):
    from articles import admin as articles_admin

    # Small pages, so the dialog has a next one (the live server runs in this process).
    monkeypatch.setattr(articles_admin, "CHOOSER_PAGE_SIZE", 4)
    for number in range(6):
        make_image(alt_text=f"Market stalls {number}", caption="Saturday", credit="AP")
    harbour = make_image(
        file=make_upload("harbour.jpg", content=_scene()),
        alt_text="Harbour lights at night",
        caption="The quay after the storm",
        credit="Reuters",
    )
    article = make_article(headline="The quay reopens", status=Article.Status.DRAFT)
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    admin_login(page, editor.username, PASSWORD)
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    page.goto(change_url)

    field = page.locator(".field-featured_image")
    expect(field.get_by_text("No picture chosen.")).to_be_visible()
    # Nothing chosen: no empty alt text, caption and credit beside it.
    expect(field.get_by_text("Alt text", exact=True)).to_be_hidden()
    # With JavaScript the number box gives way to the buttons.
    expect(page.locator("#id_featured_image")).to_be_hidden()
    expect(page.get_by_role("group", name="Featured image")).to_contain_text("No picture")
    field.get_by_role("button", name="Choose a picture").click()
    dialog = page.get_by_role("dialog", name="Choose a picture")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".picture-card")).to_have_count(4)
    dialog.get_by_role("link", name="Older pictures").click()
    expect(dialog.locator(".picture-card")).to_have_count(3)
    expect(dialog.get_by_role("link", name="Newest")).to_be_visible()
    dialog.get_by_label("Search pictures").fill("harbour")
    dialog.get_by_label("Search pictures").press("Enter")
    expect(dialog.locator(".picture-card")).to_have_count(1)
    expect(dialog.locator(".picture-card img")).to_be_visible()
    assert _axe(page, "dialog") == []
    _shot(page, "chooser-dialog", full_page=False)
    dialog.get_by_role("button", name="Choose “Harbour lights at night”").click()
    expect(dialog).to_be_hidden()

    expect(field.locator("[data-picture-thumbnail] img")).to_be_visible()
    expect(field.get_by_text("Harbour lights at night")).to_be_visible()
    expect(field.get_by_text("The quay after the storm")).to_be_visible()
    expect(field.get_by_text("Reuters")).to_be_visible()
    expect(field.get_by_role("button", name="Choose another")).to_be_focused()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=article.pk).featured_image == harbour

    # Reopened: the thumbnail comes from the renditions already made.
    page.goto(change_url)
    thumbnail = field.locator("[data-picture-thumbnail] img")
    expect(thumbnail).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth > 0", thumbnail.element_handle())
    expect(field.get_by_text("Harbour lights at night")).to_be_visible()
    assert _axe(page, ".field-featured_image") == []
    field.scroll_into_view_if_needed()
    _shot(page, "article-form", full_page=False)

    # The library page itself, as the field's link opens it without JavaScript.
    page.goto(live_server.url + "/admin/articles/image/choose/?q=harbour")
    expect(page.locator(".picture-card")).to_have_count(1)
    assert _axe(page, "#content") == []
    page.goto(change_url)

    # A new picture, uploaded from the same place, is chosen at once.
    upload = tmp_path / "lifeboat.jpg"
    upload.write_bytes(_scene((900, 600)))
    field.get_by_role("button", name="Choose another").click()
    dialog.get_by_label("Alt text").fill("The lifeboat leaves the slipway")
    dialog.get_by_label("Caption").fill("Launched at noon")
    # First a file that is not a picture: the error shows in the dialog, nothing is lost.
    not_a_picture = tmp_path / "notes.jpg"
    not_a_picture.write_bytes(b"these are not pixels")
    dialog.get_by_label("File").set_input_files(str(not_a_picture))
    dialog.get_by_role("button", name="Upload").click()
    expect(dialog.locator(".errorlist")).to_contain_text("Upload a valid image")
    expect(dialog.get_by_label("Alt text")).to_have_value("The lifeboat leaves the slipway")
    dialog.get_by_label("File").set_input_files(str(upload))
    dialog.get_by_role("button", name="Upload").click()
    expect(dialog).to_be_hidden()
    expect(field.get_by_text("The lifeboat leaves the slipway")).to_be_visible()
    expect(field.get_by_text("Launched at noon")).to_be_visible()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    lifeboat = Image.objects.get(alt_text="The lifeboat leaves the slipway")
    assert lifeboat.uploaded_by == editor
    assert Article.objects.get(pk=article.pk).featured_image == lifeboat

    # "Clear" takes the picture off the article.
    field.get_by_role("button", name="Clear").click()
    expect(field.get_by_text("No picture chosen.")).to_be_visible()
    # Nothing chosen: no empty alt text, caption and credit beside it.
    expect(field.get_by_text("Alt text", exact=True)).to_be_hidden()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=article.pk).featured_image is None
    context.close()


def test_without_javascript_the_number_box_and_the_library_page_work(
    live_server, browser, editor, admin_login
):
    pier = make_image(alt_text="The old pier", caption="Before the storm", credit="PA")
    article = make_article(headline="Storm damage", status=Article.Status.DRAFT)
    context = browser.new_context(viewport=WIDE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # The library page lists every picture's number, and searches without a script.
    page.goto(live_server.url + "/admin/articles/image/choose/")
    page.get_by_label("Search pictures").fill("pier")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".picture-card")).to_have_count(1)
    expect(page.locator(".picture-card")).to_contain_text(f"number {pier.pk}")
    _shot(page, "library-page")

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.get_by_label("Featured image").fill(str(pier.pk))
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=article.pk).featured_image == pier
    expect(page.locator(".field-featured_image")).to_contain_text("Before the storm")
    context.close()


def test_click_to_set_the_focal_point_and_see_the_crops(live_server, browser, editor, admin_login):
    image = make_image(
        file=make_upload("sun.jpg", content=_scene()), alt_text="Sunset over the bay"
    )
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    admin_login(page, editor.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/articles/image/{image.pk}/change/")

    # The script's crop rule is the server's, case by case.
    for width, height, crop, focal_x, focal_y in CROP_CASES:
        ratio = list(images.CROPS[crop])
        in_browser = page.evaluate(
            "([w, h, r, x, y]) => window.newsroomFocalPoint.cropBox(w, h, r, x, y)",
            [width, height, ratio, focal_x, focal_y],
        )
        assert tuple(in_browser) == images.crop_box((width, height), crop, focal_x, focal_y)

    preview = page.locator("[data-focal-point] img").first
    expect(preview).to_be_visible()
    crops = {crop: page.locator(f'img[data-crop="{crop}"]') for crop in ("16:9", "1:1")}
    before = {crop: locator.get_attribute("data-box") for crop, locator in crops.items()}
    box = preview.bounding_box()
    # Click on the sun: three quarters across, a bit above a third down.
    preview.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.28})
    focal_x = float(page.get_by_label("Focal point across").input_value())
    focal_y = float(page.get_by_label("Focal point down").input_value())
    assert abs(focal_x - 0.75) < 0.01 and abs(focal_y - 0.28) < 0.01
    for crop, locator in crops.items():
        expected = images.crop_box((1200, 800), crop, focal_x, focal_y)
        expect(locator).to_have_attribute("data-box", ",".join(map(str, expected)))
        assert locator.get_attribute("data-box") != before[crop] or crop == "1:1"
        position = page.evaluate(
            "([w, h, b]) => window.newsroomFocalPoint.objectPosition(w, h, b)",
            [1200, 800, list(expected)],
        )
        shown = locator.evaluate("(img) => img.style.objectPosition")
        assert _percentages(shown) == pytest.approx(_percentages(position), abs=0.001)
    expect(page.locator(".focal-point-status")).to_contain_text("75% across")

    # Keyboard: the arrow keys move the point; the number boxes move the mark too.
    page.locator("[data-focal-point]").focus()
    page.keyboard.press("ArrowLeft")
    assert float(page.get_by_label("Focal point across").input_value()) == pytest.approx(
        focal_x - 0.02, abs=0.0011
    )
    page.get_by_label("Focal point down").fill("0.300")
    expect(page.locator(".focal-point-status")).to_contain_text("30% down")
    assert _axe(page, "#content") == []
    _shot(page, "focal-point")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    image.refresh_from_db()
    assert image.focal_x == pytest.approx(focal_x - 0.02, abs=0.0011)
    assert image.focal_y == pytest.approx(0.3)
    # The old crops are gone; the worker makes new ones around the new point.
    assert not image.renditions.exclude(crop="").exists()
    assert re.search(r"focal", page.content())
    context.close()
