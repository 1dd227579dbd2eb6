"""Full-text search of articles: PostgreSQL text search or SQLite FTS5, behind one seam.

Both databases keep their index current by themselves: on PostgreSQL a trigger fills the
``articles_article.search_vector`` column (GIN-indexed), on SQLite triggers feed the FTS5
table ``articles_article_search``. So ``save()``, ``QuerySet.update()``, ``bulk_create()``
and a bulk ``COPY`` all keep search current; ``rebuild_search_index()`` refills it in bulk.
Migration 0007 creates both; neither is a model field, so no other query ever reads them.

Ranking every match of a word found in most articles costs time in proportion to the
archive, so a search never does: when more articles match than a search shows
(``MAX_RESULTS``), the latest matches come newest first and the count says "or more"
(SQLite: the newest ``MAX_RESULTS`` + 1 matches, straight off the FTS5 index in id
order) or "about" (PostgreSQL: the planner's estimate; the matches among the newest
articles, as many as should hold ``COMMON_WORD_RESULTS`` matches, at most
``PG_NEWEST_ARTICLES``). Fewer matches are all ranked by relevance (headline
above standfirst above body), the newer article first on equal rank.
"""

import json
import re
from dataclasses import dataclass

from django.db import connections
from django.utils.html import escape
from django.utils.safestring import mark_safe

# How many results a search shows at most; the count stops one above it.
MAX_RESULTS = 1000
# Terms (words or quoted phrases) read from one query; the rest are ignored.
MAX_TERMS = 10
# PostgreSQL text search configuration made by migration 0007: english, accents removed.
PG_CONFIG = "newsroom"
# When PostgreSQL expects more matches than a search shows, it looks for them among the
# newest articles only: each row it checks there costs a read of a long vector. As many
# as should hold COMMON_WORD_RESULTS matches (20 pages) by the planner's estimate of how
# common the query is, and never more than PG_NEWEST_ARTICLES: a word in nine articles
# of ten is looked for among the newest 230, a word in one in fifty among the newest 500.
PG_NEWEST_ARTICLES = 500
COMMON_WORD_RESULTS = 200
# Marks around matched words in snippets: they never reach a page (see snippet_html).
_START, _STOP = "\x02", "\x03"
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")
# What both databases' tokenizers call a word: letters and digits; "_" separates.
_WORD = re.compile(r"[^\W_]+")
# A quoted phrase (with or without its closing quote, as websearch_to_tsquery reads
# one), or a run of anything but spaces.
_CHUNK = re.compile(r'(-?)"([^"]*)"?|(\S+)')

