"""Pictures from a WordPress export: --media-dir, --fetch-media, validation, bodies."""

import functools
import http.server
import threading
from io import StringIO

import pytest
from django.core.management import call_command

from articles.editor import library_src
from articles.models import Article, Image
from comments.models import Comment
from tests.factories import make_picture_bytes, prime_page_furniture

from .wxr import SITE, attachment, author, comment, export, item

pytestmark = pytest.mark.django_db


def run_import(tmp_path, text, *args):
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def uploads(tmp_path):
    """A copy of wp-content/uploads with one good picture, a fake one and a document."""
    folder = tmp_path / "uploads"
    (folder / "2019/03").mkdir(parents=True)
    (folder / "2019/03/boats.jpg").write_bytes(make_picture_bytes(size=(120, 80)))
    (folder / "2019/03/fake.jpg").write_bytes(b"<?php echo 'not a picture'; ?>")
    (folder / "2019/03/minutes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "secret.jpg").write_bytes(make_picture_bytes())
    return folder


def site_with_pictures():
    body = (
        f'<a href="{SITE}/wp-content/uploads/2019/03/boats.jpg">'
        f'<img src="{SITE}/wp-content/uploads/2019/03/boats-300x200.jpg" alt="Boats"></a>\n\n'
        f'[caption id="attachment_50" width="300"]<img src="{SITE}/wp-content/uploads/2019/03/'
        'boats.jpg" alt="Boats again"> Boats at dawn[/caption]\n\n'
        f'<img src="{SITE}/wp-content/uploads/2019/03/gone.jpg" alt="Gone">'
    )
    return export(
        author(),
        attachment(50, "2019/03/boats.jpg", caption="Boats at dawn"),
        attachment(51, "2019/03/fake.jpg"),
        attachment(52, "2019/03/minutes.pdf"),
        attachment(53, "2019/03/missing.jpg"),
        attachment(54, "../secret.jpg"),
        item(10, slug="with-pictures", body=body, meta={"_thumbnail_id": "50"}),
        item(11, slug="lost-picture", meta={"_thumbnail_id": "53"}),
    )


def test_pictures_come_from_the_media_dir_and_bodies_point_at_them(tmp_path, uploads):
    report = run_import(tmp_path, site_with_pictures(), "--media-dir", str(uploads))
    image = Image.objects.get()
    assert image.alt_text == "Boats leaving the harbour"
    assert image.caption == "Boats at dawn"
    assert image.description == "Taken from the harbour wall."
    assert (image.width, image.height) == (120, 80)
    article = Article.objects.get(slug="with-pictures")
    assert article.featured_image == image
    src = library_src(image.file.name)
    assert article.body.count(f'<img src="{src}"') == 2
    assert (
        "<figure><img" in article.body and "<figcaption>Boats at dawn</figcaption>" in article.body
    )
    assert SITE not in article.body and "old.example" not in article.body
    assert list(article.body_images.all()) == [image]
    assert "attachment 51 “Boats at dawn”: refused: Upload a valid image" in report
    assert "“Boats at dawn”: not a picture" in report  # the PDF
    assert "missing media file: 2019/03/missing.jpg is not in --media-dir" in report
    assert "its path leads outside --media-dir" in report
    assert "picture removed from the body (not imported): " + SITE in report
    assert "its featured picture (attachment 53) was not imported" in report
    assert Article.objects.get(slug="lost-picture").featured_image is None
    # A second run finds the picture it made, and makes no other.
    run_import(tmp_path, site_with_pictures(), "--media-dir", str(uploads))
    assert Image.objects.count() == 1


def test_without_media_every_picture_is_reported_missing(tmp_path):
    report = run_import(tmp_path, export(author(), attachment(50, "2019/03/boats.jpg")))
    assert not Image.objects.exists()
    assert "missing media file: give --media-dir or --fetch-media" in report


@pytest.fixture
def old_site(uploads):
    """The old site's uploads served over HTTP on this machine, as --fetch-media finds them."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(uploads.parent))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetched_export(base):
    return export(
        author(),
        item(
            50,
            title="Boats",
            slug="boats",
            status="inherit",
            post_type="attachment",
            attachment_url=f"{base}/wp-content/uploads/2019/03/boats.jpg",
            meta={"_wp_attached_file": "2019/03/boats.jpg"},
        ),
        item(
            51,
            title="Fake",
            slug="fake",
            status="inherit",
            post_type="attachment",
            attachment_url=f"{base}/wp-content/uploads/2019/03/fake.jpg",
        ),
        item(
            52,
            title="Gone",
            slug="gone",
            status="inherit",
            post_type="attachment",
            attachment_url=f"{base}/wp-content/uploads/2019/03/gone.jpg",
        ),
    )


def test_fetch_media_downloads_and_validates(tmp_path, uploads, old_site):
    (uploads.parent / "wp-content").symlink_to(uploads.parent)
    (uploads.parent / "wp-content" / "uploads").exists() or (uploads.parent / "uploads").rename(
        uploads.parent / "uploads"
    )
    report = run_import(tmp_path, fetched_export(old_site), "--fetch-media")
    image = Image.objects.get()
    assert image.alt_text == "Boats"
    assert "“Fake”: refused: Upload a valid image" in report
    assert "“Gone”: could not be downloaded (HTTP Error 404" in report


def test_fetch_media_refuses_files_over_the_upload_limit(tmp_path, uploads, old_site, settings):
    (uploads.parent / "wp-content").symlink_to(uploads.parent)
    settings.IMAGE_MAX_UPLOAD_MB = 0
    report = run_import(tmp_path, fetched_export(old_site), "--fetch-media")
    assert not Image.objects.exists()
    assert "larger than 0 MB" in report


@pytest.mark.parametrize("threads", [2, 30])
def test_imported_article_with_threaded_comments_renders_within_its_budget(
    tmp_path, client, django_assert_num_queries, threads
):
    comments = []
    for thread in range(threads):
        start = thread * 10 + 1
        comments.append(comment(start))
        comments += [comment(start + depth, parent=start + depth - 1) for depth in range(1, 5)]
    run_import(tmp_path, export(author(), item(10, slug="talked-about", comments=comments)))
    article = Article.objects.get()
    assert Comment.objects.filter(article=article).count() == threads * 5
    prime_page_furniture()
    # The article (with its counts), its tags, its authors, the page's thread starts
    # with their count, the page's comments: the same at any number of threads.
    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="comment depth-5"') == min(threads, 50)
