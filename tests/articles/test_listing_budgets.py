"""Every public list runs the same queries on a small and a big archive, on any page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import pagination
from articles.models import Correction
from tests.factories import make_article, make_comment, make_tag, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(request, monkeypatch):
    """Publish ``request.param`` articles, each tagged, signed, commented and corrected."""
    # A bookmark every page, so the big archive's middle pages are found from one.
    monkeypatch.setattr(pagination, "BOOKMARK_PAGES", 1)
    tag, author = make_tag(slug="busy"), make_user(username="writer")
    for day in range(request.param):
        article = make_article(
            tags=[tag], authors=[author], published_at=timezone.now() - timedelta(days=day + 1)
        )
        make_comment(article)
        make_comment(article)
        Correction.objects.create(article=article, text="A name was misspelled.")
    return request.param


def _pages(count, per_page):
    last = max(1, -(-count // per_page))
    return sorted({1, (last + 1) // 2, last})


# The page's ids, those articles with their comment counts, their authors; the tag and
# author pages first find the tag or author; home's first page reads the front page's
# pins too (no sections here: tests/articles/test_front_page.py counts their blocks).
# No pictures here, so no renditions query.
LISTS = [("/", 3), ("/tag/busy/", 4), ("/author/writer/", 4)]
FRONT_PAGE_PINS = 1


@pytest.mark.parametrize("archive", [3, 60], indirect=True)
@pytest.mark.parametrize("path,queries", LISTS)
def test_list_pages_cost_the_same_at_any_size_and_depth(
    client, django_assert_num_queries, archive, path, queries
):
    for number in _pages(archive, 10):
        client.get(f"{path}?page={number}")  # counts once per generation
        extra = FRONT_PAGE_PINS if path == "/" and number == 1 else 0
        with django_assert_num_queries(queries + extra):
            response = client.get(f"{path}?page={number}")
        assert response.status_code == 200
        assert response.content.decode().count("2 comments</a>") == len(
            response.context["page_obj"]
        )


@pytest.mark.parametrize("archive", [3, 60], indirect=True)
def test_corrections_cost_the_same_at_any_size_and_depth(
    client, django_assert_num_queries, archive
):
    for number in _pages(archive, 20):
        client.get(f"/corrections/?page={number}")
        # the page's ids, those corrections with their articles
        with django_assert_num_queries(2):
            assert client.get(f"/corrections/?page={number}").status_code == 200


@pytest.mark.parametrize("archive", [3, 60], indirect=True)
@pytest.mark.parametrize("path,queries", [("/feed/", 5), ("/tag/busy/feed/", 6)])
def test_feeds_cost_the_same_at_any_size(client, django_assert_num_queries, archive, path, queries):
    client.get("/tag/busy/")  # the tag's count, which picks how its list is read
    # (the tag,) the newest ids, those articles with their comment counts, their
    # authors, their tags, the pictures their bodies show (full text; none here)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("archive", [3], indirect=True)
@pytest.mark.parametrize("page", ["2", "0", "-1", "abc", "99999999"])
def test_pages_that_do_not_exist_are_404(client, archive, page):
    for path in ["/", "/tag/busy/", "/author/writer/", "/corrections/"]:
        assert client.get(f"{path}?page={page}").status_code == 404, path


@pytest.mark.parametrize("archive", [25], indirect=True)
def test_the_last_page_is_found_by_its_name(client, archive):
    response = client.get("/?page=last")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 3
    assert "Page 3 of 3" in response.content.decode()
