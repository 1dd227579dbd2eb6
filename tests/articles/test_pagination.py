"""The listing paginator: the same pages as Django's, without counting or building skipped rows."""

from datetime import timedelta

import pytest
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import pagination
from articles.models import Article
from articles.pagination import ListingPaginator, cached_count
from newsroom import pagecache
from tests.factories import make_article, make_comment, make_tag, make_user

pytestmark = pytest.mark.django_db


def _archive(count, tag=None):
    """Create ``count`` articles, some sharing a publication time, as imports do."""
    start = timezone.now() - timedelta(days=1)
    for number in range(count):
        # Pairs share a second, so the id has to break ties.
        make_article(published_at=start - timedelta(minutes=number // 2), tags=[tag] if tag else [])


def _paginator(queryset, per_page, name="test"):
    return ListingPaginator(
        queryset,
        per_page,
        count=cached_count(queryset, name),
        prepare=lambda rows: rows.for_listing(),
        name=name,
    )


@pytest.mark.parametrize("orphans", [0, 2])
def test_every_page_matches_djangos_paginator(monkeypatch, orphans):
    # Bookmarks every two pages, so a short list has pages reached each way: from the
    # start, from the end, and from a bookmark.
    monkeypatch.setattr(pagination, "BOOKMARK_PAGES", 2)
    _archive(47)
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(hours=1))
    queryset = Article.objects.published()
    expected = Paginator(queryset, 3, orphans=orphans)
    paginator = ListingPaginator(
        queryset, 3, count=cached_count(queryset, "all"), name="all", orphans=orphans
    )
    assert paginator.num_pages == expected.num_pages
    for number in expected.page_range:
        assert list(paginator.page(number)) == list(expected.page(number)), number


def test_a_tags_pages_match_djangos_paginator(monkeypatch):
    monkeypatch.setattr(pagination, "BOOKMARK_PAGES", 1)
    tag = make_tag()
    _archive(23, tag=tag)
    _archive(5)
    queryset = Article.objects.published().filter(tags=tag)
    expected = Paginator(queryset, 4)
    paginator = _paginator(queryset, 4, name=f"tag:{tag.pk}")
    for number in expected.page_range:
        assert list(paginator.page(number)) == list(expected.page(number)), number


def test_page_rows_carry_the_listing_annotations_and_keep_the_order():
    _archive(5)
    first = Article.objects.published()[0]
    make_comment(first)
    page = _paginator(Article.objects.published(), 2).page(1)
    assert [article.comment_count for article in page] == [1, 0]
    assert page[0] == first


def test_pages_beyond_either_end_do_not_exist():
    _archive(4)
    paginator = _paginator(Article.objects.published(), 2)
    for number in [0, -1, 3]:
        with pytest.raises(EmptyPage):
            paginator.page(number)


def test_deep_and_last_pages_cost_the_queries_of_the_first(monkeypatch):
    monkeypatch.setattr(pagination, "BOOKMARK_PAGES", 1)
    _archive(30)
    queryset = Article.objects.published()
    _paginator(queryset, 3).page(5)  # counts and finds the bookmarks once
    for number in [1, 5, 10]:
        # the page's ids, those rows with their comment counts, their authors
        with CaptureQueriesContext(connection) as queries:
            list(_paginator(queryset, 3).page(number))
        assert len(queries) == 3, number


def test_the_count_is_kept_until_the_page_cache_moves_on():
    _archive(3)
    queryset = Article.objects.published()
    assert _paginator(queryset, 2).count == 3
    make_article()
    assert _paginator(queryset, 2).count == 3
    pagecache.invalidate()
    assert _paginator(queryset, 2).count == 4


def test_the_count_is_not_kept_past_the_next_scheduled_publication(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _archive(3)
    make_article(published_at=timezone.now() + timedelta(minutes=10))
    queryset = Article.objects.published()
    assert _paginator(queryset, 2).count == 3
    time_machine.shift(timedelta(minutes=5))
    assert _paginator(Article.objects.published(), 2).count == 3
    time_machine.shift(timedelta(minutes=6))
    assert _paginator(Article.objects.published(), 2).count == 4


def test_lists_without_a_name_are_counted_each_time():
    _archive(3)
    queryset = Article.objects.published()
    assert ListingPaginator(queryset, 2).count == 3
    make_article()
    assert ListingPaginator(queryset, 2).count == 4


def test_big_and_small_tags_list_the_same_articles_whichever_way_they_are_read():
    big, small = make_tag(), make_tag()
    start = timezone.now() - timedelta(days=1)
    for number in range(40):
        tags = [big, small] if number == 7 else [big] if number % 2 else []
        make_article(published_at=start - timedelta(minutes=number // 2), tags=tags)
    make_article(status=Article.Status.DRAFT, tags=[big, small])
    for tag in (big, small):
        expected = list(Article.objects.published().filter(tags=tag))
        assert list(pagination.tagged(tag)) == expected
    # 20 of 40 is a big tag, read by walking the article index; 1 of 40 a small one.
    assert "EXISTS" in str(pagination.tagged(big).query)
    assert "EXISTS" not in str(pagination.tagged(small).query)


def test_prolific_and_occasional_authors_list_the_same_articles_whichever_way_read(client):
    prolific, occasional = make_user(username="prolific"), make_user(username="occasional")
    start = timezone.now() - timedelta(days=1)
    for number in range(40):
        authors = [prolific, occasional] if number == 7 else [prolific] if number % 2 else []
        make_article(published_at=start - timedelta(minutes=number // 2), authors=authors)
    make_article(status=Article.Status.DRAFT, authors=[prolific, occasional])
    for user in (prolific, occasional):
        expected = list(Article.objects.published().filter(authors=user))
        assert list(pagination.authored(user)) == expected
    # 20 of 40 bylines: read by walking the article index; 1 of 40 from the bylines.
    assert "EXISTS" in str(pagination.authored(prolific).query)
    assert "EXISTS" not in str(pagination.authored(occasional).query)
    # The author page lists them the same, newest first, and counts them once.
    response = client.get("/author/prolific/")
    assert response.context["paginator"].count == 20
    newest = Article.objects.published().filter(authors=prolific).order_by("-published_at", "-pk")
    assert list(response.context["article_list"]) == list(newest[:10])
