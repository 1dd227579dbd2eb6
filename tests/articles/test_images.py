"""The picture library: renditions, markup, uploads, refusals, credits (issue 4)."""

import base64
import hashlib
import io
import os
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageCms

from articles import images
from articles.editor import editor_picture_url, library_src
from articles.models import Image, Rendition
from tests.factories import (
    make_article,
    make_image,
    make_staff,
    make_upload,
    make_user,
    prime_page_furniture,
    run_queued_tasks,
)

pytestmark = pytest.mark.django_db

ORIENTATION, MODEL, GPS_IFD = 0x0112, 0x0110, 0x8825


def stored_files(root):
    root = Path(root)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def picture_bytes(picture, image_format="JPEG", **options):
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def open_rendition(rendition):
    with rendition.file.open("rb") as file:
        data = file.read()
    return PILImage.open(io.BytesIO(data)), data


def rotated_photo_with_gps():
    """A 80×40 photo, red on the left, blue on the right, to be shown turned 90° clockwise."""
    photo = PILImage.new("RGB", (80, 40), (0, 0, 255))
    photo.paste((255, 0, 0), (0, 0, 40, 40))
    exif = PILImage.Exif()
    exif[ORIENTATION] = 6
    exif[MODEL] = "Secret Camera 9000"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)})
    return picture_bytes(photo, exif=exif.tobytes())


def iptc_segment(fields):
    """Return a JPEG APP13 segment carrying IPTC fields, as photo agencies write them."""
    data = b"".join(
        b"\x1c" + bytes(key) + len(value).to_bytes(2, "big") + value
        for key, value in fields.items()
    )
    data += b"\x00" * (len(data) % 2)
    resource = b"8BIM\x04\x04\x00\x00" + len(data).to_bytes(4, "big") + data
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload


def with_iptc(jpeg, fields):
    return jpeg[:2] + iptc_segment(fields) + jpeg[2:]


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="AFP">'
    b"<dc:creator><rdf:Seq><rdf:li>Ana Ruiz</rdf:li></rdf:Seq></dc:creator>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)


# Renditions ---------------------------------------------------------------------------


def test_rotated_photo_rendition_is_upright_and_has_no_gps_or_exif():
    image = make_image(file=make_upload("holiday.jpg", content=rotated_photo_with_gps()))
    assert (image.width, image.height) == (40, 80)
    renditions = image.renditions_for("")
    for rendition in renditions["webp"] + renditions["fallback"]:
        picture, data = open_rendition(rendition)
        assert picture.size == (40, 80)
        red, blue = (
            picture.convert("RGB").getpixel((20, 5)),
            picture.convert("RGB").getpixel((20, 75)),
        )
        assert red[0] > 200 and red[2] < 60, "the left of the stored photo is now the top"
        assert blue[2] > 200 and blue[0] < 60
        assert not picture.getexif()
        assert b"Secret Camera" not in data and b"Exif" not in data
        assert "exif" not in picture.info and "icc_profile" not in picture.info


def test_cmyk_jpeg_becomes_rgb():
    cmyk = picture_bytes(PILImage.new("CMYK", (64, 48), (0, 255, 255, 0)))
    image = make_image(file=make_upload("print.jpg", content=cmyk))
    renditions = image.renditions_for("")
    assert renditions["fallback_format"] == "jpeg"
    for rendition in renditions["webp"] + renditions["fallback"]:
        picture, _ = open_rendition(rendition)
        assert picture.mode == "RGB"
        red = picture.getpixel((32, 24))
        assert red[0] > 200 and red[1] < 60 and red[2] < 60


def test_colour_profile_is_converted_and_not_passed_on():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = picture_bytes(PILImage.new("RGB", (64, 48), (10, 120, 200)), icc_profile=profile)
    image = make_image(file=make_upload("profiled.jpg", content=photo))
    for rendition in image.renditions_for("")["fallback"]:
        picture, _ = open_rendition(rendition)
        assert "icc_profile" not in picture.info


