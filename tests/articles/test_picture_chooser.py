"""The featured picture chooser and the focal point's crop rule (issue 14, pictures)."""

import re

import pytest
from django.urls import reverse
from PIL import Image as PILImage

from articles import images
from articles.models import Article, Image
from articles.models import image as image_module
from tests.factories import make_article, make_image, make_staff, make_upload

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
    assert 'data-picture-chooser' in html
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
# and the chooser's two: the chosen picture and its renditions.
ARTICLE_FORM_QUERIES = 12


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
    for name, field in form.fields.items():
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
