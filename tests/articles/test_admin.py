import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import revisions
from articles.editor import editor_picture_url
from articles.models import Article, ArticleRevision, Image
from articles.pagination import CappedCountPaginator
from tests.factories import (
    inline_management_data,
    make_article,
    make_image,
    make_tag,
    make_upload,
    make_user,
)

pytestmark = pytest.mark.django_db


def _article_form(**overrides):
    data = {
        "headline": "Bridge reopens after repairs",
        "slug": "bridge-reopens",
        "standfirst": "Traffic flows again from Monday.",
        # What CKEditor posts: HTML, here with things the sanitiser must remove.
        "body": (
            '<p>The <strong>old bridge</strong> is open. <a href="https://example.org">More</a>'
            '</p><p onclick="steal()">Quote</p><script>alert(1)</script>'
        ),
        "status": "published",
        "published_at_0": "2026-01-05",
        "published_at_1": "09:30:00",
        "allow_comments": "on",
        "byline": "",
    }
    data.update(inline_management_data())
    data.update(overrides)
    return data


def test_admin_adds_an_article_with_ckeditor_body(admin_client, admin_user):
    tag = make_tag()
    image = make_image()
    data = _article_form(tags=[tag.pk], featured_image=image.pk)
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="bridge-reopens")
    assert article.body == (
        '<p>The <strong>old bridge</strong> is open. <a href="https://example.org" '
        'rel="noopener noreferrer">More</a></p><p>Quote</p>'
    )
    assert list(article.tags.all()) == [tag]
    assert article.featured_image == image
    assert list(article.authors.all()) == [admin_user]
    assert article.is_public


def test_admin_add_page_loads_ckeditor_with_our_upload_view(admin_client):
    html = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "ckeditor/ckeditor/ckeditor.js" in html
    assert "articles/editor-csrf.js" in html
    assert reverse("editor-image-upload") in html
    assert "/ckeditor/upload/" not in html


def test_admin_change_keeps_editors_text_on_duplicate_slug(admin_client):
    make_article(slug="taken")
    data = _article_form(slug="taken", headline="My carefully typed headline")
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "slug" in form.errors
    assert "already exists" in str(form.errors["slug"])
    assert "My carefully typed headline" in response.content.decode()


def _changelist_queries(admin_client, params):
    url = reverse("admin:articles_article_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params", [{}, {"p": "2"}, {"status__exact": "published"}, {"q": "headline"}]
)
def test_admin_changelist_query_count_is_the_same_at_two_sizes(admin_client, monkeypatch, params):
    from articles.admin import ArticleAdmin

    # Several pages at both sizes (one page skips the paginator's query for the ids).
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 5)
    counts = []
    for size in (12, 60):
        while Article.objects.count() < size:
            make_article(authors=[make_user()], tags=[make_tag()])
        counts.append(_changelist_queries(admin_client, params))
    assert counts[0] == counts[1] <= 12


def test_admin_changelist_counts_no_further_than_its_cap(admin_client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 4)
    for _ in range(6):
        make_article()
    url = reverse("admin:articles_article_changelist")
    html = admin_client.get(url).content.decode()
    assert "More than 4 articles" in html
    assert "6 articles" not in html and "6 total" not in html
    few = admin_client.get(url, {"status__exact": "draft"}).content.decode()
    assert "0 articles" in few and "More than" not in few


def test_admin_changelist_has_no_date_hierarchy_or_facet_counts(admin_client):
    make_article()
    url = reverse("admin:articles_article_changelist")
    response = admin_client.get(url, {"_facets": "1"})
    assert response.status_code == 200
    assert "xfull" not in response.content.decode()
    assert not response.context["cl"].date_hierarchy
    assert not response.context["cl"].add_facets


