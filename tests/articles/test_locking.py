"""No lost edits: the version checked in the UPDATE, who else has an article open, and
restoring a revision of a published article without taking it off the site."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import presence, revisions
from articles.models import Article, ArticleRevision
from newsroom import pagecache
from tests.factories import (
    article_form_data,
    make_article,
    make_staff,
    make_tag,
    make_user,
)
from tests.page_caches import page_cache_in

pytestmark = pytest.mark.django_db


def _change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _form(article, version=None, corrections=(), **overrides):
    """Return the article form as a browser posts it, opened at ``version``."""
    if version is not None:
        overrides["version"] = str(version)
    return article_form_data(article, corrections=corrections, **overrides)


def _editor(first_name, last_name):
    return make_staff("Editors", first_name=first_name, last_name=last_name)


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _version_in_form(response):
    return response.context["adminform"].form["version"].value()


# --- The version -------------------------------------------------------------------------------


def test_every_way_of_saving_an_article_moves_its_version_on():
    article = make_article(status=Article.Status.DRAFT)
    assert article.version == 1
    article.headline = "Second"
    article.save()
    assert article.version == 2
    article.save(update_fields=["headline"])
    assert article.version == 3
    Article.objects.filter(pk=article.pk).publish()
    Article.objects.filter(pk=article.pk).unpublish()
    article.refresh_from_db()
    assert article.version == 5
    # What the instance says is what is stored.
    article.save()
    assert article.version == Article.objects.get(pk=article.pk).version == 6


def test_the_update_itself_refuses_a_save_from_an_older_version():
    article = make_article(headline="Ours to lose", status=Article.Status.DRAFT)
    # Another process saved meanwhile: the row moved on behind this instance's back,
    # with no Django code involved.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET headline = %s, version = version + 1 WHERE id = %s",
            ["Theirs", article.pk],
        )
    article.headline = "Mine"
    article.expected_version = 1
    with CaptureQueriesContext(connection) as queries, pytest.raises(Article.EditConflict):
        article.save()
    update = next(q["sql"] for q in queries if q["sql"].startswith("UPDATE"))
    # The guard is in the statement, not in Python: no row matches an old version.
    assert '"version" = 1' in update.split("WHERE", 1)[1]
    assert '"version" = ("articles_article"."version" + 1)' in update
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.version) == ("Theirs", 2)
    # Saved from the version it has now, it goes through, and stays guarded after.
    article.expected_version = 2
    article.save()
    assert Article.objects.get(pk=article.pk).headline == "Mine"
    assert article.version == article.expected_version == 3


def test_a_deleted_article_saved_again_is_not_a_conflict():
    article = make_article(status=Article.Status.DRAFT)
    Article.objects.filter(pk=article.pk).delete()
    article.expected_version = 1
    article.save()  # Django inserts it again, as for any model
    assert Article.objects.filter(pk=article.pk).exists()


# --- Two editors on one article ----------------------------------------------------------------


def test_a_save_over_someone_elses_is_refused_with_a_diff_and_the_text_kept():
    ana, ben = _editor("Ana", "Ruiz"), _editor("Ben", "Okafor")
    article = make_article(
        headline="Council votes on budget",
        standfirst="A late-night vote.",
        body="<p>The vote was 6-3.</p><p>Unchanged line.</p>",
    )
    ana_client, ben_client = _client_for(ana), _client_for(ben)
    opened_by_ana = ana_client.get(_change_url(article))
    opened_by_ben = ben_client.get(_change_url(article))
    assert _version_in_form(opened_by_ana) == _version_in_form(opened_by_ben) == 1

    saved = ben_client.post(
        _change_url(article),
        _form(article, version=1, headline="Council passes budget"),
    )
    assert saved.status_code == 302
    revisions_before = ArticleRevision.objects.count()

    refused = ana_client.post(
        _change_url(article),
        _form(
            article,
            version=1,
            headline="Council <b>rejects</b> budget",
            body="<p>The vote was 5-4.</p><p>Unchanged line.</p>",
            corrections=[("correction", "A note Ana added.")],
        ),
    )
    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert form.non_field_errors().data[0].code == "edit_conflict"
    html = refused.content.decode()
    assert "Someone else saved this article after you opened it" in html
    assert "Saved by Ben Okafor" in html
    changes = dict(form.conflict["changes"])
    assert set(changes) == {"Headline", "Body"}
    assert ("removed", "Council passes budget") in changes["Headline"]
    assert ("added", "Council <b>rejects</b> budget") in changes["Headline"]
    assert ("removed", "<p>The vote was 6-3.</p>") in changes["Body"]
    assert ("added", "<p>The vote was 5-4.</p>") in changes["Body"]
    assert ("same", "<p>Unchanged line.</p>") in changes["Body"]
    # Escaped wherever it shows, in the diff and in the kept form.
    assert "Council <b>rejects</b>" not in html
    assert "Council &lt;b&gt;rejects&lt;/b&gt; budget" in html
    # Kept in the headline's box (a two-line textarea, so long headlines show whole).
    assert "Council &lt;b&gt;rejects&lt;/b&gt; budget</textarea>" in html
    # Nothing of Ana's was written: not the article, not the inline, not a revision.
    article.refresh_from_db()
    assert article.headline == "Council passes budget"
    assert article.version == 2
    assert not article.corrections.exists()
    assert ArticleRevision.objects.count() == revisions_before
    # The re-shown form carries the version she has now seen: saving again is her choice.
    assert _version_in_form(refused) == "2"
    again = ana_client.post(
        _change_url(article),
        _form(article, version=2, headline="Council rejects budget"),
    )
    assert again.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.version) == ("Council rejects budget", 3)


def test_a_form_without_its_version_is_refused_and_bad_versions_are_form_errors(admin_client):
    article = make_article(headline="Left alone")
    for version in ("", "abc", "0", "-4", "99999999999999999999"):
        response = admin_client.post(
            _change_url(article), _form(article, version=version, headline="Forged")
        )
        assert response.status_code == 200, version
        assert response.context["adminform"].form.errors
        assert "reload the page and make your change again" in response.content.decode().lower()
    data = _form(article, headline="Forged")
    del data["version"]
    response = admin_client.post(_change_url(article), data)
    assert response.status_code == 200
    assert "does not say which version" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Left alone"


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_the_same_moment_one_wins_and_the_other_is_told():
    article = make_article(headline="Before", standfirst="Unchanged.")
    editors = [_editor("Ana", "Ruiz"), _editor("Ben", "Okafor")]
    clients = [_client_for(user) for user in editors]
    for client in clients:
        assert client.get(_change_url(article)).status_code == 200
    payloads = [_form(article, version=1, headline=f"Saved by {u.first_name}") for u in editors]
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(index):
        try:
            barrier.wait()
            response = clients[index].post(_change_url(article), payloads[index])
            results[index] = response.status_code
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results, key=str) == [200, 302], results
    winner = editors[results.index(302)]
    article.refresh_from_db()
    assert article.headline == f"Saved by {winner.first_name}"
    assert article.version == 2
    assert article.revisions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_save_landing_between_the_form_check_and_the_update_rolls_the_whole_save_back():
    """The form's check passed; the UPDATE then finds the row moved on: nothing is kept."""
    from django.db.models.signals import pre_save

    editor = _editor("Ana", "Ruiz")
    article = make_article(headline="Before")
    client = _client_for(editor)
    interrupted = []

    def someone_else_saves(sender, instance, **kwargs):
        if instance.headline != "Mine" or interrupted:
            return
        interrupted.append(True)
        if connection.vendor == "postgresql":
            # Another connection commits while this request's transaction is open.
            def other_save():
                try:
                    theirs = Article.objects.get(pk=article.pk)
                    theirs.headline = "Theirs"
                    theirs.save()
                finally:
                    connection.close()

            thread = threading.Thread(target=other_save)
            thread.start()
            thread.join(timeout=60)
        else:
            # SQLite's transactions take the write lock when they start ("IMMEDIATE" in
            # settings), so no other connection can commit here and this race cannot
            # happen; the row is moved on by hand in this connection instead, which
            # the rollback then undoes with the rest.
            Article.objects.filter(pk=article.pk).update(
                headline="Theirs", version=F("version") + 1
            )

    pre_save.connect(someone_else_saves, sender=Article)
    try:
        response = client.post(
            _change_url(article),
            _form(article, version=1, headline="Mine", corrections=[("correction", "Ours.")]),
        )
    finally:
        pre_save.disconnect(someone_else_saves, sender=Article)
    assert interrupted
    article.refresh_from_db()
    if connection.vendor == "postgresql":
        # The view ran again, read version 2 and refused with the diff.
        assert response.status_code == 200
        assert response.context["adminform"].form.conflict is not None
        # Kept in the headline's box (a textarea).
        assert ">\nMine</textarea>" in response.content.decode()
        assert (article.headline, article.version) == ("Theirs", 2)
        assert not article.corrections.exists()
        assert not article.revisions.exists()
    else:
        # The first attempt left nothing, the hand-made change included; the view ran
        # again against the row as it was and saved once: one correction, one revision.
        assert response.status_code == 302
        assert (article.headline, article.version) == ("Mine", 2)
        assert article.corrections.count() == 1
        assert article.revisions.count() == 1