def test_transparent_png_keeps_its_transparency():
    graphic = PILImage.new("RGBA", (100, 50), (0, 128, 0, 255))
    graphic.paste((0, 0, 0, 0), (0, 0, 50, 50))
    image = make_image(file=make_upload("chart.png", content=picture_bytes(graphic, "PNG")))
    renditions = image.renditions_for("")
    assert renditions["fallback_format"] == "png"
    for rendition in renditions["webp"] + renditions["fallback"]:
        picture, _ = open_rendition(rendition)
        assert picture.mode == "RGBA"
        assert picture.getpixel((10, 25))[3] == 0
        assert picture.getpixel((90, 25))[3] == 255


def test_opaque_photo_gets_jpeg_and_webp():
    image = make_image(file=make_upload("photo.png", image_format="PNG", size=(700, 400)))
    renditions = image.renditions_for("")
    assert renditions["fallback_format"] == "jpeg"
    assert [r.width for r in renditions["webp"]] == [320, 640, 700]
    assert {r.file.name.rsplit(".", 1)[1] for r in renditions["fallback"]} == {"jpg"}


def test_renditions_are_never_wider_than_the_original():
    image = make_image(file=make_upload(size=(1000, 500)))
    renditions = image.renditions_for("")
    assert [r.width for r in renditions["fallback"]] == [320, 640, 960, 1000]
    for rendition in renditions["fallback"]:
        picture, _ = open_rendition(rendition)
        assert picture.size == (rendition.width, rendition.height)
    assert images.rendition_widths(2500) == [320, 640, 960, 1280, 1920]
    assert images.rendition_widths(2500, max_width=640) == [320, 640]


def test_crops_keep_the_focal_point_in_frame():
    scene = PILImage.new("RGB", (400, 200), (0, 0, 0))
    scene.paste((255, 0, 0), (370, 90, 400, 110))  # The subject, at the right edge.
    upload = make_upload("scene.jpg", content=picture_bytes(scene, quality=95))
    image = make_image(file=upload, focal_x=0.95, focal_y=0.5)
    square = image.renditions_for("1:1")["fallback"][0]
    picture, _ = open_rendition(square)
    assert picture.size == (200, 200)
    assert picture.getpixel((190, 100))[0] > 200, "the subject is in the square crop"
    assert images.crop_box((400, 200), "1:1", 0.5, 0.5) == (100, 0, 300, 200)
    assert images.crop_box((400, 200), "1:1", 0.0, 0.5) == (0, 0, 200, 200)
    assert images.crop_box((400, 400), "16:9", 0.5, 1.0) == (0, 175, 400, 400)


def test_a_second_page_view_makes_no_new_rendition_file(client, media_root):
    article = make_article(featured_image=make_image(file=make_upload(size=(700, 400))))
    client.get("/")
    client.get(article.get_absolute_url())
    files_after_first_views = stored_files(media_root)
    renditions = Rendition.objects.count()
    assert renditions > 0
    client.get("/")
    client.get(article.get_absolute_url())
    assert stored_files(media_root) == files_after_first_views
    assert Rendition.objects.count() == renditions


def test_racing_requests_keep_one_rendition_per_size(media_root):
    image = make_image(file=make_upload(size=(700, 400)), renditions=False)
    first, second = Image.objects.get(pk=image.pk), Image.objects.get(pk=image.pk)
    first._known_renditions(), second._known_renditions()  # Both saw none yet.
    made_first = first.renditions_for("16:9")
    made_second = second.renditions_for("16:9")
    assert [r.pk for r in made_second["webp"]] == [r.pk for r in made_first["webp"]]
    rendition_files = [path for path in stored_files(media_root) if "renditions" in path.parts]
    assert len(rendition_files) == Rendition.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_upload_in_admin_queues_renditions_for_the_worker(admin_client, private_media_root):
    # Committed rows, as in production, so the real db_worker command can run.
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    data = {"file": make_upload(size=(700, 400)), "alt_text": "A harbour", "credit": "Reuters"}
    response = admin_client.post(reverse("admin:articles_image_add"), data)
    assert response.status_code == 302
    image = Image.objects.get()
    # The request made none: it queued them, after commit, for the worker.
    assert not image.renditions.exists()
    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.status) == ("articles.tasks.make_renditions", "READY")
    assert queued.args_kwargs["args"] == [[image.pk]]
    assert stored_files(private_media_root) == [private_media_root / image.file.name]

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    crops = set(image.renditions.values_list("crop", flat=True))
    assert crops == {"", "16:9", "4:3", "1:1"}


