"""Revisions: kept on every save in the admin, shown as a diff, restorable as a draft."""

import pytest
from django.urls import reverse

from articles import revisions
from articles.models import Article, ArticleRevision, Correction
from tests.factories import (
    article_form_data,
    make_article,
    make_image,
    make_staff,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db


def _post(client, article, **overrides):
    data = article_form_data(
        article,
        authors=overrides.pop("authors", None),
        corrections=overrides.pop("corrections", ()),
        **overrides,
    )
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [formset.formset.errors for formset in response.context["inline_admin_formsets"]],
    )
    article.refresh_from_db()
    return article


def test_each_admin_save_keeps_a_revision_with_every_field(admin_client, admin_user):
    image = make_image(alt_text="The old bridge", caption="Before repairs", credit="Reuters")
    tags = [make_tag(name="Transport"), make_tag(name="Council")]
    ana = make_staff("Reporters", first_name="Ana", last_name="Ruiz")
    ben = make_staff("Reporters", first_name="Ben", last_name="Okafor")
    article = make_article(
        headline="Bridge closes",
        standfirst="Repairs start Monday.",
        body="<p>First.</p>",
        featured_image=image,
        tags=tags,
        byline="",
    )
    _post(admin_client, article, authors=[ben, ana])
    revision = ArticleRevision.objects.get()
    assert revision.user == admin_user
    data = revision.data
    assert data["headline"] == "Bridge closes"
    assert data["slug"] == article.slug
    assert data["standfirst"] == "Repairs start Monday."
    assert data["body"] == "<p>First.</p>"
    assert data["featured_image"] == {
        "id": image.pk,
        "alt_text": "The old bridge",
        "caption": "Before repairs",
        "credit": "Reuters",
    }
    assert data["tags"] == [
        {"id": tags[1].pk, "name": "Council"},
        {"id": tags[0].pk, "name": "Transport"},
    ]
    assert [author["id"] for author in data["authors"]] == [ben.pk, ana.pk]
    assert data["authors"][0]["name"] == "Ben Okafor"
    assert data["status"] == "published"
    assert data["published_at"] == article.published_at.isoformat()
    assert data["byline"] == ""
    assert data["allow_comments"] is True

    # The picture's caption changes later in the library; the revision keeps the old one.
    image.caption = "After repairs"
    image.save()
    _post(admin_client, article, headline="Bridge reopens")
    assert ArticleRevision.objects.count() == 2
    assert ArticleRevision.objects.last().data["featured_image"]["caption"] == "Before repairs"
    assert ArticleRevision.objects.first().data["featured_image"]["caption"] == "After repairs"


def test_history_lists_who_saved_what(admin_client):
    article = make_article(headline="Council votes")
    _post(admin_client, article)
    _post(admin_client, article, headline="Council votes again")
    response = admin_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 2
    # A headline edit on a published article is also an update readers are told about.
    assert rows[0]["changed"] == ["Headline", "Updated"]
    assert "Headline" in response.content.decode()


def test_history_names_the_changed_fields_without_diffing_them(admin_client, monkeypatch):
    article = make_article(headline="Council votes", body="<p>First.</p>")
    _post(admin_client, article)
    _post(admin_client, article, body="<p>First.</p><p>Second.</p>", minor_edit="on")
    _post(admin_client, article, tags=[make_tag(name="Council").pk], minor_edit="on")

    def no_diff(*args):
        raise AssertionError("the history page ran a diff")

    monkeypatch.setattr(revisions.difflib, "ndiff", no_diff)
    response = admin_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    changed = [row["changed"] for row in response.context["rows"]]
    assert changed[:2] == [["Tags"], ["Body"]]
    monkeypatch.undo()
    history = list(article.revisions.all())
    for newer, older in zip(history, history[1:] + [None], strict=True):
        expected = [label for label, _ in revisions.diff(older and older.data, newer.data)]
        assert revisions.changed_labels(older and older.data, newer.data) == expected


def test_revision_page_shows_a_readable_escaped_diff(admin_client):
    article = make_article(body="<p>The vote was 6-3.</p><p>Unchanged line.</p>")
    _post(admin_client, article)
    _post(admin_client, article, body="<p>The vote was 5-4.</p><p>Unchanged line.</p>")
    newest = article.revisions.first()
    response = admin_client.get(
        reverse("admin:articles_article_revision", args=[article.pk, newest.pk])
    )
    assert response.status_code == 200
    changes = dict(response.context["changes"])
    assert set(changes) == {"Body", "Updated"}
    lines = changes["Body"]
    assert ("removed", "<p>The vote was 6-3.</p>") in lines
    assert ("added", "<p>The vote was 5-4.</p>") in lines
    assert ("same", "<p>Unchanged line.</p>") in lines
    html = response.content.decode()
    assert "<del>&lt;p&gt;The vote was 6-3.&lt;/p&gt;</del>" in html
    assert "<ins>&lt;p&gt;The vote was 5-4.&lt;/p&gt;</ins>" in html