def test_after_a_save_the_browser_is_told_to_forget_its_kept_text(admin_client, admin_user):
    article = make_article()
    response = admin_client.post(_change_url(article), _form(article, headline="Saved"))
    assert response.status_code == 302
    cookie = response.cookies["newsroom_saved_draft"]
    assert cookie.value == f"{admin_user.pk}-{article.pk}"
    assert cookie["path"] == "/admin/"
    assert int(cookie["max-age"]) <= 600
    # A refused save keeps it.
    refused = admin_client.post(_change_url(article), _form(article, version=1))
    assert refused.status_code == 200
    assert "newsroom_saved_draft" not in refused.cookies


def test_the_form_page_loads_its_scripts_as_files_and_names_the_kept_text(admin_client, admin_user):
    article = make_article()
    html = admin_client.get(_change_url(article)).content.decode()
    assert "/static/js/admin-drafts.js" in html
    assert "/static/js/admin-locking.js" in html
    assert "/static/articles/editor-text.js" in html
    assert f'data-draft-key="{admin_user.pk}-{article.pk}"' in html
    assert 'data-version="1"' in html
    assert 'name="version" value="1"' in html
    add = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-draft-key="{admin_user.pk}-new"' in add
    assert 'name="version"' not in add


# --- Who else has it open ----------------------------------------------------------------------