def test_admin_search_is_the_readers_search_over_every_status(admin_client):
    make_article(headline="Harbour news", body="<p>The ferries return.</p>")
    make_article(headline="Ferry timetable draft", status=Article.Status.DRAFT)
    make_article(headline="Market day")
    url = reverse("admin:articles_article_changelist")
    # Stemmed, as readers' search is: "ferry" finds "ferries".
    found = admin_client.get(url, {"q": "ferry"}).context["cl"].result_list
    assert sorted(a.headline for a in found) == ["Ferry timetable draft", "Harbour news"]
    drafts = admin_client.get(url, {"q": "ferry", "status__exact": "draft"})
    assert [a.headline for a in drafts.context["cl"].result_list] == ["Ferry timetable draft"]


def test_admin_changelist_filters_and_search(admin_client):
    make_article(headline="Harbour news", status=Article.Status.DRAFT)
    make_article(headline="Market day")
    url = reverse("admin:articles_article_changelist")
    drafts = admin_client.get(url, {"status__exact": "draft"})
    assert [a.headline for a in drafts.context["cl"].result_list] == ["Harbour news"]
    found = admin_client.get(url, {"q": "market"})
    assert [a.headline for a in found.context["cl"].result_list] == ["Market day"]


def test_admin_bulk_publish_and_unpublish(admin_client):
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(3)]
    url = reverse("admin:articles_article_changelist")
    ids = [a.pk for a in drafts]
    admin_client.post(url, {"action": "publish", "_selected_action": ids})
    assert Article.objects.published().count() == 3
    admin_client.post(url, {"action": "unpublish", "_selected_action": ids})
    assert Article.objects.published().count() == 0


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("publish", Article.Status.DRAFT),
        ("unpublish", Article.Status.PUBLISHED),
        ("submit_for_review", Article.Status.DRAFT),
    ],
)
def test_admin_bulk_action_is_undone_when_a_revision_cannot_be_written(
    admin_client, monkeypatch, action, status
):
    articles = [make_article(status=status) for _ in range(2)]
    real_record = revisions.record
    calls = []

    def fail_on_second(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("revision store unavailable")
        return real_record(*args, **kwargs)

    monkeypatch.setattr(revisions, "record", fail_on_second)
    url = reverse("admin:articles_article_changelist")
    with pytest.raises(RuntimeError):
        admin_client.post(url, {"action": action, "_selected_action": [a.pk for a in articles]})
    assert len(calls) == 2
    assert set(Article.objects.values_list("status", flat=True)) == {status}
    assert not ArticleRevision.objects.exists()


def test_admin_image_upload_records_uploader_and_size(admin_client, admin_user):
    data = {
        "file": make_upload(size=(300, 200)),
        "alt_text": "A harbour at dusk",
        "caption": "Boats in the harbour",
        "credit": "Reuters",
    }
    response = admin_client.post(reverse("admin:articles_image_add"), data)
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height, image.uploaded_by) == (300, 200, admin_user)


def test_admin_refuses_image_without_alt_text(admin_client):
    data = {"file": make_upload(), "alt_text": "", "caption": "Kept caption"}
    response = admin_client.post(reverse("admin:articles_image_add"), data)
    assert response.status_code == 200
    assert "alt_text" in response.context["adminform"].form.errors
    assert "Kept caption" in response.content.decode()
    assert not Image.objects.exists()


def test_admin_refuses_a_text_file_named_jpg(admin_client):
    data = {
        "file": make_upload(name="photo.jpg", content=b"just some text, not a picture"),
        "alt_text": "Something",
    }
    response = admin_client.post(reverse("admin:articles_image_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert "valid image" in str(errors)
    assert not Image.objects.exists()


def test_admin_image_list_shows_thumbnails(admin_client):
    image = make_image()
    html = admin_client.get(reverse("admin:articles_image_changelist")).content.decode()
    thumbnail = image.renditions.get(crop="1:1", format="webp")
    assert thumbnail.url in html
    assert image.file.name not in html


def test_admin_autocomplete_finds_images_by_credit(admin_client):
    make_image(credit="Agence Exemple")
    make_image(credit="Reuters")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "featured_image",
            "term": "exemple",
        },
    )
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_admin_header_says_newsroom(admin_client):
    assert b"Newsroom" in admin_client.get(reverse("admin:index")).content