def test_moving_the_focal_point_remakes_the_crops(admin_client, django_capture_on_commit_callbacks):
    image = make_image(file=make_upload(size=(400, 200)))
    old_square = image.renditions_for("1:1")["webp"][0]
    full = image.renditions_for("")["webp"][0]
    data = {"alt_text": image.alt_text, "caption": "", "credit": "x", "focal_x": "0.1"}
    data["focal_y"] = "0.5"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:articles_image_change", args=[image.pk]), data)
    assert response.status_code == 302
    assert not Rendition.objects.filter(pk=old_square.pk).exists()
    assert Rendition.objects.filter(pk=full.pk).exists()
    assert not default_storage.exists(old_square.file.name)
    assert not image.renditions.filter(crop="1:1").exists()
    assert run_queued_tasks() == 1
    assert image.renditions.filter(crop="1:1").exists()


# What readers get ---------------------------------------------------------------------


def test_article_page_serves_a_responsive_credited_figure(client, settings):
    settings.IMAGE_CREDIT_PREFIX = "Picture: "
    image = make_image(
        file=make_upload(size=(1400, 700)),
        alt_text="Councillors at the vote",
        caption="The vote",
        credit="Reuters",
    )
    article = make_article(featured_image=image)
    html = client.get(article.get_absolute_url()).content.decode()
    webp = image.renditions.filter(crop="", format="webp").order_by("width")
    jpeg = image.renditions.filter(crop="", format="jpeg").order_by("width")
    assert [r.width for r in webp] == [320, 640, 960, 1280, 1400]
    webp_srcset = ", ".join(f"{r.url} {r.width}w" for r in webp)
    assert f'<source type="image/webp" srcset="{webp_srcset}"' in html
    jpeg_srcset = ", ".join(f"{r.url} {r.width}w" for r in jpeg)
    assert f'srcset="{jpeg_srcset}"' in html
    assert 'sizes="(min-width: 44rem) 42rem, 100vw"' in html
    assert 'width="1400" height="700"' in html
    assert 'alt="Councillors at the vote"' in html
    assert 'fetchpriority="high"' in html
    assert "<figure" in html
    assert '<figcaption>The vote <span class="credit">Picture: Reuters</span></figcaption>' in html
    assert image.file.name not in html


def test_home_cards_use_small_lazy_crops_and_the_lead_is_high_priority(client):
    make_article(featured_image=make_image(file=make_upload(size=(2000, 1000))))
    lead = make_article(featured_image=make_image(file=make_upload(size=(2000, 1000))))
    html = client.get("/").content.decode()
    lead_part, cards_part = html.split('id="latest-heading"')
    assert 'fetchpriority="high"' in lead_part and 'loading="lazy"' not in lead_part
    largest = lead.featured_image.renditions.filter(crop="16:9", format="webp").latest("width")
    assert f"{largest.url} 1778w" in lead_part
    assert 'loading="lazy"' in cards_part and "fetchpriority" not in cards_part
    card_widths = {int(width) for width in re.findall(r"\.webp (\d+)w", cards_part)}
    assert card_widths == {320, 640}
    assert "/media/images/" not in html