def test_opening_an_article_someone_else_has_open_says_who_and_since_when():
    ana, ben = _editor("Ana", "Ruiz"), _editor("Ben", "Okafor")
    article = make_article()
    ana_page = _client_for(ana).get(_change_url(article)).content.decode()
    assert "has had this article open" not in ana_page
    opened = timezone.localtime().strftime("%H:%M")
    ben_page = _client_for(ben).get(_change_url(article)).content.decode()
    assert f"<strong>Ana Ruiz</strong> has had this article open since {opened}" in ben_page
    assert 'role="status"' in ben_page
    # Ana's next load names Ben, not herself, and keeps her own "since".
    again = _client_for(ana).get(_change_url(article)).content.decode()
    assert "<strong>Ben Okafor</strong> has had this article open" in again
    assert "<strong>Ana Ruiz</strong>" not in again


def test_presence_is_forgotten_after_a_few_minutes_and_names_are_escaped():
    article = make_article()
    stale = make_user(first_name="Old", last_name="Visitor", is_staff=True)
    presence.mark_open(article.pk, stale)
    entry = cache.get(f"article-presence:{article.pk}")
    entry[stale.pk]["seen"] -= presence.PRESENCE_SECONDS + 1
    cache.set(f"article-presence:{article.pk}", entry, presence.PRESENCE_SECONDS)
    hostile = make_staff("Editors", first_name="<script>x()</script>", last_name="Z")
    presence.mark_open(article.pk, hostile)
    page = _client_for(_editor("Ben", "Okafor")).get(_change_url(article)).content.decode()
    # Forgotten by the notice (the byline's list of staff still names everyone).
    assert "Old Visitor</strong>" not in page
    assert "&lt;script&gt;x()&lt;/script&gt; Z</strong> has had this article open" in page
    assert "<script>x()" not in page


def test_presence_is_one_small_expiring_cache_entry(settings):
    article = make_article()
    users = [make_user(first_name=f"User{n}") for n in range(presence.MAX_PEOPLE + 5)]
    for user in users:
        presence.mark_open(article.pk, user)
    entry = cache.get(f"article-presence:{article.pk}")
    assert len(entry) == presence.MAX_PEOPLE
    assert users[-1].pk in entry
    others = presence.mark_open(article.pk, users[-1])
    assert len(others) == presence.MAX_PEOPLE - 1
    since = [when for _, when in others]
    assert since == sorted(since)
    assert all(datetime.now(UTC) - when < timedelta(minutes=1) for when in since)


@pytest.mark.parametrize("backend", ["file", "redis"])
def test_presence_works_in_the_caches_the_site_runs_on(settings, tmp_path, backend):
    article = make_article()
    ana, ben = _editor("Ana", "Ruiz"), _editor("Ben", "Okafor")
    with page_cache_in(settings, backend, "locking", folder=tmp_path):
        assert presence.mark_open(article.pk, ana) == []
        [(name, since)] = presence.mark_open(article.pk, ben)
        assert name == "Ana Ruiz"
        page = _client_for(ben).get(_change_url(article)).content.decode()
        assert "<strong>Ana Ruiz</strong> has had this article open since" in page


