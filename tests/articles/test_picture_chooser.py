"""The featured picture chooser and the focal point's crop rule (issue 14, pictures)."""

import re

import pytest
from django.urls import reverse
from PIL import Image as PILImage

from articles import images
from articles.models import Article, Image
from articles.models import image as image_module
from tests.factories import make_article, make_image, make_staff, make_upload, make_user

pytestmark = pytest.mark.django_db

CHOOSE = "admin:articles_image_choose"

# Shared with the browser test, which checks admin-focal-point.js against the same cases.
CROP_CASES = [
    # (width, height, crop, focal_x, focal_y)
    (400, 200, "1:1", 0.5, 0.5),
    (400, 200, "1:1", 0.0, 0.5),
    (400, 200, "1:1", 0.9, 0.1),
    (400, 400, "16:9", 0.5, 1.0),
    (1200, 800, "16:9", 0.25, 0.2),
    (1200, 800, "1:1", 0.75, 0.5),
    (301, 999, "16:9", 0.333, 0.667),
    (1000, 563, "16:9", 0.5, 0.5),
    (5, 3, "1:1", 0.5, 0.5),  # a half pixel: Python rounds it to the even neighbour
]


def _chosen_numbers(html):
    return [int(n) for n in re.findall(r'data-choose-picture="(\d+)"', html)]


# The server's crop rule -----------------------------------------------------------------


@pytest.mark.parametrize("case", CROP_CASES)
def test_crop_box_is_the_largest_box_of_the_shape_around_the_focal_point(case):
    width, height, crop, focal_x, focal_y = case
    left, top, right, bottom = images.crop_box((width, height), crop, focal_x, focal_y)
    ratio = images.CROPS[crop][0] / images.CROPS[crop][1]
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    # As large as the picture allows: one side is the picture's own.
    assert right - left == width or bottom - top == height
    assert abs((right - left) / (bottom - top) - ratio) < 2 / min(right - left, bottom - top)
    # The focal point is in frame, centred unless an edge is in the way.
    assert left <= focal_x * width <= right and top <= focal_y * height <= bottom


def test_crop_box_rounds_halves_as_python_does():
    # 5 x 3 in a square: 3 wide, centred at 2.5 - 1.5 = 1.0; at 0.3: 1.5 - 1.5 = 0.
    assert images.crop_box((5, 3), "1:1", 0.5, 0.5) == (1, 0, 4, 3)
    # 0.7 * 5 - 1.5 = 2.0, 0.8 * 5 - 1.5 = 2.5 -> 2 (even), not 3.
    assert images.crop_box((5, 3), "1:1", 0.8, 0.5) == (2, 0, 5, 3)


def test_renditions_are_cut_with_the_crop_box():
    image = make_image(file=make_upload(size=(400, 200)), focal_x=0.0)
    made = image.renditions.get(crop="1:1", format="jpeg")
    assert (made.width, made.height) == (200, 200)
    left, _top, right, _bottom = images.crop_box((400, 200), "1:1", 0.0, 0.5)
    assert (left, right) == (0, 200)


# The field on the article form -----------------------------------------------------------


def test_article_form_shows_the_chosen_pictures_thumbnail_alt_caption_and_credit(admin_client):
    image = make_image(alt_text="Ferry at dawn", caption="The first crossing", credit="AP")
    article = make_article(featured_image=image)
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    html = html.decode()
    assert "data-picture-chooser" in html
    assert image.renditions.get(crop="1:1", format="webp").url in html
    for text in ("Ferry at dawn", "The first crossing", "AP", "Choose another", "Clear"):
        assert text in html
    assert re.search(rf'name="featured_image" value="{image.pk}"', html)
    assert reverse(CHOOSE) in html
    assert "js/admin-chooser.js" in html
    # No autocomplete box and no pop-up links: the chooser replaces both.
    assert "admin-autocomplete" not in html.split('id="id_featured_image"')[0][-2000:]
    assert "add_id_featured_image" not in html


def test_a_picture_without_copies_yet_is_not_made_in_the_request(admin_client):
    image = make_image(renditions=False)
    article = make_article(featured_image=image)
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert "still being made" in html.decode()
    assert not image.renditions.exists()


def test_article_form_without_a_picture_offers_to_choose_one(admin_client):
    html = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "No picture chosen." in html
    assert "Choose a picture" in html


