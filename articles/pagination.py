"""Pages of long, newest-first lists that cost the same on page 1 and page 10,000.

Why not Django's plain ``Paginator`` over ``for_listing()``: it counts every row on every
request, and its ``OFFSET`` makes the database build each skipped row, comment-count
subquery included, before throwing it away, so page 10,000 of home took 0.6-2 s.
``ListingPaginator`` instead

- picks the page's primary keys first, from the ordered, unannotated list (an index-only
  scan on ``article_listing_idx``, or the tag and author indexes), then fetches and
  annotates only those rows (``prepare``, e.g. ``for_listing``);
- reads the count from the cache (``cached_count``);
- near either end of the list, skips rows with an ``OFFSET`` from the nearer end (the
  last page is as cheap as the first); deeper in, starts from a bookmark: the sort key
  of every ``BOOKMARK_PAGES``-th page's first row, found with one window query over the
  list's index and cached like the count, so the ``OFFSET`` never passes more than
  ``BOOKMARK_PAGES`` pages of keys, whatever the page number.

The count and the bookmarks are cached under the page cache's generation (any change
staff make, or a published comment, starts afresh) and never kept past the next
scheduled publication, the one change to a list that moves no generation. Each costs
one scan of the list's index once per generation, never per request.
"""

import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import Mod, RowNumber
from django.utils.functional import cached_property

from newsroom import pagecache
from newsroom.caching import remembered

logger = logging.getLogger(__name__)

# A count is kept at most this long even when nothing is scheduled.
COUNT_SECONDS = 3600
# Pages between bookmarks: the most an OFFSET walks is this many pages' keys.
BOOKMARK_PAGES = 20


def cached(name, compute, seconds=COUNT_SECONDS):
    """Return ``compute()``, cached under ``name`` for the page cache's current generation.

    Kept no later than the next scheduled publication: the only change to what readers
    see that moves no generation.
    """
    return remembered(
        lambda: f"listing:{pagecache.generation()}:{name}",
        compute,
        lambda: pagecache.seconds_to_keep(seconds),
        name,
    )


def cached_count(queryset, name):
    """Return a function that counts ``queryset`` once per generation (see ``cached``)."""
    return lambda: cached(f"count:{name}", queryset.count)