def test_the_form_script_keeps_presence_fresh_without_emptying_the_page_cache(admin_client):
    article = make_article()
    ben = _editor("Ben", "Okafor")
    url = reverse("admin:articles_article_presence", args=[article.pk])
    generation = pagecache.generation()
    assert _client_for(ben).post(url).status_code == 204
    assert pagecache.generation() == generation
    assert "Ben Okafor" in admin_client.get(_change_url(article)).content.decode()
    assert admin_client.get(url).status_code == 405


@pytest.mark.parametrize("size", [1, 8])
def test_the_change_page_query_count_is_fixed(django_assert_num_queries, size):
    editor = _editor("Ana", "Ruiz")
    article = make_article(authors=[make_staff("Reporters")])
    for _ in range(size):
        revisions.record(article, editor)
    # Others who have it open: read from the cache, never the database.
    for _ in range(size):
        presence.mark_open(article.pk, make_staff("Editors", first_name="Other"))
    client = _client_for(editor)
    with django_assert_num_queries(QUERIES_ON_THE_CHANGE_PAGE):
        page = client.get(_change_url(article))
    assert page.status_code == 200
    assert page.content.decode().count("has had this article open since") == size


# The admin's change page as it was before presence (session, user, permissions, the
# article, its bylines, the form's choices and the inline's), plus the comments panel's
# four latest-of-each-status lists (comments/desk.py): presence reads the cache.
QUERIES_ON_THE_CHANGE_PAGE = 19


# --- Restoring a revision of a published article -----------------------------------------------


def _restore_url(article, revision):
    return reverse("admin:articles_article_restore", args=[article.pk, revision.pk])


def _published_with_history():
    editor = _editor("Ed", "Itor")
    article = make_article(headline="Old headline", body="<p>Old body.</p>")
    old = revisions.record(article, editor)
    article.headline, article.body = "New headline", "<p>New body.</p>"
    article.save()
    revisions.record(article, editor)
    article.refresh_from_db()
    return editor, article, old


def test_restoring_a_published_revision_asks_first_and_shows_the_change():
    editor, article, old = _published_with_history()
    client = _client_for(editor)
    revision_page = client.get(
        reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    ).content.decode()
    assert "Restore as new draft" not in revision_page
    assert _restore_url(article, old) in revision_page
    response = client.get(_restore_url(article, old))
    assert response.status_code == 200
    html = response.content.decode()
    assert "live on the site" in html
    assert '<del><span class="visually-hidden">Now: </span>New headline</del>' in html
    assert '<ins><span class="visually-hidden">Restored: </span>Old headline</ins>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="minor_edit"' in html
    assert f'name="version" value="{article.version}"' in html
    # Only what a restore puts back is compared: not the dates, status or address.
    assert [label for label, _ in response.context["changes"]] == ["Headline", "Body"]
    # Looking changes nothing.
    article.refresh_from_db()
    assert article.headline == "New headline"


@pytest.mark.parametrize("size", [1, 8])
def test_the_restore_page_query_count_is_fixed(django_assert_num_queries, size):
    editor = _editor("Ed", "Itor")
    tags = [make_tag() for _ in range(size)]
    authors = [make_staff("Reporters") for _ in range(size)]
    article = make_article(tags=tags, authors=authors)
    old = revisions.record(article, editor)
    for number in range(size):
        article.headline = f"Edit {number}"
        article.save()
        revisions.record(article, editor)
    client = _client_for(editor)
    with django_assert_num_queries(QUERIES_ON_THE_RESTORE_PAGE):
        assert client.get(_restore_url(article, old)).status_code == 200


# The session and user, permissions, the article and its bylines (admin queryset), the
# revision, the live snapshot's tags and authors.
QUERIES_ON_THE_RESTORE_PAGE = 10


@pytest.mark.parametrize("size", [1, 8])
def test_the_revision_page_query_count_is_fixed(django_assert_num_queries, size):
    editor = _editor("Ed", "Itor")
    article = make_article(tags=[make_tag() for _ in range(size)])
    old = revisions.record(article, editor)
    for number in range(size):
        article.headline = f"Edit {number}"
        article.save()
        revisions.record(article, editor)
    client = _client_for(editor)
    url = reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    with django_assert_num_queries(QUERIES_ON_THE_REVISION_PAGE):
        assert client.get(url).status_code == 200


# The session and user, permissions, the article and its bylines, the revision with its
# author, the one before it.
QUERIES_ON_THE_REVISION_PAGE = 8


