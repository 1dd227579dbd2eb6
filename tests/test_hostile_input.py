"""Odd or hostile addresses and parameters get a 4xx or a page, never a 500."""

import pytest

from tests.factories import make_article, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    make_tag(slug="harbour")
    return make_article(slug="the-story")


@pytest.mark.parametrize(
    "path",
    [
        "/?page=abc",
        "/?page=-1",
        "/?page=99999999999999999999",
        "{article}?cpage=abc",
        "{article}?cpage=-5",
        "{article}?replyto=abc",
        "{article}?replyto=99999999999999999999999",
        "{article}?replyto=%00",
        "/2026/13/45/the-story/",
        "/tag/%C3%A9t%C3%A9/",
        "/tag/harbour/?page=%00",
        "/search/?q=%00abc",
        "/search/?q=%25%5F%5C",
        "/search/?q=" + "word%20" * 400,
        "/author/%00/",
        "/author/a%00b/",
        "/preview/shared/%00/",
        "/sitemap.xml?p=abc",
        "/corrections/?page=%00",
        "/feed/?page=2",
    ],
)
def test_public_addresses_never_answer_500(client, article, path):
    response = client.get(path.format(article=article.get_absolute_url()))
    assert response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/admin/articles/article/?q=%00",
        "/admin/articles/image/?q=%00",
        "/admin/articles/tag/?q=%00",
        "/admin/comments/comment/?q=%00",
        "/admin/autocomplete/?app_label=articles&model_name=article&field_name=tags&term=%00",
        "/admin/comments/comment/?status=%00",
        "/admin/articles/article/?status__exact=%00",
        "/admin/editor/images/?q=%00",
    ],
)
def test_admin_searches_never_answer_500(admin_client, path):
    assert admin_client.get(path).status_code < 500


def test_nul_in_an_address_is_a_clear_400(client):
    response = client.get("/search/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert b"NUL" in response.content