def test_view_on_site_points_at_the_permalink(admin_client):
    article = make_article()
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b"View on site" in html


def test_editor_upload_creates_an_image_without_inventing_alt_text(admin_client):
    response = admin_client.post(
        reverse("editor-image-upload"),
        {"upload": make_upload(name="river_bank.png", image_format="PNG")},
    )
    assert response.status_code == 200
    payload = response.json()
    image = Image.objects.get()
    url = editor_picture_url(image.file.name)
    assert payload == {"uploaded": 1, "fileName": image.file.name, "url": url}
    # The file's name is no description of the picture: the editor asks for one.
    assert image.alt_text == ""
    assert "river_bank.png" in image.description


def test_editor_upload_named_inline_gets_no_alt_text(admin_client):
    response = admin_client.post(
        reverse("editor-image-upload") + "?responseType=json",
        {"upload": make_upload(name="inline.jpg")},
    )
    assert response.status_code == 200
    assert Image.objects.get().alt_text == ""


def test_editor_upload_refuses_non_images(admin_client):
    response = admin_client.post(
        reverse("editor-image-upload"), {"upload": make_upload(content=b"<svg onload=x>")}
    )
    assert response.status_code == 400
    assert response.json()["uploaded"] == 0
    assert "valid image" in response.json()["error"]["message"]
    assert not Image.objects.exists()


def test_editor_upload_is_staff_only(client):
    reader = make_user()
    client.force_login(reader)
    response = client.post(reverse("editor-image-upload"), {"upload": make_upload()})
    assert response.status_code == 302
    assert not Image.objects.exists()


def test_editor_upload_requires_csrf_token(admin_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    response = strict.post(reverse("editor-image-upload"), {"upload": make_upload()})
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_editors_group_can_write_articles():
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "add_image", "change_tag"} <= codenames


def test_a_saved_pictures_file_cannot_be_replaced(admin_client):
    image = make_image(caption="Old caption")
    original = image.file.name
    url = reverse("admin:articles_image_change", args=[image.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="file"' not in page
    response = admin_client.post(
        url,
        {
            "file": make_upload(name="other.jpg", size=(30, 30)),
            "alt_text": image.alt_text,
            "caption": "New caption",
            "credit": image.credit,
        },
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.caption == "New caption"
    assert image.file.name == original


def test_admin_article_list_filters_by_tag_from_the_tag_list(admin_client):
    tag = make_tag(name="Harbour", slug="harbour")
    make_article(headline="Ferry returns", tags=[tag])
    make_article(headline="Market day", tags=[make_tag()])
    tags = admin_client.get(reverse("admin:articles_tag_changelist")).content.decode()
    link = f"{reverse('admin:articles_article_changelist')}?tag=harbour"
    assert f'href="{link}"' in tags
    response = admin_client.get(link)
    assert [a.headline for a in response.context["cl"].result_list] == ["Ferry returns"]
    assert "Harbour" in response.content.decode()
    unfiltered = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "?tag=" not in unfiltered


def test_byline_choices_are_staff_and_former_staff_with_bylines_each_once(admin_client):
    reporter = make_user(is_staff=True, username="staff-reporter")
    former = make_user(is_staff=False, username="former-reporter")
    make_user(is_staff=False, username="a-reader")
    make_article(authors=[former])
    make_article(authors=[former])
    article = make_article(authors=[reporter])
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    select = html.content.decode().split('name="authorships-0-author"', 1)[1].split("</select>")[0]
    assert select.count(f'value="{reporter.pk}"') == 1
    assert select.count(f'value="{former.pk}"') == 1
    assert "a-reader" not in select