def test_body_images_are_served_from_renditions(client):
    image = make_image(file=make_upload(size=(800, 600)), alt_text="Library alt")
    body = (
        f'<p>Before</p><p><img src="{library_src(image.file.name)}" alt="The river in flood"></p>'
        '<p><img src="https://example.org/elsewhere.jpg" alt="Elsewhere"></p>'
    )
    article = make_article(body=body)
    assert list(article.body_images.all()) == [image]
    html = client.get(article.get_absolute_url()).content.decode()
    body_html = html.split('class="story-body"')[1]
    assert "<picture>" in body_html
    assert 'alt="The river in flood"' in body_html
    assert image.renditions.get(crop="", width=800, format="webp").url in body_html
    assert 'loading="lazy"' in body_html
    assert image.file.name not in html
    # Pictures from other sites are not library pictures: their address is dropped, so
    # readers' browsers never call a third party (articles/editor.py).
    assert "example.org/elsewhere.jpg" not in body_html


def test_png_with_html_appended_never_reaches_readers(client):
    payload = b"<html><script>alert(document.cookie)</script></html>"
    polyglot = picture_bytes(PILImage.new("RGB", (400, 300), (5, 5, 5)), "PNG") + payload
    image = make_image(file=make_upload("polyglot.png", content=polyglot))
    article = make_article(
        featured_image=image, body=f'<p><img src="{library_src(image.file.name)}"></p>'
    )
    html = client.get(article.get_absolute_url()).content.decode()
    client.get("/")
    assert image.file.name not in html
    assert image.renditions.exists()
    for rendition in image.renditions.all():
        _, data = open_rendition(rendition)
        assert b"<script" not in data and b"<html" not in data


def test_missing_picture_file_does_not_break_the_page(client):
    image = make_image()
    image.file.storage.delete(image.file.name)
    article = make_article(featured_image=image)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert b"<h1>" in response.content


# Bad input ----------------------------------------------------------------------------


def _eps_bytes():
    return picture_bytes(PILImage.new("RGB", (20, 20), "red"), "EPS")


def _gif_with_frames(count):
    frames = [PILImage.new("RGB", (16, 16), (n * 4 % 256, 0, 0)) for n in range(count)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=40)
    return buffer.getvalue()


def _noise_png(size):
    return picture_bytes(PILImage.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)), "PNG")


