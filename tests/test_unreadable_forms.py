"""Forms sent in a charset the site cannot read get a readable 400, never an empty 500."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.helpers import form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db

# An unmasked CSRF secret is a valid token, as the cookie every visitor carries.
CSRF_SECRET = "a" * 32
REFUSED_CHARSETS = ["latin-1", "ISO-8859-1", "windows-1252", "utf-16", "utf-32", "nonexistent", "é"]


@pytest.fixture
def visitor():
    """Return a client that checks CSRF as a browser's request is checked, with the cookie."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


def _comment_body(article, **fields):
    return urlencode({**form_data(article, **fields), "csrfmiddlewaretoken": CSRF_SECRET})


def _login_body():
    return urlencode(
        {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": CSRF_SECRET}
    )


def _assert_readable_400(response, charset):
    assert response.status_code == 400
    page = response.content.decode()
    assert "The request could not be read" in page
    assert f"character set “{charset}”" in page
    # The site's own page, with its header and stylesheet, like the 404 page.
    assert 'class="site-header"' in page
    assert "css/site.css" in page


@pytest.mark.parametrize("charset", REFUSED_CHARSETS)
def test_comment_form_in_another_charset_is_a_readable_400(visitor, charset):
    article = make_article()
    response = visitor.generic(
        "POST",
        reverse("comments:post", args=[article.pk]),
        _comment_body(article),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    _assert_readable_400(response, charset)
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("charset", REFUSED_CHARSETS)
def test_admin_login_in_another_charset_is_a_readable_400(visitor, charset):
    response = visitor.generic(
        "POST",
        reverse("admin:login"),
        _login_body(),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    _assert_readable_400(response, charset)


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8", "UTF_8", "us-ascii"])
def test_utf8_under_any_name_is_read(visitor, charset):
    article = make_article()
    response = visitor.generic(
        "POST",
        reverse("comments:post", args=[article.pk]),
        _comment_body(article, author="Zoë Reader"),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 302
    assert Comment.objects.get().name == "Zoë Reader"


def _multipart(fields, boundary="newsroomboundary", part_charset=None):
    """Return a multipart/form-data body, each part optionally declaring a charset."""
    lines = []
    for name, value in fields.items():
        lines.append(f"--{boundary}")
        lines.append(f'Content-Disposition: form-data; name="{name}"')
        if part_charset:
            lines.append(f"Content-Type: text/plain; charset={part_charset}")
        lines.append("")
        lines.append(value)
    lines.append(f"--{boundary}--")
    return "\r\n".join(lines).encode()


@pytest.mark.parametrize("charset", REFUSED_CHARSETS)
def test_multipart_form_in_another_charset_is_a_readable_400(visitor, charset):
    article = make_article()
    body = _multipart({**form_data(article), "csrfmiddlewaretoken": CSRF_SECRET})
    response = visitor.generic(
        "POST",
        reverse("comments:post", args=[article.pk]),
        body,
        content_type=f"multipart/form-data; boundary=newsroomboundary; charset={charset}",
    )
    _assert_readable_400(response, charset)
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("part_charset", ["latin-1", "utf-16", "nonexistent"])
def test_multipart_parts_declaring_odd_charsets_are_read_as_utf8(visitor, part_charset):
    article = make_article()
    fields = {**form_data(article, author="Zoë Reader"), "csrfmiddlewaretoken": CSRF_SECRET}
    response = visitor.generic(
        "POST",
        reverse("comments:post", args=[article.pk]),
        _multipart(fields, part_charset=part_charset),
        content_type="multipart/form-data; boundary=newsroomboundary",
    )
    # A part's own charset is not what the site reads by: the form is read as UTF-8.
    assert response.status_code == 302
    assert Comment.objects.get().name == "Zoë Reader"


def test_a_body_django_refuses_after_csrf_gets_the_400_page_not_an_empty_500(visitor, settings):
    # Too many fields: Django raises while reading request.POST, as for a foreign charset,
    # and its own error page would read the body again.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    article = make_article()
    fields = {**form_data(article), "csrfmiddlewaretoken": CSRF_SECRET}
    fields.update({f"extra{number}": "x" for number in range(20)})
    response = visitor.generic(
        "POST",
        reverse("comments:post", args=[article.pk]),
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_form_content_type_on_a_get_is_left_alone(visitor):
    # Only a POST's body is parsed as a form; a GET's query string is read as always.
    response = visitor.get(
        "/search/",
        {"q": "harbour"},
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    # Two segments: /no-such-page/ is a page's address (pages/), a view that is found.
    [("/no-such/page/", 404), ("/admin/", 400), ("/search/", 400), ("/no-such-page/", 400)],
)
def test_a_body_django_refuses_gets_a_page_wherever_it_is_sent(visitor, settings, path, status):
    # Not found, or found: either way no error page reads the body again.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = urlencode({f"field{number}": "x" for number in range(10)})
    response = visitor.generic("POST", path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == status
    assert 'class="error-page"' in response.content.decode()


def test_a_refused_admin_page_gets_the_sites_403_page(client):
    from tests.factories import make_user

    client.force_login(make_user(is_staff=True))
    response = client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()
