"""Roles and the review workflow, enforced by the admin on the server."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.roles import ensure_demo_reporter
from tests.factories import inline_management_data, log_in, make_article, make_staff

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def reporter():
    return make_staff("Reporters", first_name="Rita", last_name="Reporter")


@pytest.fixture
def editor():
    return make_staff("Editors", first_name="Ed", last_name="Itor")


def _form(**overrides):
    data = {
        "headline": "Bridge reopens",
        "slug": "bridge-reopens",
        "standfirst": "Traffic flows again.",
        "body": "<p>The bridge is open.</p>",
        "status": "draft",
        "allow_comments": "on",
        "byline": "",
    }
    data.update(inline_management_data())
    data.update(overrides)
    return data


def _change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_groups_have_the_documented_permissions():
    reporters = set(
        Group.objects.get(name="Reporters").permissions.values_list("codename", flat=True)
    )
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert reporters == {
        "add_article", "change_article", "view_article", "add_image", "view_image", "view_tag",
        "view_section", "view_page",
    }  # fmt: skip
    assert "publish_article" not in reporters
    assert {"publish_article", "add_correction", "change_tag", "delete_article"} <= editors
    # Sections and what leads the front page are the editors' alone.
    pins_and_sections = {
        f"{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in ("section", "frontpagepin")
    }
    assert pins_and_sections <= editors
    assert not (pins_and_sections - {"view_section"}) & reporters
    assert {"add_page", "change_page", "delete_page", "change_sitesettings"} <= editors


def test_reporter_writes_a_draft_and_becomes_its_author(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("admin:articles_article_add"), _form())
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.ordered_authors == [reporter]


def test_reporter_submits_for_review_from_the_form(client, reporter):
    client.force_login(reporter)
    client.post(reverse("admin:articles_article_add"), _form(status="review"))
    assert Article.objects.get().status == Article.Status.IN_REVIEW


def test_reporter_submits_for_review_with_the_action(client, reporter):
    mine = make_article(status=Article.Status.DRAFT, authors=[reporter])
    client.force_login(reporter)
    client.post(CHANGELIST, {"action": "submit_for_review", "_selected_action": [mine.pk]})
    mine.refresh_from_db()
    assert mine.status == Article.Status.IN_REVIEW


def test_reporter_forging_status_published_is_refused(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("admin:articles_article_add"), _form(status="published"))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert "Bridge reopens" in response.content.decode()  # the reporter's text is kept
    assert not Article.objects.exists()


def test_reporter_forging_status_published_on_own_draft_is_refused(client, reporter):
    mine = make_article(status=Article.Status.DRAFT, authors=[reporter], slug="mine")
    client.force_login(reporter)
    response = client.post(
        _change_url(mine), _form(version=mine.version, slug="mine", status="published")
    )
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()


def test_reporter_forging_a_publication_date_is_ignored(client, reporter):
    mine = make_article(status=Article.Status.DRAFT, authors=[reporter], slug="mine")
    client.force_login(reporter)
    response = client.post(
        _change_url(mine),
        _form(
            version=mine.version,
            slug="mine",
            published_at_0="2020-01-01",
            published_at_1="09:00:00",
        ),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.published_at is None


def test_reporter_cannot_see_or_edit_another_reporters_article(client, reporter):
    other = make_article(status=Article.Status.DRAFT, authors=[make_staff("Reporters")])
    client.force_login(reporter)
    assert other not in client.get(CHANGELIST).context["cl"].result_list
    response = client.post(
        _change_url(other), _form(version=other.version, slug=other.slug, headline="Hijacked")
    )
    assert response.status_code == 302  # the admin's "no such article" redirect
    other.refresh_from_db()
    assert other.headline != "Hijacked"


def test_reporter_cannot_edit_own_published_article(client, reporter):
    mine = make_article(authors=[reporter], slug="mine", headline="As published")
    client.force_login(reporter)
    page = client.get(_change_url(mine))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = client.post(
        _change_url(mine), _form(version=mine.version, slug="mine", headline="Sneaky edit")
    )
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.headline == "As published"


def test_reporter_cannot_publish_or_unpublish_with_actions(client, reporter):
    draft = make_article(status=Article.Status.DRAFT, authors=[reporter])
    live = make_article(authors=[reporter])
    client.force_login(reporter)
    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert "publish" not in dict(actions) and "unpublish" not in dict(actions)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [live.pk]})
    draft.refresh_from_db()
    live.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert live.status == Article.Status.PUBLISHED


def test_reporter_cannot_delete_own_draft(client, reporter):
    mine = make_article(status=Article.Status.DRAFT, authors=[reporter])
    client.force_login(reporter)
    response = client.post(
        reverse("admin:articles_article_delete", args=[mine.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk=mine.pk).exists()


def test_reporter_sees_no_publish_choice(client, reporter):
    client.force_login(reporter)
    form = client.get(reverse("admin:articles_article_add")).context["adminform"].form
    assert [value for value, _ in form.fields["status"].choices] == ["draft", "review"]
    assert "published_at" not in form.fields


def test_editor_publishes_an_article_in_review(client, editor):
    article = make_article(status=Article.Status.IN_REVIEW, slug="ready")
    client.force_login(editor)
    response = client.post(
        _change_url(article), _form(version=article.version, slug="ready", status="published")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_public


def test_editor_sends_an_article_back_to_draft(client, editor):
    article = make_article(status=Article.Status.IN_REVIEW, slug="not-yet")
    client.force_login(editor)
    client.post(
        _change_url(article), _form(version=article.version, slug="not-yet", status="draft")
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_editor_schedules_an_article(client, editor):
    article = make_article(status=Article.Status.IN_REVIEW, slug="tomorrow")
    when = timezone.localtime() + timedelta(days=1)
    client.force_login(editor)
    client.post(
        _change_url(article),
        _form(
            version=article.version,
            slug="tomorrow",
            status="published",
            published_at_0=when.strftime("%Y-%m-%d"),
            published_at_1=when.strftime("%H:%M:%S"),
        ),
    )
    article.refresh_from_db()
    assert article.is_scheduled and not article.is_public
    html = client.get(CHANGELIST).content.decode()
    assert f"Scheduled for {when:%Y-%m-%d %H:%M}" in html


def test_editor_unpublishes_with_the_action(client, editor):
    live = make_article()
    client.force_login(editor)
    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [live.pk]})
    live.refresh_from_db()
    assert live.status == Article.Status.DRAFT


def test_editor_publishes_with_the_action(client, editor):
    ready = make_article(status=Article.Status.IN_REVIEW)
    client.force_login(editor)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [ready.pk]})
    ready.refresh_from_db()
    assert ready.is_public


def test_editor_edits_anyones_article(client, editor):
    theirs = make_article(authors=[make_staff("Reporters")], slug="theirs")
    client.force_login(editor)
    response = client.post(
        _change_url(theirs), _form(version=theirs.version, slug="theirs", status="published")
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.headline == "Bridge reopens"


def test_editors_see_needs_review_count_and_filter(client, editor):
    waiting = [make_article(status=Article.Status.IN_REVIEW) for _ in range(2)]
    make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "<strong>2</strong> articles waiting for an editor" in html
    listed = client.get(CHANGELIST, {"workflow": "review"}).context["cl"].result_list
    assert set(listed) == set(waiting)


def test_reporters_do_not_see_the_needs_review_count(client, reporter):
    make_article(status=Article.Status.IN_REVIEW)
    client.force_login(reporter)
    assert "waiting for an editor" not in client.get(reverse("admin:index")).content.decode()


def test_scheduled_filter_lists_only_future_articles(client, editor):
    later = make_article(published_at=timezone.now() + timedelta(hours=3))
    make_article()
    client.force_login(editor)
    listed = client.get(CHANGELIST, {"workflow": "scheduled"}).context["cl"].result_list
    assert list(listed) == [later]


def test_status_column_copes_with_a_published_row_without_a_date(client, editor):
    # Article.save always sets the date; a bulk update or an import need not.
    article = make_article()
    Article.objects.filter(pk=article.pk).update(published_at=None)
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "Scheduled for" not in response.content.decode()


def test_scheduled_article_goes_live_at_its_minute(client, time_machine):
    at = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    article = make_article(published_at=at)
    time_machine.move_to(at - timedelta(minutes=1), tick=False)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert not Article.objects.published().exists()
    time_machine.move_to(at, tick=False)
    assert client.get(article.get_absolute_url()).status_code == 200
    time_machine.move_to(at + timedelta(minutes=1), tick=False)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert list(Article.objects.published()) == [article]


def test_demo_reporter_can_log_in_and_write(client):
    user, password = ensure_demo_reporter()
    again, _ = ensure_demo_reporter()
    assert again == user
    assert log_in(client, "reporter", password)
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    assert not user.has_perm("articles.publish_article")