def test_saving_the_form_with_a_picture_number_stores_it(admin_client):
    image = make_image()
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = admin_client.get(url).context["adminform"].form
    data = _form_data(form)
    data["featured_image"] = str(image.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(pk=article.pk).featured_image == image


@pytest.mark.parametrize("number", ["999999", "abc", "-1"])
def test_a_wrong_picture_number_is_an_error_next_to_the_field(admin_client, number):
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = _form_data(admin_client.get(url).context["adminform"].form)
    data["featured_image"] = number
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "featured_image" in response.context["adminform"].form.errors


# The article form's queries: session, user, the article, its authors (twice: the
# inline and the byline), tags, corrections, sections, the author list's users (twice),
# the chooser's two: the chosen picture and its renditions; and the comments panel's
# four latest-of-each-status lists (comments/desk.py; the count only when they are full).
ARTICLE_FORM_QUERIES = 16
# The picture page: session, user, the picture with its usage count, its renditions.
IMAGE_PAGE_QUERIES = 4


@pytest.mark.parametrize("library_size", [2, 20])
def test_article_form_query_count_does_not_grow_with_the_library(
    admin_client, django_assert_num_queries, library_size
):
    for _ in range(library_size):
        make_image()
    article = make_article(featured_image=make_image())
    url = reverse("admin:articles_article_change", args=[article.pk])
    admin_client.get(url)
    with django_assert_num_queries(ARTICLE_FORM_QUERIES) as captured:
        admin_client.get(url)
    pictures = [q["sql"] for q in captured.captured_queries if "articles_image" in q["sql"]]
    assert len(pictures) == 1 and "WHERE" in pictures[0]


def _form_data(form):
    """Return what a browser would post for ``form`` as it was shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for prefix in ("authorships", "corrections"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


# The chooser: the library's grid, search and paging ----------------------------------------


def test_chooser_lists_the_newest_pictures_with_thumbnails_and_numbers(admin_client):
    older = make_image(alt_text="Old pier")
    newer = make_image(alt_text="New pier", caption="Rebuilt", credit="PA")
    html = admin_client.get(reverse(CHOOSE)).content.decode()
    assert _chosen_numbers(html) == [newer.pk, older.pk]
    assert newer.renditions.get(crop="1:1", format="webp").url in html
    assert f"number <strong>{newer.pk}</strong>" in html
    assert 'data-alt="New pier" data-caption="Rebuilt" data-credit="PA"' in html
    assert "data-picture-library" in html


def test_chooser_searches_alt_text_caption_and_credit_for_every_word(admin_client):
    by_alt = make_image(alt_text="Harbour lights at night", caption="", credit="")
    by_caption = make_image(alt_text="Boats", caption="The harbour wall", credit="")
    by_credit = make_image(alt_text="Crowd", caption="", credit="Harbour Press")
    make_image(alt_text="Market stalls", caption="Saturday", credit="AP")
    url = reverse(CHOOSE)
    html = admin_client.get(url, {"q": "HARBOUR"}).content.decode()
    assert _chosen_numbers(html) == [by_credit.pk, by_caption.pk, by_alt.pk]
    html = admin_client.get(url, {"q": "harbour  wall"}).content.decode()
    assert _chosen_numbers(html) == [by_caption.pk]
    html = admin_client.get(url, {"q": "nothing-like-it"}).content.decode()
    assert _chosen_numbers(html) == [] and "No pictures match" in html


def test_chooser_search_looks_through_one_range_of_numbers_a_page(admin_client, monkeypatch):
    old = make_image(alt_text="Lighthouse")
    for _ in range(3):
        make_image(alt_text="Filler")
    monkeypatch.setattr(image_module, "CHOOSER_SEARCH_WINDOW", 3)
    first = admin_client.get(reverse(CHOOSE), {"q": "lighthouse"})
    html = first.content.decode()
    assert _chosen_numbers(html) == []
    assert f"Looked through pictures number {old.pk + 1} to {old.pk + 3}" in html
    assert first.context["next_before"] == old.pk + 1
    assert "Older pictures" in html
    older = admin_client.get(reverse(CHOOSE), {"q": "lighthouse", "before": old.pk + 1})
    assert _chosen_numbers(older.content.decode()) == [old.pk]
    assert older.context["next_before"] is None or older.context["next_before"] < old.pk


def test_chooser_pages_by_number_without_offset(admin_client, settings, monkeypatch):
    from articles import admin as articles_admin

    monkeypatch.setattr(articles_admin, "CHOOSER_PAGE_SIZE", 2)
    pictures = [make_image(alt_text=f"Quay {n}") for n in range(5)]
    newest_first = [image.pk for image in reversed(pictures)]
    url = reverse(CHOOSE)
    first = admin_client.get(url, {"q": "quay"})
    assert _chosen_numbers(first.content.decode()) == newest_first[:2]
    assert first.context["next_before"] == newest_first[1]
    second = admin_client.get(url, {"q": "quay", "before": newest_first[1]})
    assert _chosen_numbers(second.content.decode()) == newest_first[2:4]
    last = admin_client.get(url, {"q": "quay", "before": newest_first[3]})
    assert _chosen_numbers(last.content.decode()) == newest_first[4:]
    assert last.context["next_before"] is None
    assert "Older pictures" not in last.content.decode()


@pytest.mark.parametrize("before", ["x", "-3", "0", "9" * 40])
def test_chooser_ignores_a_page_key_that_is_not_a_number(admin_client, before):
    image = make_image()
    response = admin_client.get(reverse(CHOOSE), {"before": before, "q": "x" * 500})
    # The first page of the whole library, as if nothing had been asked.
    assert response.status_code == 200
    assert _chosen_numbers(response.content.decode()) == [image.pk]


@pytest.mark.parametrize("library_size", [3, 40])
@pytest.mark.parametrize("query", ["", "picture"])
def test_chooser_query_count_is_fixed(admin_client, django_assert_num_queries, library_size, query):
    for _ in range(library_size):
        make_image()
    url = reverse(CHOOSE)
    admin_client.get(url, {"q": query})
    # session, user, (a search's first page: the newest number,) one page of pictures,
    # their renditions
    with django_assert_num_queries(5 if query else 4) as captured:
        response = admin_client.get(url, {"q": query})
    assert len(_chosen_numbers(response.content.decode())) == min(library_size, 24)
    sql = " ".join(q["sql"] for q in captured.captured_queries).upper()
    assert "OFFSET" not in sql and "COUNT(" not in sql
    # The next page, by its key: the same count, whatever the library's size.
    if response.context["next_before"]:
        with django_assert_num_queries(4):
            admin_client.get(url, {"q": query, "before": response.context["next_before"]})


def test_chooser_search_is_a_range_of_the_primary_key_index(admin_client):
    """The planner reads the picture table through its primary key, never all of it."""
    from django.db import connection

    for _ in range(3):
        make_image(alt_text="Pier")
    queryset = Image.objects.matching(["pier"], 1, 10**6).order_by("-pk")[:25]
    plan = queryset.explain()
    if connection.vendor == "postgresql":
        assert "articles_image_pkey" in plan
    else:
        assert "USING INTEGER PRIMARY KEY" in plan
    assert "LIKE" in str(queryset.query).upper()


# The chooser: uploads ------------------------------------------------------------------------


def test_upload_from_the_chooser_adds_a_picture_and_offers_it(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    upload = make_upload("quay.png", image_format="PNG", content_type="image/png")
    data = {"file": upload, "alt_text": "The new quay", "caption": "Opened today", "credit": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse(CHOOSE), data)
    image = Image.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(CHOOSE)}?uploaded={image.pk}"
    assert (image.alt_text, image.caption, image.uploaded_by) == (
        "The new quay",
        "Opened today",
        admin_user,
    )
    assert (image.focal_x, image.focal_y) == (0.5, 0.5)
    html = admin_client.get(response["Location"]).content.decode()
    assert f"as picture number {image.pk}" in html
    assert f'data-choose-picture="{image.pk}"' in html and "data-picture-uploaded" in html


def _bomb():
    buffer = __import__("io").BytesIO()
    PILImage.new("1", (7000, 7000)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


REFUSED = {
    "not a picture": (lambda: b"%PDF-1.4 not a picture", "Upload a valid image"),
    "a damaged picture": (
        lambda: make_upload(image_format="PNG").read()[:60],
        "Upload a valid image",
    ),
    "a decompression bomb": (_bomb, "megapixels"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_chooser_refuses_bad_uploads_with_the_image_admins_messages(admin_client, case):
    content, message = REFUSED[case]
    data = {"file": make_upload("x.png", content=content()), "alt_text": "Kept"}
    response = admin_client.post(reverse(CHOOSE), data)
    assert response.status_code == 200
    form = response.context["upload_form"]
    assert list(form.errors) == ["file"] and message in str(form.errors["file"])
    assert 'value="Kept"' in response.content.decode()
    assert not Image.objects.exists()


def test_chooser_refuses_a_file_over_the_size_limit(admin_client, settings):
    settings.IMAGE_MAX_UPLOAD_MB = 0
    data = {"file": make_upload("big.jpg"), "alt_text": "Big"}
    response = admin_client.post(reverse(CHOOSE), data)
    assert "pictures may be at most 0 MB" in str(response.context["upload_form"].errors)
    assert not Image.objects.exists()


def test_chooser_upload_needs_alt_text(admin_client):
    response = admin_client.post(reverse(CHOOSE), {"file": make_upload(), "alt_text": " "})
    assert list(response.context["upload_form"].errors) == ["alt_text"]
    assert not Image.objects.exists()


def test_chooser_escapes_what_editors_typed(admin_client):
    make_image(alt_text='"><script>alert(1)</script>', caption="<b>x</b>")
    html = admin_client.get(reverse(CHOOSE)).content.decode()
    assert "<script>alert(1)" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;" in html


# Who may use it --------------------------------------------------------------------------


def test_reporter_can_choose_and_upload(client):
    client.force_login(make_staff("Reporters"))
    make_image()
    assert client.get(reverse(CHOOSE)).status_code == 200
    data = {"file": make_upload(), "alt_text": "From a reporter"}
    assert client.post(reverse(CHOOSE), data).status_code == 302
    assert Image.objects.filter(alt_text="From a reporter").exists()
    # The article form shows them the chooser too.
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "data-picture-chooser" in html


def test_staff_without_image_permissions_get_no_chooser(client):
    from django.contrib.auth.models import Permission

    client.force_login(make_user(is_staff=True))
    assert client.get(reverse(CHOOSE)).status_code == 403
    assert client.post(reverse(CHOOSE), {"file": make_upload(), "alt_text": "x"}).status_code == 403
    # Viewing without adding: the grid, but no upload form, and a POST is refused.
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_image"))
    client.force_login(viewer)
    response = client.get(reverse(CHOOSE))
    assert response.status_code == 200 and response.context["upload_form"] is None
    assert "Upload a new picture" not in response.content.decode()
    assert client.post(reverse(CHOOSE), {"file": make_upload(), "alt_text": "x"}).status_code == 403
    assert not Image.objects.exists()


def test_chooser_never_makes_copies_in_the_request(admin_client):
    waiting = make_image(renditions=False, alt_text="Just uploaded")
    html = admin_client.get(reverse(CHOOSE)).content.decode()
    assert f'data-choose-picture="{waiting.pk}"' in html
    assert "Copies being made" in html
    assert not waiting.renditions.exists()


# The focal point on the picture's page ------------------------------------------------------


def test_image_page_gives_the_focal_point_script_the_originals_size(admin_client):
    image = make_image(file=make_upload(size=(300, 200)))
    html = admin_client.get(reverse("admin:articles_image_change", args=[image.pk])).content
    html = html.decode()
    assert 'data-focal-point data-width="300" data-height="200"' in html
    assert "js/admin-focal-point.js" in html
    # The number boxes stay: they are the way without the script.
    assert 'name="focal_x"' in html and 'name="focal_y"' in html


def test_a_reporter_sees_the_picture_but_no_focal_point_boxes(client):
    client.force_login(make_staff("Reporters"))
    image = make_image()
    response = client.get(reverse("admin:articles_image_change", args=[image.pk]))
    assert response.status_code == 200
    assert 'name="focal_x"' not in response.content.decode()


@pytest.mark.parametrize("library_size", [2, 20])
def test_image_page_query_count_is_fixed(admin_client, django_assert_num_queries, library_size):
    for _ in range(library_size):
        make_article(featured_image=make_image())
    image = make_image()
    url = reverse("admin:articles_image_change", args=[image.pk])
    admin_client.get(url)
    with django_assert_num_queries(IMAGE_PAGE_QUERIES):
        assert admin_client.get(url).status_code == 200


def test_saving_a_new_focal_point_stores_it_and_remakes_the_crops(
    admin_client, django_capture_on_commit_callbacks
):
    image = make_image(file=make_upload(size=(400, 200)))
    assert image.renditions.filter(crop="1:1").exists()
    url = reverse("admin:articles_image_change", args=[image.pk])
    data = {"alt_text": image.alt_text, "caption": "", "credit": "", "focal_x": "0.125"}
    data["focal_y"] = "0.9"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.125, 0.9)
    assert not image.renditions.filter(crop="1:1").exists()


@pytest.mark.parametrize("value", ["1.5", "-0.1", "left"])
def test_a_focal_point_outside_the_picture_is_an_error(admin_client, value):
    image = make_image()
    url = reverse("admin:articles_image_change", args=[image.pk])
    data = {"alt_text": image.alt_text, "focal_x": value, "focal_y": "0.5"}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "focal_x" in response.context["adminform"].form.errors
