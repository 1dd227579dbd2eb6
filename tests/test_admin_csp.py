"""The admin's Content-Security-Policy, and the editor page's looser one."""

import pytest
from django.urls import reverse

from articles.editor import editor_content_security_policy
from tests.factories import make_article, make_staff

pytestmark = pytest.mark.django_db

POLICY = "Content-Security-Policy"


def directives(response):
    return {
        part.split()[0]: part.split()[1:] for part in response[POLICY].split(";") if part.strip()
    }


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/image/add/",
        "/admin/articles/image/choose/",
        "/admin/comments/comment/",
        "/admin/axes/accessattempt/",
        "/admin/editor/images/",
    ],
)
def test_admin_pages_without_the_editor_allow_no_inline_script_or_style(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_login_page_and_the_lockout_page_carry_the_admin_policy(client):
    assert directives(client.get("/admin/login/"))["script-src"] == ["'self'"]
    for _ in range(5):
        locked = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert locked.status_code == 429
    assert directives(locked)["script-src"] == ["'self'"]


@pytest.mark.parametrize("page", ["add", "change"])
def test_the_article_form_allows_what_ckeditor_needs_and_no_more(admin_client, page):
    url = (
        reverse("admin:articles_article_add")
        if page == "add"
        else reverse("admin:articles_article_change", args=[make_article().pk])
    )
    response = admin_client.get(url)
    assert "ckeditor/ckeditor/ckeditor.js" in response.content.decode()
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-eval'" not in response[POLICY]
    assert policy["img-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_a_read_only_article_shows_no_editor_and_keeps_the_strict_policy(client):
    reporter = make_staff("Reporters")
    published = make_article(authors=[reporter])
    client.force_login(reporter)
    response = client.get(reverse("admin:articles_article_change", args=[published.pk]))
    assert response.status_code == 200
    assert "ckeditor.js" not in response.content.decode()
    assert directives(response)["script-src"] == ["'self'"]


def test_pictures_on_another_host_are_allowed_in_the_admin_and_the_editor(admin_client, settings):
    settings.MEDIA_URL = "https://media.example.net/newsroom/"
    assert directives(admin_client.get("/admin/"))["img-src"] == [
        "'self'",
        "https://media.example.net",
    ]
    editor_page = admin_client.get(reverse("admin:articles_article_add"))
    assert directives(editor_page)["img-src"] == ["'self'", "https://media.example.net"]


def test_the_editor_policy_adds_directives_the_admin_policy_lacks():
    assert editor_content_security_policy("default-src 'self'; object-src 'none'") == (
        "default-src 'self'; object-src 'none'; "
        "script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'"
    )


def test_the_admin_policy_is_configurable(admin_client, settings):
    settings.ADMIN_CONTENT_SECURITY_POLICY = "default-src 'self'; report-uri /csp/"
    assert admin_client.get("/admin/")[POLICY] == "default-src 'self'; report-uri /csp/"
    editor_page = admin_client.get(reverse("admin:articles_article_add"))
    assert "report-uri /csp/" in editor_page[POLICY]
    assert directives(editor_page)["script-src"] == ["'self'", "'unsafe-inline'"]