def test_restore_puts_an_old_revision_back_as_a_draft(admin_client):
    first_image, second_image = make_image(), make_image()
    first_tag, second_tag = make_tag(), make_tag()
    ana, ben = make_staff("Reporters"), make_staff("Reporters")
    # Not published (a published article stays published: test_locking.py).
    article = make_article(
        status=Article.Status.IN_REVIEW,
        headline="Original headline",
        body="<p>Original body.</p>",
        featured_image=first_image,
        tags=[first_tag],
    )
    _post(admin_client, article, authors=[ana])
    original = article.revisions.get()
    _post(
        admin_client,
        article,
        headline="Rewritten headline",
        body="<p>Rewritten.</p>",
        featured_image=second_image.pk,
        tags=[second_tag.pk],
        byline="Agency copy",
        authors=[ben, ana],
    )
    url = reverse("admin:articles_article_revision", args=[article.pk, original.pk])
    assert "Restore as new draft" in admin_client.get(url).content.decode()
    response = admin_client.post(url)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Original headline"
    assert article.body == "<p>Original body.</p>"
    assert article.featured_image == first_image
    assert list(article.tags.all()) == [first_tag]
    assert article.ordered_authors == [ana]
    assert article.byline == ""
    assert article.status == Article.Status.DRAFT
    newest = article.revisions.first()
    assert newest.data["headline"] == "Original headline"
    assert "Restored" in newest.note
    assert article.revisions.count() == 3


def test_restore_reports_what_no_longer_exists(admin_client):
    tag = make_tag(name="Gone soon")
    article = make_article(tags=[tag], status=Article.Status.DRAFT)
    _post(admin_client, article)
    revision = article.revisions.get()
    tag.delete()
    response = admin_client.post(
        reverse("admin:articles_article_revision", args=[article.pk, revision.pk]), follow=True
    )
    assert "Gone soon" in response.content.decode()


def test_reporter_can_restore_own_draft_but_not_see_others_history(client, admin_client):
    reporter = make_staff("Reporters")
    mine = make_article(status=Article.Status.DRAFT, authors=[reporter], headline="Mine v1")
    theirs = make_article(status=Article.Status.DRAFT, authors=[make_user()])
    client.force_login(reporter)
    _post(client, mine)
    _post(client, mine, headline="Mine v2")
    first = mine.revisions.last()
    client.post(reverse("admin:articles_article_revision", args=[mine.pk, first.pk]))
    mine.refresh_from_db()
    assert mine.headline == "Mine v1"
    _post(admin_client, theirs)
    theirs_revision = theirs.revisions.get()
    assert (
        client.get(reverse("admin:articles_article_revisions", args=[theirs.pk])).status_code == 403
    )
    response = client.post(
        reverse("admin:articles_article_revision", args=[theirs.pk, theirs_revision.pk])
    )
    assert response.status_code == 403


def test_reporter_cannot_restore_own_published_article(client):
    reporter = make_staff("Reporters")
    live = make_article(authors=[reporter], headline="Live")
    revision = ArticleRevision.objects.create(
        article=live, data={**_snapshot_of(live), "headline": "Old"}
    )
    client.force_login(reporter)
    url = reverse("admin:articles_article_revision", args=[live.pk, revision.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 403
    live.refresh_from_db()
    assert live.headline == "Live" and live.is_public


def _snapshot_of(article):
    from articles.revisions import snapshot

    return snapshot(article)


def test_bulk_actions_keep_revisions(admin_client):
    draft = make_article(status=Article.Status.IN_REVIEW)
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    revision = draft.revisions.get()
    assert revision.data["status"] == "published"
    assert revision.note == "Published"


def test_a_correction_is_in_the_revision_dates(admin_client):
    article = make_article()
    _post(
        admin_client,
        article,
        corrections=[("clarification", "We meant the old bridge.")],
    )
    assert Correction.objects.count() == 1
    assert article.revisions.get().data["updated_at"] == article.updated_at.isoformat()


def test_public_pages_read_no_revisions(client, django_assert_max_num_queries):
    article = make_article()
    for _ in range(3):
        ArticleRevision.objects.create(article=article, data=_snapshot_of(article))
    # The page's own budget is tested in test_views.py; here only what it reads matters.
    with django_assert_max_num_queries(10) as captured:
        client.get(article.get_absolute_url())
    assert not any("articlerevision" in query["sql"] for query in captured.captured_queries)


def test_history_of_an_article_never_saved_in_the_admin_is_empty(admin_client):
    article = make_article()
    response = admin_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert response.status_code == 200
    assert "No revisions yet" in response.content.decode()