def _restore_and_check_it_stays_up(client, article, old, minor):
    public = Client()
    address = article.get_absolute_url()
    assert public.get(address).status_code == 200
    generation = pagecache.generation()
    count = article.revisions.count()
    data = {"version": article.version}
    if minor:
        data["minor_edit"] = "on"
    response = client.post(_restore_url(article, old), data)
    assert response.status_code == 302
    assert response["Location"] == _change_url(article)
    article.refresh_from_db()
    assert article.is_public
    assert article.get_absolute_url() == address
    assert (article.headline, article.body) == ("Old headline", "<p>Old body.</p>")
    assert public.get(address).status_code == 200
    assert "Old headline" in public.get(address).content.decode()
    # The staff write empties the page cache, as any edit of a published article does.
    assert pagecache.generation() != generation
    assert article.revisions.count() == count + 1
    newest = article.revisions.first()
    assert newest.data["headline"] == "Old headline"
    assert newest.data["status"] == "published"
    assert "kept published" in newest.note
    return article


def test_restoring_a_published_revision_keeps_it_live_and_marks_it_updated():
    editor, article, old = _published_with_history()
    assert article.updated_at is not None  # the edit after publication
    before = article.updated_at
    article = _restore_and_check_it_stays_up(_client_for(editor), article, old, minor=False)
    assert article.updated_at > before


def test_a_minor_restore_keeps_it_live_without_marking_it_updated():
    editor, article, old = _published_with_history()
    before = article.updated_at
    article = _restore_and_check_it_stays_up(_client_for(editor), article, old, minor=True)
    assert article.updated_at == before
    assert "(minor change)" in article.revisions.first().note


def test_the_article_answers_readers_inside_the_restores_own_transaction():
    editor, article, old = _published_with_history()
    public = Client()
    address = article.get_absolute_url()
    assert public.get(address).status_code == 200
    with transaction.atomic():
        revisions.restore(article, old, editor)
        # Between the restore's writes and its commit, a reader on this connection
        # (the test's) sees the restored text, still published.
        during = public.get(address)
        assert during.status_code == 200
        assert "Old headline" in during.content.decode()
    assert public.get(address).status_code == 200


def test_a_restore_confirmed_after_someone_else_saved_is_refused():
    editor, article, old = _published_with_history()
    client = _client_for(editor)
    shown_at = article.version
    article.headline = "Saved meanwhile"
    article.save()
    response = client.post(_restore_url(article, old), {"version": shown_at})
    assert response.status_code == 200
    assert "saved again since this page was shown" in response.content.decode()
    assert f'name="version" value="{article.version}"' in response.content.decode()
    for forged in ("", "abc", "-1", "99999999999999999999"):
        assert client.post(_restore_url(article, old), {"version": forged}).status_code == 200
    article.refresh_from_db()
    assert article.headline == "Saved meanwhile"


def test_posting_a_published_revision_page_never_unpublishes_it():
    editor, article, old = _published_with_history()
    response = _client_for(editor).post(
        reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == _restore_url(article, old)
    article.refresh_from_db()
    assert article.is_public and article.headline == "New headline"


def test_reporters_cannot_restore_their_published_article_and_editors_can():
    reporter = make_staff("Reporters")
    article = make_article(authors=[reporter], headline="Live")
    old = ArticleRevision.objects.create(
        article=article, data={**revisions.snapshot(article), "headline": "Old"}
    )
    client = _client_for(reporter)
    assert client.get(_restore_url(article, old)).status_code == 403
    assert client.post(_restore_url(article, old), {"version": 1}).status_code == 403
    page = client.get(reverse("admin:articles_article_revision", args=[article.pk, old.pk]))
    assert _restore_url(article, old) not in page.content.decode()
    article.refresh_from_db()
    assert article.headline == "Live"
    editor = _client_for(_editor("Ed", "Itor"))
    assert editor.post(_restore_url(article, old), {"version": 1}).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Old" and article.is_public


def test_the_revision_and_restore_pages_keep_the_strict_policy_and_style_from_a_file():
    editor, article, old = _published_with_history()
    client = _client_for(editor)
    for url in (
        reverse("admin:articles_article_revision", args=[article.pk, old.pk]),
        _restore_url(article, old),
    ):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "style-src 'self';" in policy + ";"
        assert "'unsafe-inline'" not in policy
        html = response.content.decode()
        assert "<style" not in html
        assert "/static/css/admin-locking.css" in html


def test_a_draft_has_no_confirmation_page_its_restore_stays_as_it_was(admin_client):
    article = make_article(status=Article.Status.DRAFT)
    old = revisions.record(article, None)
    response = admin_client.get(_restore_url(article, old))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:articles_article_revision", args=[article.pk, old.pk]
    )
