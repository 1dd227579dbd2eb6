"""Originals are never public; renditions are made by the worker, within bounded memory."""

import io
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as current_apps
from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.db import connection
from django.urls import reverse
from PIL import Image as PILImage

from articles import images
from articles.editor import editor_picture_url, for_editing, library_src, sanitize_html
from articles.models import Image, Rendition
from tests.factories import (
    make_article,
    make_image,
    make_staff,
    make_upload,
    make_user,
    run_queued_tasks,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
ORIENTATION = 0x0112


def files_under(root):
    root = Path(root)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def jpeg_bytes(picture, **options):
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", **options)
    return buffer.getvalue()


# Where originals live ------------------------------------------------------------------


def test_an_upload_keeps_its_original_private_and_only_renditions_public(
    admin_client, media_root, private_media_root, django_capture_on_commit_callbacks
):
    exif = PILImage.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 12.5)})
    original = jpeg_bytes(PILImage.new("RGB", (700, 400), "teal"), exif=exif.tobytes())
    original += b"<html><script>alert(1)</script></html>"  # a polyglot's trailing bytes
    data = {"file": make_upload("harbour.jpg", content=original), "alt_text": "A harbour"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:articles_image_add"), data)
    assert response.status_code == 302
    run_queued_tasks()
    image = Image.objects.get()
    # The original, byte for byte, only in the private folder.
    assert files_under(private_media_root) == [image.file.name]
    assert (private_media_root / image.file.name).read_bytes() == original
    # The public folder holds renditions and nothing else.
    public = files_under(media_root)
    assert public and all(name.startswith("renditions/") for name in public)
    assert len(public) == image.renditions.count()
    with pytest.raises(ValueError, match="Originals are private"):
        image.file.url  # noqa: B018


def test_the_demo_serves_renditions_but_never_originals(client, media_root):
    image = make_image(file=make_upload(size=(400, 300)))
    rendition = image.renditions.filter(crop="").first()
    # An original an older version left in the public folder is not served either.
    stale = Path(media_root) / image.file.name
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"stale original")
    assert client.get(f"/media/{image.file.name}").status_code == 404
    assert client.get(library_src(image.file.name)).status_code == 404
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == rendition.file.read()


def test_production_serves_no_media_at_all(tmp_path):
    # Production's URLs are built at import, from its own settings: a separate process.
    # Its web server or object storage serves renditions; no URL of the app matches.
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SQLITE_PATH": str(tmp_path / "unused.sqlite3"),
        "CACHE_URL": "locmem://",
        "LOG_LEVEL": "CRITICAL",
    }
    environment.pop("DATABASE_URL", None)
    script = (
        "import django; django.setup()\n"
        "from django.urls import Resolver404, resolve\n"
        "for path in ('/media/images/2026/01/0123abcd.jpg', '/media/renditions/x/320-a.jpg'):\n"
        "    try:\n"
        "        print(path, resolve(path).func.__name__)\n"
        "    except Resolver404:\n"
        "        print(path, 404)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "/media/images/2026/01/0123abcd.jpg",
        "404",
        "/media/renditions/x/320-a.jpg",
        "404",
    ]


def test_pages_feeds_and_admin_never_name_an_original(client, admin_client):
    image = make_image(file=make_upload(size=(900, 600)), alt_text="Flooded square")
    body = f'<p>Text</p><p><img src="{library_src(image.file.name)}" alt="The square"></p>'
    article = make_article(featured_image=image, body=body)
    public = [
        client.get("/").content,
        client.get(article.get_absolute_url()).content,
        client.get("/feed/").content,
    ]
    for html in public:
        assert image.file.name.encode() not in html
    staff = [
        admin_client.get(reverse("admin:articles_image_changelist")).content,
        admin_client.get(reverse("admin:articles_image_change", args=[image.pk])).content,
        admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content,
        admin_client.get(reverse("editor-image-browser")).content,
    ]
    for html in staff:
        assert library_src(image.file.name).encode() not in html
    # A picture has no page of its own: its admin page offers no "View on site".
    assert b"View on site" not in staff[1]
    assert b"View on site" in staff[2]  # the article's does