REFUSED = {
    "text named .jpg": ("photo.jpg", lambda: b"just some text, not a picture", "valid image"),
    "svg": (
        "drawing.svg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "valid image",
    ),
    "eps": ("poster.eps", _eps_bytes, "valid image"),
    "bmp": ("scan.bmp", lambda: picture_bytes(PILImage.new("RGB", (8, 8)), "BMP"), "valid image"),
    "tiff": ("scan.tif", lambda: picture_bytes(PILImage.new("RGB", (8, 8)), "TIFF"), "valid image"),
    "truncated jpeg": (
        "cut.jpg",
        lambda: picture_bytes(PILImage.frombytes("RGB", (300, 300), os.urandom(270000)))[:6000],
        "valid image",
    ),
    "51-frame gif": ("long.gif", lambda: _gif_with_frames(51), "51 frames; at most 50"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_admin_refuses_bad_files_next_to_the_field_and_stores_nothing(
    admin_client, media_root, case
):
    name, content, message = REFUSED[case]
    data = {"file": make_upload(name=name, content=content()), "alt_text": "Kept alt text"}
    response = admin_client.post(reverse("admin:articles_image_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["file"]
    assert message in str(errors["file"])
    assert "Kept alt text" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_a_gif_with_fifty_frames_is_accepted():
    image = make_image(file=make_upload("ok.gif", content=_gif_with_frames(50)))
    assert image.renditions_for("")["fallback"]


def test_file_over_the_size_limit_is_refused(admin_client, settings, media_root):
    settings.IMAGE_MAX_UPLOAD_MB = 1
    data = {"file": make_upload("big.png", content=_noise_png((800, 800))), "alt_text": "Big"}
    response = admin_client.post(reverse("admin:articles_image_add"), data)
    errors = str(response.context["adminform"].form.errors["file"])
    assert "pictures may be at most 1 MB" in errors
    assert not Image.objects.exists() and stored_files(media_root) == []


def test_picture_with_too_many_pixels_is_refused(admin_client, settings, media_root):
    settings.IMAGE_MAX_PIXELS = 10_000
    data = {"file": make_upload(size=(200, 100)), "alt_text": "Wide"}
    response = admin_client.post(reverse("admin:articles_image_add"), data)
    errors = str(response.context["adminform"].form.errors["file"])
    assert "200 × 100 pixels" in errors and "most accepted is 0.0 megapixels" in errors
    assert not Image.objects.exists() and stored_files(media_root) == []


def test_decompression_bomb_is_refused_by_the_default_limit(admin_client, media_root):
    # 49 megapixels in a file of a few kilobytes.
    bomb = picture_bytes(PILImage.new("1", (7000, 7000)), "PNG", optimize=True)
    assert len(bomb) < 200_000
    data = {"file": make_upload("bomb.png", content=bomb), "alt_text": "Bomb"}
    response = admin_client.post(reverse("admin:articles_image_add"), data)
    assert "megapixels" in str(response.context["adminform"].form.errors["file"])
    assert not Image.objects.exists() and stored_files(media_root) == []


def _multipart(fields, file_field, file_name, content):
    boundary = "newsroom-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{file_name}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_file_named_dot_dot_is_an_error_not_a_dropped_file(admin_client, media_root):
    body, content_type = _multipart({"alt_text": "Dots"}, "file", "..", make_upload().read())
    response = admin_client.generic(
        "POST", reverse("admin:articles_image_add"), body, content_type=content_type
    )
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["file"])
    assert "name cannot be used" in errors
    assert "required" not in errors
    assert not Image.objects.exists() and stored_files(media_root) == []


def test_user_file_names_never_become_paths():
    image = make_image(file=make_upload(name="../../etc/passwd.jpg"))
    assert image.file.name.startswith("images/")
    assert "passwd" not in image.file.name and ".." not in image.file.name


def test_model_refuses_bad_files_on_every_path(media_root):
    with pytest.raises(Exception, match="valid image"):
        make_image(file=make_upload(content=b"GIF89a but not really"))
    assert stored_files(media_root) == []


def test_a_failed_save_leaves_no_file_in_storage(media_root):
    with pytest.raises(IntegrityError), transaction.atomic():
        Image(file=make_upload(), alt_text=None).save()
    assert stored_files(media_root) == []


# Credits ------------------------------------------------------------------------------


def test_credit_is_read_from_iptc_when_left_blank(admin_client):
    photo = with_iptc(make_upload().read(), {(2, 80): b"Jane Doe", (2, 110): b"Reuters"})
    data = {"file": make_upload(content=photo), "alt_text": "Wire photo", "credit": ""}
    assert admin_client.post(reverse("admin:articles_image_add"), data).status_code == 302
    assert Image.objects.get().credit == "Jane Doe/Reuters"


def test_credit_is_read_from_xmp_when_left_blank(admin_client):
    photo = picture_bytes(PILImage.new("RGB", (50, 40), "red"), xmp=XMP)
    data = {"file": make_upload(content=photo), "alt_text": "Agency photo", "credit": ""}
    assert admin_client.post(reverse("admin:articles_image_add"), data).status_code == 302
    image = Image.objects.get()
    assert image.credit == "Ana Ruiz/AFP"
    for rendition in image.renditions_for("")["fallback"]:
        _, data = open_rendition(rendition)
        assert b"xmpmeta" not in data and b"Ana Ruiz" not in data


def test_an_editors_credit_wins_over_the_embedded_one(admin_client):
    photo = with_iptc(make_upload().read(), {(2, 110): b"Reuters"})
    data = {"file": make_upload(content=photo), "alt_text": "Photo", "credit": "Our staff"}
    admin_client.post(reverse("admin:articles_image_add"), data)
    assert Image.objects.get().credit == "Our staff"


def test_iptc_never_reaches_readers():
    photo = with_iptc(make_upload(size=(400, 300)).read(), {(2, 110): b"Reuters"})
    image = make_image(file=make_upload(content=photo))
    for rendition in image.renditions_for("")["fallback"]:
        _, data = open_rendition(rendition)
        assert b"Photoshop" not in data and b"Reuters" not in data


# Editor uploads and the library browser -----------------------------------------------


def test_editor_form_upload_answers_with_a_callback_for_digits(admin_client):
    url = reverse("editor-image-upload") + "?CKEditor=id_body&CKEditorFuncNum=12&langCode=en"
    response = admin_client.post(url, {"upload": make_upload(name="quay.jpg")})
    image = Image.objects.get()
    assert response.status_code == 200
    url = editor_picture_url(image.file.name)
    script = f'window.parent.CKEDITOR.tools.callFunction(12, "{url}", "");'
    assert response.content.decode() == f"<script>{script}</script>"
    # The admin's policy allows no inline script: this answer allows its own, by hash.
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert response["Content-Security-Policy"] == (
        f"default-src 'none'; script-src 'sha256-{digest}'"
    )


@pytest.mark.parametrize("number", ["1);alert(1)//", "</script><script>x", "12a", "-1", "١٢"])
def test_editor_upload_refuses_a_callback_number_that_is_not_digits(admin_client, number):
    response = admin_client.post(
        reverse("editor-image-upload") + "?CKEditorFuncNum=" + number.replace("<", "%3C"),
        {"upload": make_upload()},
    )
    assert response.status_code == 400
    assert b"alert" not in response.content and b"<script" not in response.content
    assert not Image.objects.exists()


def test_editor_form_upload_reports_refusals_through_the_callback(admin_client):
    url = reverse("editor-image-upload") + "?CKEditorFuncNum=3"
    response = admin_client.post(url, {"upload": make_upload(content=b"</script><b>not")})
    html = response.content.decode()
    assert html.startswith('<script>window.parent.CKEDITOR.tools.callFunction(3, "", ')
    assert "valid image" in html and "</script><b>" not in html
    assert not Image.objects.exists()


def test_editor_xhr_upload_with_callback_number_answers_json(
    admin_client, django_capture_on_commit_callbacks
):
    url = reverse("editor-image-upload") + "?CKEditorFuncNum=1&responseType=json"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"upload": make_upload(size=(700, 400))})
    assert response.json()["uploaded"] == 1
    assert not Image.objects.get().renditions.exists()
    assert run_queued_tasks() == 1
    assert Image.objects.get().renditions.filter(crop="16:9").exists()


def test_editor_upload_of_a_file_named_dot_dot_says_why(admin_client, media_root):
    body, content_type = _multipart({}, "upload", "..", make_upload().read())
    response = admin_client.generic(
        "POST", reverse("editor-image-upload"), body, content_type=content_type
    )
    assert response.status_code == 400
    assert "name cannot be used" in response.json()["error"]["message"]
    assert stored_files(media_root) == []


def test_editor_upload_refuses_too_many_frames(admin_client):
    upload = make_upload(name="long.gif", content=_gif_with_frames(60))
    response = admin_client.post(reverse("editor-image-upload"), {"upload": upload})
    assert response.status_code == 400
    assert "60 frames" in response.json()["error"]["message"]


def test_editor_image_button_can_browse_the_library(admin_client):
    html = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert reverse("editor-image-browser") in html
    assert "/ckeditor/browse/" not in html


def test_image_browser_lists_the_library_for_staff(admin_client, django_assert_num_queries):
    pictures = [make_image(alt_text=f"Harbour view {n}") for n in range(3)]
    make_image(alt_text="Market stalls")
    url = reverse("editor-image-browser") + "?CKEditorFuncNum=7&q=harbour"
    admin_client.get(url)  # Makes the thumbnails once.
    # session, user, count, page of pictures, their renditions
    with django_assert_num_queries(5):
        response = admin_client.get(url)
    html = response.content.decode()
    assert 'data-callback="7"' in html
    for image in pictures:
        assert f'data-url="{editor_picture_url(image.file.name)}"' in html
        assert image.renditions.get(crop="1:1", format="webp").url in html
    assert "Market stalls" not in html
    assert "articles/editor-browser.js" in html


def test_image_browser_is_staff_only_and_refuses_odd_callback_numbers(client, admin_client):
    client.force_login(make_user())
    assert client.get(reverse("editor-image-browser")).status_code == 302
    response = admin_client.get(reverse("editor-image-browser") + "?CKEditorFuncNum=x%22")
    assert response.status_code == 400


@pytest.mark.parametrize("query", ["", "?CKEditorFuncNum=4", "?responseType=json"])
def test_editor_upload_needs_the_add_image_permission(client, query):
    client.force_login(make_user(is_staff=True))
    response = client.post(reverse("editor-image-upload") + query, {"upload": make_upload()})
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_image_browser_needs_the_view_image_permission(client):
    client.force_login(make_user(is_staff=True))
    assert client.get(reverse("editor-image-browser")).status_code == 403


def test_reporter_can_upload_and_browse_from_the_editor(client):
    client.force_login(make_staff("Reporters"))
    url = reverse("editor-image-upload") + "?responseType=json"
    assert client.post(url, {"upload": make_upload()}).json()["uploaded"] == 1
    assert Image.objects.count() == 1
    assert client.get(reverse("editor-image-browser")).status_code == 200


# The Image admin ----------------------------------------------------------------------


def test_image_admin_list_shows_size_file_size_and_usage(admin_client):
    used = make_image(file=make_upload(size=(300, 200)))
    make_article(featured_image=used)
    make_article(
        featured_image=used, body=f'<p><img src="{library_src(used.file.name)}" alt="x"></p>'
    )
    make_article(body=f'<p><img src="{library_src(used.file.name)}" alt="x"></p>')
    unused = make_image()
    html = admin_client.get(reverse("admin:articles_image_changelist")).content.decode()
    assert "300 × 200" in html
    assert "used in 3 articles" in html
    assert "not used" in html
    assert unused.file_size > 0
    assert f"{unused.file_size} bytes" in html or "KB" in html


@pytest.mark.parametrize("count", [1, 15])
def test_image_admin_list_query_count_is_fixed(admin_client, django_assert_num_queries, count):
    for _ in range(count):
        make_article(featured_image=make_image())
    url = reverse("admin:articles_image_changelist")
    admin_client.get(url)  # Makes the thumbnails once.
    # The admin's own (session, user, counts, date hierarchy), then one page of images with
    # their usage counts and one query for all their thumbnails' renditions.
    with django_assert_num_queries(8):
        assert admin_client.get(url).status_code == 200


def test_image_admin_refuses_to_delete_a_featured_image_and_says_where(admin_client):
    image = make_image()
    make_article(featured_image=image, headline="Bridge reopens")
    url = reverse("admin:articles_image_delete", args=[image.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cannot delete" in html and "Bridge reopens" in html
    assert admin_client.post(url, {"post": "yes"}).status_code == 200
    assert Image.objects.filter(pk=image.pk).exists()


def test_image_admin_refuses_to_delete_an_image_in_a_body(admin_client):
    image = make_image()
    make_article(
        headline="Flood pictures", body=f'<p><img src="{library_src(image.file.name)}" alt="x"></p>'
    )
    response = admin_client.post(
        reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"}
    )
    html = response.content.decode()
    assert "Cannot delete" in html and "picture in the body" in html and "Flood pictures" in html
    assert Image.objects.filter(pk=image.pk).exists()


def test_bulk_delete_refuses_used_images_without_an_error_page(admin_client):
    used, unused = make_image(), make_image()
    make_article(featured_image=used, headline="Market day")
    response = admin_client.post(
        reverse("admin:articles_image_changelist"),
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "Market day" in response.content.decode()
    assert Image.objects.count() == 2


def test_deleting_an_unused_image_removes_its_files(
    admin_client, media_root, private_media_root, django_capture_on_commit_callbacks
):
    image = make_image()
    image.renditions_for("")
    assert stored_files(media_root) and stored_files(private_media_root)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Image.objects.exists() and not Rendition.objects.exists()
    assert stored_files(media_root) == []
    assert stored_files(private_media_root) == []


def test_image_admin_edits_the_focal_point(admin_client):
    image = make_image()
    html = admin_client.get(reverse("admin:articles_image_change", args=[image.pk])).content
    assert b'name="focal_x"' in html and b'name="focal_y"' in html
    data = {"alt_text": "x", "focal_x": "1.5", "focal_y": "0.5"}
    response = admin_client.post(reverse("admin:articles_image_change", args=[image.pk]), data)
    assert "focal_x" in response.context["adminform"].form.errors


@pytest.mark.django_db(transaction=True)
def test_pictures_without_renditions_are_made_by_the_worker_never_by_the_page(client):
    # Committed rows, as in production: the page queues after commit, and the worker
    # (the real db_worker command) closes its connection between tasks.
    # How a loader or command adds a picture: file.save() with bytes, no upload form.
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    image = Image(alt_text="Drawn by a script", credit="Newsroom")
    image.file.save(
        "drawn.jpg", ContentFile(picture_bytes(PILImage.new("RGB", (800, 500)))), save=False
    )
    image.save()
    assert (image.width, image.height) == (800, 500) and image.file_size > 0
    article = make_article(featured_image=image)
    first = client.get(article.get_absolute_url()).content.decode()
    client.get("/")  # Cards want the 16:9 crop: the same image, queued once.
    assert not Rendition.objects.exists()
    assert "<picture" not in first.split('class="story-body"')[0].split("<main")[1]
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "articles.tasks.make_renditions"
    assert queued.args_kwargs["args"] == [[image.pk]]

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    html = client.get(article.get_absolute_url()).content.decode()
    assert image.renditions.get(crop="", width=800, format="webp").url in html
    crops = {crop for crop in image.renditions.values_list("crop", flat=True)}
    assert crops == {"", "16:9", "4:3", "1:1"}


def test_a_body_picture_no_longer_in_the_library_is_not_served_as_the_original(client):
    image = make_image(file=make_upload(size=(400, 300)))
    article = make_article(
        body=f'<p>Text</p><p><img src="{library_src(image.file.name)}" alt="Gone"></p>'
    )
    original = image.file.name
    Image.objects.filter(pk=image.pk).update(file="images/2026/01/replaced.jpg")
    html = client.get(article.get_absolute_url()).content.decode()
    assert original not in html
    assert "<p>Text</p>" in html


def test_a_page_missing_pictures_is_not_kept_by_the_page_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    image = make_image(file=make_upload(size=(700, 400)), renditions=False)
    make_article(featured_image=image)
    assert "<picture" not in client.get("/").content.decode()
    image.create_renditions()
    card = image.renditions.get(crop="16:9", width=640, format="webp")
    assert card.url in client.get("/").content.decode()


def test_a_list_of_pictures_without_renditions_queues_one_task_once(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    pictures = [make_image(renditions=False) for _ in range(6)]
    for image in pictures:
        make_article(featured_image=image)
    # with nothing cached: the count and the next scheduled publication and pin expiry
    # (how long the count is kept: articles/pagination.py), the page's ids, those
    # articles, their authors, the renditions (none), the front page's pins, and one
    # INSERT for the single task that asks for every missing picture
    prime_page_furniture()
    with django_assert_num_queries(9), django_capture_on_commit_callbacks(execute=True):
        assert client.get("/").status_code == 200
    task = DBTaskResult.objects.get()
    assert sorted(task.args_kwargs["args"][0]) == sorted(image.pk for image in pictures)
    # Queued already: the next readers add nothing to the queue (and the count and the
    # sections are kept).
    with django_assert_num_queries(5), django_capture_on_commit_callbacks(execute=True):
        assert client.get("/").status_code == 200
    assert DBTaskResult.objects.count() == 1
    assert not Rendition.objects.exists()