class ListingPaginator(Paginator):
    """Paginate an ordered queryset by its primary keys, then fetch only the page's rows.

    ``object_list`` is the list as readers see it, ordered and without annotations (they
    would be evaluated for every skipped row); its ordering must end with a unique field
    (``-pk``), so that a sort key names one row. ``count`` is a function returning how
    many rows it holds, cheap on repeat calls (``cached_count``); by default the
    queryset is counted. ``prepare`` turns a queryset of the page's rows into what the
    template needs (``lambda rows: rows.for_listing()``). ``name`` (unique per list)
    caches the bookmarks of deep pages; without it deep pages are found by OFFSET alone.
    Page numbers outside ``1..num_pages`` raise ``EmptyPage`` as Django's paginator
    does, which list views answer with a 404.
    """

    # True when ``count`` stopped short of the whole list (``CappedCountPaginator``): the
    # list's end is then unknown, so pages are never found from it.
    capped = False

    def __init__(self, object_list, per_page, *, count=None, prepare=None, name=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count_function = count or object_list.count
        self._prepare = prepare or (lambda rows: rows)
        self.name = name

    @cached_property
    def count(self):
        return self._count_function()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    @cached_property
    def _ordering(self):
        """Return the list's sort fields as ``(name, descending)`` pairs."""
        query = self.object_list.query
        names = query.order_by or self.object_list.model._meta.ordering
        if not query.standard_ordering:
            names = [name[1:] if name.startswith("-") else f"-{name}" for name in names]
        return [(name.lstrip("-"), name.startswith("-")) for name in names]

    def _page_ids(self, bottom, top):
        keys = self.object_list.values_list("pk", flat=True)
        step = BOOKMARK_PAGES * self.per_page
        from_end = self.count - top
        if min(bottom, from_end) < step or self.name is None:
            if from_end < bottom and not self.capped:
                # Nearer the end: walk the index backwards.
                return list(keys.reverse()[from_end : self.count - bottom])[::-1]
            return list(keys[bottom:top])
        bookmarks = cached(f"bookmarks:{self.name}:{step}", self._bookmarks)
        if not bookmarks:
            return list(keys[bottom:top])
        index = min(bottom // step, len(bookmarks) - 1)
        skip = bottom - index * step
        # The bookmark's bound comes first in the WHERE clause: SQLite starts its index
        # scan at the first bound it reads on a column (here, before "published by now").
        model = self.object_list.model
        after = (
            model._default_manager.filter(self._at_or_after(bookmarks[index])) & self.object_list
        )
        keys = after.values_list("pk", flat=True)
        return list(keys[skip : skip + top - bottom])

    def _bookmarks(self):
        """Return the sort key of every ``step``-th row, in list order (one window query)."""
        step = BOOKMARK_PAGES * self.per_page
        fields = [name for name, _ in self._ordering]
        order = [
            F(name).desc() if descending else F(name).asc() for name, descending in self._ordering
        ]
        return list(
            self.object_list.order_by()
            .annotate(_row=Window(RowNumber(), order_by=order))
            .annotate(_bookmark=Mod("_row", step))
            .filter(_bookmark=1 % step)
            .order_by("_row")
            .values_list(*fields)
        )

    def _at_or_after(self, values):
        """Return the condition "at ``values``' row or later in the list's order".

        The first field's bound stands alone as well as inside the OR, so the database
        can start its index scan there.
        """

        def at_or_after(ordering, values):
            (name, descending), *rest = ordering
            before, at = ("lt", "lte") if descending else ("gt", "gte")
            if not rest:
                return Q(**{f"{name}__{at}": values[0]})
            later = Q(**{f"{name}__{before}": values[0]}) | (
                Q(**{name: values[0]}) & at_or_after(rest, values[1:])
            )
            return Q(**{f"{name}__{at}": values[0]}) & later

        return at_or_after(self._ordering, values)

    def _rows(self, bottom, top):
        if top <= bottom:
            return []
        return rows_in_order(self.object_list, self._page_ids(bottom, top), self._prepare)


def rows_in_order(queryset, ids, prepare):
    """Return ``prepare(queryset)``'s rows with these ids, in the ids' order."""
    # The list's own queryset keeps its select_related, prefetches and annotations.
    rows = prepare(queryset.filter(pk__in=ids).order_by())
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def first_rows(queryset, number, prepare):
    """Return the first ``number`` rows of ``queryset``, annotated by ``prepare`` alone."""
    return rows_in_order(queryset, list(queryset.values_list("pk", flat=True)[:number]), prepare)


# A tag or an author holding at least this share of all published articles is read by
# walking the newest-first index and probing the tag (or byline) per article: a page then
# costs its own rows. A smaller one is read from its own index and sorted, which costs
# its size.
BIG_TAG_SHARE = 0.05


def _in_the_cheaper_form(published, joined, membership, name):
    """Return ``joined``, or ``published`` filtered on ``membership``, whichever reads less.

    Both list the same rows. For a tag on a quarter of the archive, joining from the tag
    sorts its 25,000 articles on every page (SQLite does, and PostgreSQL plans it for
    deep pages); walking the article index finds a page after about four articles per
    row. For a small tag that walk would cross the whole archive, and sorting its few
    hundred rows is cheap. The choice reads the two cached counts; ``name`` is the
    list's (``listing_paginator``), so its count is the one the page shows.
    """
    size = cached_count(joined, name)()
    if size < BIG_TAG_SHARE * cached_count(published, "home")():
        return joined
    return published.filter(Exists(membership))


def tagged(tag):
    """Return the published articles with ``tag``, newest first, in the cheaper form."""
    from .models import Article

    published = Article.objects.published()
    through = Article.tags.through.objects.filter(article=OuterRef("pk"), tag=tag)
    return _in_the_cheaper_form(published, published.filter(tags=tag), through, f"tag:{tag.pk}")


def authored(user):
    """Return the published articles ``user`` has a byline on, newest first, cheaply.

    As ``tagged``: an author of a quarter of the archive (25,000 articles) cost SQLite a
    sort of all of them on every page of theirs.
    """
    from .models import Article, ArticleAuthor

    published = Article.objects.published()
    bylines = ArticleAuthor.objects.filter(article=OuterRef("pk"), author=user)
    joined = published.filter(authors=user)
    return _in_the_cheaper_form(published, joined, bylines, f"author:{user.pk}")


class CappedCountPaginator(ListingPaginator):
    """Count at most ``cap`` rows, for lists too varied to cache (the admin's filters).

    Counting stops after ``cap`` rows (``SELECT COUNT(*)`` over a ``LIMIT``), so a page
    costs the same however many rows match; when more match, ``count`` is ``cap``,
    ``capped`` is True (templates say "more than"), and pages past the cap do not exist:
    a filter or a search narrows the list instead.
    """

    cap = 10_000

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        # Positional, as the admin's ModelAdmin.get_paginator passes them.
        super().__init__(
            object_list,
            per_page,
            count=self._count_up_to_cap,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            **kwargs,
        )

    def _count_up_to_cap(self):
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)


def listing_paginator(queryset, name, prepare, per_page=None, **kwargs):
    """Return a ``ListingPaginator`` for a public list named ``name`` (unique per list)."""
    return ListingPaginator(
        queryset,
        per_page or settings.ARTICLES_PER_PAGE,
        count=cached_count(queryset, name),
        prepare=prepare,
        name=name,
        **kwargs,
    )