# The editor ----------------------------------------------------------------------------


def test_the_editor_shows_library_pictures_at_its_own_address_and_saves_the_name():
    name = "images/2026/01/0123456789abcdef.jpg"
    stored = f'<p><img src="{library_src(name)}" alt="A quay"></p>'
    editing = for_editing(stored)
    assert f'src="{editor_picture_url(name)}"' in editing
    assert library_src(name) not in editing
    # What the editor posts back is stored under the picture's name again.
    assert sanitize_html(editing) == stored


def test_the_editor_picture_view_is_for_staff_who_may_view_pictures(client):
    image = make_image(renditions=False)
    url = editor_picture_url(image.file.name)
    assert client.get(url).status_code == 302  # to the login page
    assert "/admin/login/" in client.get(url)["Location"]
    client.force_login(make_user(is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(make_staff("Reporters"))
    assert client.get(url).status_code == 200
    assert client.get(editor_picture_url("images/2026/01/missing.jpg")).status_code == 404


def test_the_editor_picture_view_shows_the_original_to_staff_until_a_rendition_exists(
    admin_client,
):
    image = make_image(file=make_upload(size=(700, 400)), renditions=False)
    url = editor_picture_url(image.file.name)
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    with image.file.open("rb") as original:
        assert b"".join(response.streaming_content) == original.read()

    image.create_renditions()
    response = admin_client.get(url)
    largest = image.renditions.filter(crop="").exclude(format="webp").latest("width")
    assert response.status_code == 302
    assert response["Location"] == largest.url


def test_an_editor_upload_answers_with_an_address_that_shows_the_picture(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("editor-image-upload") + "?responseType=json",
            {"upload": make_upload(size=(500, 300))},
        )
    url = response.json()["url"]
    image = Image.objects.get()
    assert url == editor_picture_url(image.file.name)
    assert admin_client.get(url).status_code == 200  # the original, to staff, at once
    run_queued_tasks()
    assert admin_client.get(url)["Location"].startswith(settings.MEDIA_URL + "renditions/")


# Until renditions exist ----------------------------------------------------------------


def test_until_a_crop_is_made_pages_show_the_largest_rendition_there_is(
    client, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    image = make_image(file=make_upload(size=(1400, 900)), renditions=False)
    image.renditions_for("")  # only the picture's own shape, as after a new focal point
    make_article(featured_image=image)
    with django_capture_on_commit_callbacks(execute=True):
        html = client.get("/").content.decode()
    # The lead wants the 16:9 crop: the picture's own shape stands in, as wide as lists
    # fetch it (articles/models/article.py, STAND_IN_WIDTH).
    stand_in = image.renditions.get(crop="", format="webp", width=640)
    assert f"{stand_in.url} 640w" in html
    assert image.file.name not in html
    assert DBTaskResult.objects.get().task_path == "articles.tasks.make_renditions"


def test_a_partly_made_set_shows_the_widths_that_exist():
    image = make_image(file=make_upload(size=(1400, 900)), renditions=False)
    image.renditions_for("16:9", max_width=320)
    chosen = Image.objects.get(pk=image.pk).renditions_for("16:9", make_missing=False)
    assert [r.width for r in chosen["webp"]] == [320]
    assert [r.width for r in chosen["fallback"]] == [320]


def test_a_picture_with_no_rendition_at_all_is_left_out_rather_than_shown_whole(client):
    image = make_image(file=make_upload(size=(700, 400)), renditions=False)
    article = make_article(featured_image=image)
    html = client.get(article.get_absolute_url()).content.decode()
    assert image.file.name not in html
    assert "<picture" not in html.split("<main")[1].split('class="story-body"')[0]


# Damaged files the request could not fully check ---------------------------------------


def _png_with_damaged_pixels(size):
    """Return a PNG whose chunks all have valid checksums but whose pixel data is broken."""
    buffer = io.BytesIO()
    PILImage.effect_noise(size, 60).convert("RGB").save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    position, chunks = 8, []
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = bytes(data[position + 8 : position + 8 + length])
        if kind == b"IDAT":
            body = body[:20] + bytes(255 - b for b in body[20:40]) + body[40:]
        chunks.append(
            struct.pack(">I4s", length, kind)
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )
        position += 12 + length
    return bytes(data[:8]) + b"".join(chunks)


def test_a_big_upload_damaged_inside_is_marked_by_the_worker_for_the_editor(
    admin_client, client, monkeypatch, django_capture_on_commit_callbacks
):
    # Pictures above this many pixels are decoded whole only in the worker.
    monkeypatch.setattr(images, "REQUEST_DECODE_PIXELS", 100 * 100)
    content = _png_with_damaged_pixels((300, 200))
    upload = make_upload("broken.png", content=content, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:articles_image_add"), {"file": upload, "alt_text": "Broken"}
        )
    assert response.status_code == 302  # the request's checks passed: checksums are fine
    image = Image.objects.get()
    listing = admin_client.get(reverse("admin:articles_image_changelist")).content.decode()
    assert "Waiting for the task worker" in listing

    assert run_queued_tasks() == 1

    image.refresh_from_db()
    assert image.damaged and not image.renditions.exists()
    listing = admin_client.get(reverse("admin:articles_image_changelist")).content.decode()
    assert "This file is damaged and cannot be shown: upload the picture again." in listing
    # Readers' pages leave it out and do not queue it again and again.
    article = make_article(featured_image=image)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(article.get_absolute_url()).status_code == 200
    assert run_queued_tasks() == 0


def test_small_uploads_are_still_decoded_whole_in_the_request(admin_client):
    upload = make_upload("broken.png", content=_png_with_damaged_pixels((300, 200)))
    response = admin_client.post(
        reverse("admin:articles_image_add"), {"file": upload, "alt_text": "Broken"}
    )
    assert response.status_code == 200
    assert "valid image" in str(response.context["adminform"].form.errors["file"])
    assert not Image.objects.exists()


def test_a_big_truncated_png_is_still_refused_in_the_request(admin_client, monkeypatch):
    monkeypatch.setattr(images, "REQUEST_DECODE_PIXELS", 100 * 100)
    buffer = io.BytesIO()
    PILImage.effect_noise((300, 200), 60).convert("RGB").save(buffer, "PNG")
    upload = make_upload("cut.png", content=buffer.getvalue()[:-400])
    response = admin_client.post(
        reverse("admin:articles_image_add"), {"file": upload, "alt_text": "Cut"}
    )
    assert response.status_code == 200
    assert "valid image" in str(response.context["adminform"].form.errors["file"])


def test_a_big_truncated_jpeg_is_still_refused_in_the_request(admin_client, monkeypatch):
    # Decoded at an eighth of its size, but every byte of its data is still read.
    monkeypatch.setattr(images, "REQUEST_DECODE_PIXELS", 100 * 100)
    photo = jpeg_bytes(PILImage.effect_noise((800, 600), 60).convert("RGB"))
    upload = make_upload("cut.jpg", content=photo[: len(photo) // 2])
    response = admin_client.post(
        reverse("admin:articles_image_add"), {"file": upload, "alt_text": "Cut"}
    )
    assert response.status_code == 200
    assert "valid image" in str(response.context["adminform"].form.errors["file"])
    assert not Image.objects.exists()


# Bounded memory in the worker ----------------------------------------------------------


def test_a_jpeg_is_decoded_at_the_scale_its_renditions_need():
    photo = jpeg_bytes(PILImage.new("RGB", (3200, 2400), "navy"))
    picture = images.open_for_renditions(io.BytesIO(photo), scale=0.25)
    # draft: decoded straight at a quarter, never at full size.
    assert picture.size == (800, 600)
    assert images.open_for_renditions(io.BytesIO(photo), scale=1.0).size == (3200, 2400)


def test_other_formats_are_reduced_as_soon_as_they_are_decoded():
    buffer = io.BytesIO()
    PILImage.new("RGBA", (3200, 2400), (10, 20, 30, 128)).save(buffer, "PNG")
    picture = images.open_for_renditions(buffer, scale=0.25)
    assert picture.size == (800, 600) and picture.mode == "RGBA"


def test_reducing_a_transparent_picture_in_strips_matches_reducing_it_whole():
    picture = PILImage.effect_noise((1001, 700), 50).convert("RGBA")
    picture.putalpha(PILImage.linear_gradient("L").resize((1001, 700)))
    reduced = images._reduce(picture, 3)
    assert reduced.size == (334, 234)
    assert reduced.tobytes() == picture.reduce(3).tobytes()


def test_a_reduced_photo_is_still_turned_upright():
    photo = PILImage.new("RGB", (2000, 1000), (0, 0, 255))
    photo.paste((255, 0, 0), (0, 0, 1000, 1000))  # red on the left, shown on top
    exif = PILImage.Exif()
    exif[ORIENTATION] = 6
    picture = images.open_for_renditions(
        io.BytesIO(jpeg_bytes(photo, exif=exif.tobytes())), scale=0.25
    )
    assert picture.size == (250, 500)
    red, _green, blue = picture.getpixel((125, 100))
    assert red > 200 and blue < 60


def test_the_worker_makes_full_size_renditions_from_a_reduced_decode():
    image = make_image(
        file=make_upload(content=jpeg_bytes(PILImage.new("RGB", (4000, 3000), "olive"))),
        renditions=False,
    )
    image.create_renditions()
    sizes = set(image.renditions.filter(crop="").values_list("width", "height"))
    assert (1920, 1440) in sizes and (320, 240) in sizes
    # The admin's small square, and the one search engines are shown (articles/seo.py).
    squares = set(image.renditions.filter(crop="1:1").values_list("width", "height"))
    assert squares == {(320, 320), (1280, 1280)}
    assert set(image.renditions.filter(crop="4:3").values_list("width", "height")) == {(1280, 960)}


# The data migration --------------------------------------------------------------------


def _move_originals(direction):
    migration = __import__("articles.migrations.0009_originals_private", fromlist=["move_files"])
    function = {
        "forwards": migration.move_originals_to_private_storage,
        "backwards": migration.move_originals_back_to_media,
    }[direction]
    # What Django hands a RunPython function: the app registry and a schema editor,
    # of which the function only reads the connection.
    function(current_apps, SimpleNamespace(connection=connection))


def test_the_migration_moves_public_originals_to_private_storage(
    media_root, private_media_root, caplog
):
    moved = make_image(renditions=True)
    half_copied = make_image(renditions=False)
    missing = make_image(renditions=False)
    already_private = make_image(renditions=False)
    # As an older version left them: originals in the public media folder.
    for image in (moved, half_copied, missing):
        with image.file.open("rb") as original:
            default_storage.save(image.file.name, original)
        storages["originals"].delete(image.file.name)
    storages["originals"].save(half_copied.file.name, io.BytesIO(b"cut"))  # interrupted
    default_storage.delete(missing.file.name)

    _move_originals("forwards")
    _move_originals("forwards")  # a second run changes nothing

    assert not any(name.startswith("images/") for name in files_under(media_root))
    private = files_under(private_media_root)
    assert private == sorted(i.file.name for i in (moved, half_copied, already_private))
    with half_copied.file.open("rb") as file:
        PILImage.open(file).verify()  # the whole file, copied again
    assert f"The picture file {missing.file.name} is missing" in caplog.text
    assert Rendition.objects.filter(image=moved).exists()


def test_the_migration_moves_originals_back_when_unapplied(media_root, private_media_root):
    image = make_image(renditions=False)
    _move_originals("backwards")
    assert files_under(private_media_root) == []
    assert files_under(media_root) == [image.file.name]
    _move_originals("forwards")
    assert files_under(media_root) == []
    assert files_under(private_media_root) == [image.file.name]


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_back_and_forth_with_the_migration_executor(
    media_root, private_media_root
):
    from django.db.migrations.executor import MigrationExecutor

    image = make_image(renditions=False)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("articles", "0008_listing_indexes")])
    assert files_under(media_root) == [image.file.name]
    assert files_under(private_media_root) == []
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert files_under(media_root) == []
    assert files_under(private_media_root) == [image.file.name]