SQLITE_TABLE = "articles_article_search"
# bm25 weights per FTS5 column: headline, standfirst, body text.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)
SQLITE_TRIGGERS = {
    # Not a trigger, but lost with them: search checks each match's status and date
    # here, without reading the row (and its long body) from the table.
    "articles_article_search_cover": """
        CREATE INDEX IF NOT EXISTS articles_article_search_cover
        ON articles_article (id, status, published_at)""",
    "articles_article_search_insert": f"""
        CREATE TRIGGER IF NOT EXISTS articles_article_search_insert
        AFTER INSERT ON articles_article BEGIN
            INSERT INTO {SQLITE_TABLE}(rowid, headline, standfirst, body_text)
            VALUES (new.id, new.headline, new.standfirst, new.body_text);
        END""",
    "articles_article_search_delete": f"""
        CREATE TRIGGER IF NOT EXISTS articles_article_search_delete
        AFTER DELETE ON articles_article BEGIN
            INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, headline, standfirst, body_text)
            VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
        END""",
    "articles_article_search_update": f"""
        CREATE TRIGGER IF NOT EXISTS articles_article_search_update
        AFTER UPDATE OF id, headline, standfirst, body_text ON articles_article
        WHEN old.id IS NOT new.id OR old.headline IS NOT new.headline
            OR old.standfirst IS NOT new.standfirst OR old.body_text IS NOT new.body_text
        BEGIN
            INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, headline, standfirst, body_text)
            VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
            INSERT INTO {SQLITE_TABLE}(rowid, headline, standfirst, body_text)
            VALUES (new.id, new.headline, new.standfirst, new.body_text);
        END""",
}


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase of a query; ``excluded`` when it was written ``-term``."""

    words: tuple[str, ...]
    excluded: bool = False


def parse_query(text):
    """Read ``text`` as websearch syntax: return its alternatives, each a tuple of Terms.

    Words are ANDed; ``or`` between words starts another alternative; ``"…"`` is a
    phrase; ``-word`` and ``-"…"`` exclude. Anything that is not a letter or digit
    separates words, so no input can carry either database's query syntax through.
    An alternative with nothing but exclusions would match most of the archive, so it
    is dropped: a query with no wanted word finds nothing.
    """
    alternatives, current = [], []
    for match in _CHUNK.finditer(text):
        negation, phrase, bare = match.groups()
        if bare is not None and bare.lower() == "or":
            alternatives.append(current)
            current = []
            continue
        if bare is not None:
            # Outside quotes every word stands alone: "covid-19" is two words.
            excluded = bare.startswith("-")
            current += [Term((word.lower(),), excluded) for word in _WORD.findall(bare)]
        else:
            words = tuple(word.lower() for word in _WORD.findall(phrase))
            if words:
                current.append(Term(words, excluded=bool(negation)))
    alternatives.append(current)
    kept, count = [], 0
    for terms in alternatives:
        terms = terms[: MAX_TERMS - count]
        count += len(terms)
        if any(not term.excluded for term in terms):
            kept.append(tuple(terms))
    return tuple(kept)


def fts5_expression(alternatives):
    """Return an FTS5 MATCH expression for parsed alternatives; every word is quoted."""

    def phrase(term):
        # Words hold only letters and digits, so the quotes cannot be closed early.
        return '"' + " ".join(term.words) + '"'

    groups = []
    for terms in alternatives:
        wanted = " AND ".join(phrase(term) for term in terms if not term.excluded)
        unwanted = "".join(f" NOT {phrase(term)}" for term in terms if term.excluded)
        groups.append(f"(({wanted}){unwanted})")
    return " OR ".join(groups)


def websearch_text(alternatives):
    """Return parsed alternatives written back as websearch_to_tsquery input."""
    return " or ".join(
        " ".join(f'{"-" if term.excluded else ""}"{" ".join(term.words)}"' for term in terms)
        for terms in alternatives
    )


def snippet_html(text):
    """Return a snippet as safe HTML: every character escaped, matches in ``<mark>``."""
    marked = _MARKED.sub(r"<mark>\1</mark>", escape(text))
    return mark_safe(marked.replace(_START, "").replace(_STOP, ""))  # noqa: S308


def _where(queryset):
    """Return the SQL and parameters of ``queryset``'s filters on articles_article.

    The published rule (``ArticleQuerySet.published``) stays defined once: search reuses
    the queryset's own WHERE clause inside its hand-written statement.
    """
    query = queryset.query
    if len(query.alias_map) > 1:
        raise ValueError("Search needs a queryset filtered on the article table alone.")
    if not query.where:
        return "1 = 1", []
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.compile(query.where)
    return sql, list(params)


class SearchResults:
    """The articles of ``queryset`` matching a query, best first, a page at a time.

    ``page(number, per_page)`` runs one query for the page's ids in rank order and the
    number of matches, then fetches those articles through ``queryset`` (so its
    ``for_listing()`` prefetches apply) and their snippets (``search_snippet``, safe
    HTML). ``total`` is the number of matches found, at most ``MAX_RESULTS``; ``more``
    says the search stopped there and older articles may match too.
    """

    def __init__(self, queryset, query):
        self.queryset = queryset
        self.query = query
        self.alternatives = parse_query(query)
        self.vendor = connections[queryset.db].vendor
        self.total = 0
        self.more = False
        # PostgreSQL's estimate of the matches, when it says there are too many to rank.
        self.estimate = None

    @property
    def rounded_estimate(self):
        """Return PostgreSQL's estimate of the matches to two figures, or None."""
        if self.estimate is None or not self.more:
            return None
        return round(self.estimate, 1 - len(str(self.estimate)))

    def page(self, number, per_page):
        """Return the articles of page ``number`` (from 1); an empty list past the last."""
        offset = (number - 1) * per_page
        limit = min(per_page, MAX_RESULTS - offset)
        if not self.alternatives or limit <= 0:
            return []
        statement, params = self._ranked(limit, offset)
        rows = self._fetch(statement, params)
        if not rows:
            return []
        self.total = min(rows[0][1], MAX_RESULTS)
        self.more = rows[0][2] > MAX_RESULTS
        ids = [row[0] for row in rows]
        # Cards never show the body; it is most of an article's bytes.
        matches = self.queryset.filter(pk__in=ids).defer("body", "body_text")
        articles = {article.pk: article for article in matches}
        snippets = self.snippets(ids)
        found = [articles[pk] for pk in ids if pk in articles]
        for article in found:
            article.search_snippet = snippet_html(snippets.get(article.pk) or "")
        return found

    def ids(self):
        """Return the ids of the matches a search shows (at most ``MAX_RESULTS``), best first.

        One query, no rows or snippets: for callers that filter with them (the admin).
        """
        if not self.alternatives:
            return []
        statement, params = self._ranked(MAX_RESULTS, 0)
        return [row[0] for row in self._fetch(statement, params)]

    def snippets(self, ids):
        """Return ``{id: text}``: a passage of each article's body, matches marked."""
        if not self.alternatives or not ids:
            return {}
        if self.vendor == "postgresql":
            # ts_headline parses and stems all the text it is given, milliseconds for a
            # long body: it is given a passage around the first place the longest wanted
            # word appears as typed (the start when it does not, e.g. another form of
            # it). Marks the text itself holds are removed first, so only ours remain.
            options = (
                f"StartSel={_START}, StopSel={_STOP}, MaxWords=35, MinWords=15,"
                ' MaxFragments=2, FragmentDelimiter=" … "'
            )
            wanted = [
                word
                for terms in self.alternatives
                for t in terms
                if not t.excluded
                for word in t.words
            ]
            statement = (
                f"SELECT id, ts_headline('{PG_CONFIG}', translate(substr(body_text,"
                " greatest(1, strpos(lower(body_text), %s) - 300), 700), %s, ''),"
                f" websearch_to_tsquery('{PG_CONFIG}', %s), %s)"
                " FROM articles_article WHERE id = ANY(%s)"
            )
            params = [
                max(wanted, key=len),
                _START + _STOP,
                websearch_text(self.alternatives),
                options,
                list(ids),
            ]
        else:
            marks = ", ".join("%s" for _ in ids)
            statement = (
                f"SELECT rowid, snippet({SQLITE_TABLE}, 2, %s, %s, %s, 32) FROM {SQLITE_TABLE}"
                f" WHERE {SQLITE_TABLE} MATCH %s AND rowid IN ({marks})"
            )
            params = [_START, _STOP, "…", fts5_expression(self.alternatives), *ids]
        return dict(self._fetch(statement, params))

    def _ranked(self, limit, offset):
        """Return SQL for a page of ranked ids, each row with the matches and candidates.

        When more articles match than a search shows, relevance is not computed: a word
        in most articles says little about any of them, and ranking them all is what makes
        full-text search slow. Those matches come newest first; fewer are ranked.
        """
        if self.vendor == "postgresql":
            return self._ranked_postgresql(limit, offset)
        where, where_params = _where(self.queryset)
        expression = fts5_expression(self.alternatives)
        weights = ", ".join(str(weight) for weight in SQLITE_WEIGHTS)
        # CROSS JOIN keeps the FTS5 table outside: it yields matches newest id first and
        # the walk stops after enough published ones. The uncorrelated count runs once,
        # before bm25() (lower is better) is asked for on any row.
        newest_matches = (
            f" FROM {SQLITE_TABLE} CROSS JOIN articles_article"
            f" ON articles_article.id = {SQLITE_TABLE}.rowid"
            f" WHERE {SQLITE_TABLE} MATCH %s AND {where}"
            f" ORDER BY {SQLITE_TABLE}.rowid DESC LIMIT {MAX_RESULTS + 1}"
        )
        statement = (
            "SELECT id, count(*) OVER (), count(*) OVER () FROM ("
            " SELECT articles_article.id, articles_article.published_at,"
            f" CASE WHEN (SELECT count(*) FROM (SELECT 1 {newest_matches})) > {MAX_RESULTS}"
            f" THEN 0 ELSE bm25({SQLITE_TABLE}, {weights}) END AS score"
            f" {newest_matches}"
            ") candidates ORDER BY score, published_at DESC, id DESC LIMIT %s OFFSET %s"
        )
        params = [expression, *where_params] * 2
        return statement, [*params, limit, offset]

    def _ranked_postgresql(self, limit, offset):
        # Whether a word is common is known before searching: PostgreSQL's statistics
        # estimate the matches. Checking a row the GIN index did not answer for means
        # reading its long vector, and the planner does not know that cost, so each
        # case gets a statement it can only run cheaply. A rare word: every match,
        # ranked on a small vector (headline, standfirst, the body's opening). A common
        # word: the matches among the newest articles (_newest_to_check), newest first.
        where, where_params = _where(self.queryset)
        query = websearch_text(self.alternatives)
        matches = f"{where} AND search_vector @@ websearch_to_tsquery('{PG_CONFIG}', %s)"
        # One plan, two estimates: the matches, and the articles searched.
        plan = self._fetch(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM articles_article WHERE {matches}"
            f" UNION ALL SELECT 1 FROM articles_article WHERE {where}",
            [*where_params, query, *where_params],
        )[0][0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        self.estimate, searched = _estimates(plan[0]["Plan"])
        if self.estimate <= MAX_RESULTS:
            statement = (
                "SELECT id, count(*) OVER (), count(*) OVER () FROM articles_article"
                f" WHERE {matches} ORDER BY ts_rank(search_rank_vector,"
                f" websearch_to_tsquery('{PG_CONFIG}', %s)) DESC, published_at DESC, id DESC"
                " LIMIT %s OFFSET %s"
            )
            return statement, [*where_params, query, query, limit, offset]
        # The newest articles come off the primary key's end; only they are checked.
        statement = (
            f"SELECT id, count(*) OVER (), {MAX_RESULTS + 1} FROM ("
            " SELECT id, published_at, search_vector FROM articles_article"
            f" WHERE {where} ORDER BY id DESC LIMIT {_newest_to_check(self.estimate, searched)})"
            " newest"
            f" WHERE search_vector @@ websearch_to_tsquery('{PG_CONFIG}', %s)"
            " ORDER BY published_at DESC, id DESC LIMIT %s OFFSET %s"
        )
        return statement, [*where_params, query, limit, offset]

    def _fetch(self, statement, params):
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()


def _estimates(plan):
    """Return the planner's rows for the two branches of the estimate's UNION ALL.

    The second is None when the plan is not the two scans it should be.
    """
    branches = [
        branch
        for branch in (plan.get("Plans", []) if plan.get("Node Type") == "Append" else [])
        if branch.get("Parent Relationship") == "Member"
    ]
    if len(branches) != 2:
        return int(plan["Plan Rows"]), None
    return int(branches[0]["Plan Rows"]), int(branches[1]["Plan Rows"])


def _newest_to_check(matches, searched):
    """Return how many of the newest articles a common query is looked for among."""
    if not searched or matches <= 0:
        return PG_NEWEST_ARTICLES
    wanted = -(-COMMON_WORD_RESULTS * searched // matches)  # rounded up
    return max(COMMON_WORD_RESULTS, min(wanted, PG_NEWEST_ARTICLES))


def search_articles(queryset, query):
    """Return ``SearchResults`` for ``query`` among the articles of ``queryset``."""
    return SearchResults(queryset, query)


def rebuild_search_index(using="default"):
    """Refill the search index from every article, in bulk.

    The triggers keep it current on their own, through ``COPY`` too; this is for a
    database filled with the triggers missing or disabled, or an index in doubt.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Setting only search_vector does not fire the trigger (it watches the text).
            cursor.execute(
                "UPDATE articles_article SET search_vector ="
                " articles_search_vector(headline, standfirst, body_text),"
                " search_rank_vector ="
                " articles_search_rank_vector(headline, standfirst, body_text)"
            )
            cursor.execute("ANALYZE articles_article")
        else:
            cursor.execute(f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')")
            cursor.execute(f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('optimize')")


def ensure_sqlite_triggers(using="default", **kwargs):
    """Recreate the SQLite search triggers if a migration dropped them (post_migrate).

    On SQLite, Django alters a column by copying the table into a new one, which drops
    the old table's triggers; the index is refilled in case rows changed meanwhile.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        names = [SQLITE_TABLE, *SQLITE_TRIGGERS]
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger', 'index')"
            f" AND name IN ({', '.join('%s' for _ in names)})",
            names,
        )
        present = {row[0] for row in cursor.fetchall()}
        if SQLITE_TABLE not in present or present >= set(SQLITE_TRIGGERS):
            return
        for statement in SQLITE_TRIGGERS.values():
            cursor.execute(statement)
    rebuild_search_index(using)
