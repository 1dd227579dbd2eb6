"""Preview, share links, corrections, bylines, author pages and old addresses."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import preview
from articles.models import Article, AuthorProfile, Correction, Redirect
from tests.factories import (
    inline_management_data,
    make_article,
    make_image,
    make_staff,
    make_tag,
    make_user,
    prime_page_furniture,
)

pytestmark = pytest.mark.django_db


# --- Preview -----------------------------------------------------------------------------


def test_staff_previews_a_draft_as_readers_will_see_it(admin_client):
    draft = make_article(status=Article.Status.DRAFT, headline="Secret budget plan")
    response = admin_client.get(reverse("articles:preview", args=[draft.pk]))
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "<h1>Secret budget plan</h1>" in html
    assert "readers cannot see it" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_staff_previews_a_scheduled_article(admin_client):
    later = make_article(published_at=timezone.now() + timedelta(days=1))
    response = admin_client.get(reverse("articles:preview", args=[later.pk]))
    assert response.status_code == 200
    assert "scheduled for" in response.content.decode()


def test_anonymous_reader_cannot_preview(client):
    draft = make_article(status=Article.Status.DRAFT)
    response = client.get(reverse("articles:preview", args=[draft.pk]))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_logged_in_non_staff_cannot_preview(client):
    draft = make_article(status=Article.Status.DRAFT, headline="Hidden")
    client.force_login(make_user())
    response = client.get(reverse("articles:preview", args=[draft.pk]))
    assert response.status_code == 302


def test_reporter_previews_only_own_articles(client):
    reporter = make_staff("Reporters")
    mine = make_article(status=Article.Status.DRAFT, authors=[reporter])
    theirs = make_article(status=Article.Status.DRAFT, authors=[make_staff("Reporters")])
    client.force_login(reporter)
    assert client.get(reverse("articles:preview", args=[mine.pk])).status_code == 200
    assert client.get(reverse("articles:preview", args=[theirs.pk])).status_code == 404


def test_change_form_links_preview_share_link_and_revisions(admin_client):
    article = make_article(status=Article.Status.DRAFT)
    html = admin_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert reverse("articles:preview", args=[article.pk]) in html
    assert "/preview/shared/" in html
    assert reverse("admin:articles_article_revisions", args=[article.pk]) in html


def test_share_link_works_without_an_account_until_it_expires(client, settings, time_machine):
    settings.PREVIEW_LINK_HOURS = 48
    draft = make_article(status=Article.Status.DRAFT, headline="Embargoed story")
    time_machine.move_to(timezone.now(), tick=False)
    url = preview.share_path(draft)
    response = client.get(url)
    assert response.status_code == 200
    assert "Embargoed story" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    time_machine.shift(timedelta(hours=47, minutes=59))
    assert client.get(url).status_code == 200
    time_machine.shift(timedelta(minutes=2))
    expired = client.get(url)
    assert expired.status_code == 410
    assert "Embargoed story" not in expired.content.decode()
    assert "expired" in expired.content.decode()


def test_tampered_share_link_is_404(client):
    draft = make_article(status=Article.Status.DRAFT)
    other = make_article(status=Article.Status.DRAFT)
    token = preview.make_token(draft)
    forged = token.replace(f"{draft.pk}:", f"{other.pk}:", 1)
    url = reverse("articles:preview-shared", kwargs={"token": forged})
    assert client.get(url).status_code == 404


def test_share_links_use_their_own_salt(client):
    from django.core import signing

    draft = make_article(status=Article.Status.DRAFT)
    token = signing.TimestampSigner().sign(str(draft.pk))
    url = reverse("articles:preview-shared", kwargs={"token": token})
    assert client.get(url).status_code == 404


# --- Minor edits ------------------------------------------------------------------------------


def _edit(admin_client, article, **overrides):
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": "A fixed typo.",
        "body": article.body,
        "status": article.status,
        "published_at_0": timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(article.published_at).strftime("%H:%M:%S"),
        "allow_comments": "on",
        "byline": article.byline,
    }
    data.update(inline_management_data(), version=article.version)
    data.update(overrides)
    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


def test_editing_a_published_article_in_the_admin_shows_updated(admin_client):
    article = _edit(admin_client, make_article())
    assert article.updated_at is not None


def test_minor_edit_does_not_show_updated(admin_client, client):
    article = _edit(admin_client, make_article(), minor_edit="on")
    assert article.standfirst == "A fixed typo."
    assert article.updated_at is None
    assert "Updated" not in client.get(article.get_absolute_url()).content.decode()


# --- Corrections -----------------------------------------------------------------------------


def test_editor_adds_a_correction_in_the_admin_and_it_marks_the_article_updated(
    admin_client, client
):
    article = make_article()
    _edit(
        admin_client,
        article,
        standfirst=article.standfirst,
        minor_edit="on",
        **inline_management_data(corrections=[("correction", "The vote was 5-4, not 6-3.")]),
    )
    correction = Correction.objects.get()
    assert correction.article == article
    assert article.updated_at == correction.created
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="corrections-box"' in html
    assert "The vote was 5-4, not 6-3." in html
    assert html.index("corrections-box") > html.index("story-body")


def test_a_correction_to_a_scheduled_article_does_not_mark_it_updated(client):
    article = make_article(published_at=timezone.now() + timedelta(hours=3))
    Correction.objects.create(article=article, text="The date of the vote was wrong.")
    article.refresh_from_db()
    assert article.updated_at is None
    assert article.is_scheduled and not article.is_public


def test_correction_inline_is_offered_to_editors_on_published_articles_only(admin_client):
    live = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    live_page = admin_client.get(reverse("admin:articles_article_change", args=[live.pk]))
    draft_page = admin_client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert "corrections-TOTAL_FORMS" in live_page.content.decode()
    assert "corrections-TOTAL_FORMS" not in draft_page.content.decode()


def test_reporters_get_no_corrections_inline(client):
    reporter = make_staff("Reporters")
    live = make_article(authors=[reporter])
    client.force_login(reporter)
    page = client.get(reverse("admin:articles_article_change", args=[live.pk]))
    assert "corrections-TOTAL_FORMS" not in page.content.decode()


def test_correction_text_is_escaped(client):
    article = make_article()
    Correction.objects.create(article=article, text="<script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_corrections_page_lists_corrections_on_published_articles_newest_first(client):
    article = make_article(headline="Council vote")
    old = Correction.objects.create(
        article=article, text="Older note.", created=timezone.now() - timedelta(days=2)
    )
    new = Correction.objects.create(
        article=article, kind=Correction.Kind.CLARIFICATION, text="Newer note."
    )
    unpublished = make_article(status=Article.Status.DRAFT)
    Correction.objects.create(article=unpublished, text="Not for readers.")
    response = client.get(reverse("articles:corrections"))
    assert response.status_code == 200
    assert list(response.context["correction_list"]) == [new, old]
    html = response.content.decode()
    assert "Clarification" in html and article.get_absolute_url() in html
    assert "Not for readers." not in html


def test_corrections_page_paginates(client):
    article = make_article()
    for number in range(21):
        Correction.objects.create(article=article, text=f"Note {number}.")
    assert client.get(reverse("articles:corrections")).context["page_obj"].has_next()
    assert client.get(reverse("articles:corrections"), {"page": 2}).status_code == 200


@pytest.mark.parametrize("count", [1, 25])
def test_corrections_page_query_count_is_fixed(client, django_assert_num_queries, count):
    for _ in range(count):
        Correction.objects.create(article=make_article(), text="A note.")
    # With nothing cached: the count and the next scheduled publication and pin expiry
    # (how long the count may be kept), the page's ids, those corrections with their
    # articles.
    prime_page_furniture()
    with django_assert_num_queries(5):
        assert client.get(reverse("articles:corrections")).status_code == 200
    # The count is kept for the page cache's generation.
    with django_assert_num_queries(2):
        assert client.get(reverse("articles:corrections")).status_code == 200


@pytest.mark.parametrize("count", [0, 6])
def test_article_page_query_count_is_fixed_with_corrections(
    client, django_assert_num_queries, count
):
    article = make_article(tags=[make_tag()], authors=[make_user()])
    for _ in range(count):
        Correction.objects.create(article=article, text="A note.")
    # the article (with its approved-comment and correction counts), its tags, its
    # authors, its visible comments, the related stories (it has a tag), and its
    # corrections only when it has any; no picture, so no picture queries
    prime_page_furniture()
    with django_assert_num_queries(6 if count else 5):
        assert client.get(article.get_absolute_url()).status_code == 200


# --- Bylines and author pages ------------------------------------------------------------------


def test_byline_lists_authors_in_order_with_links(client):
    chi = make_user(username="chi", first_name="Chi", last_name="Lam")
    ana = make_user(username="ana", first_name="Ana", last_name="Ruiz")
    ben = make_user(username="ben", first_name="Ben", last_name="Okafor")
    article = make_article()
    for position, user in enumerate([ana, ben, chi]):
        article.authorships.create(author=user, position=position)
    assert article.display_byline == "Ana Ruiz, Ben Okafor and Chi Lam"
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        'By <a href="/author/ana/" rel="author">Ana Ruiz</a>, '
        '<a href="/author/ben/" rel="author">Ben Okafor</a> and '
        '<a href="/author/chi/" rel="author">Chi Lam</a>'
    ) in html


def test_authors_add_appends_to_the_byline():
    article = make_article()
    second, first = make_user(first_name="Zed"), make_user(first_name="Amy")
    article.authors.add(second)
    article.authors.add(first)
    assert article.ordered_authors == [second, first]


def test_admin_saves_authors_in_the_order_given(admin_client):
    ana, ben = make_staff("Reporters", first_name="Ana"), make_staff("Editors", first_name="Ben")
    article = make_article()
    _edit(admin_client, article, **inline_management_data(authors=[ben, ana]))
    assert article.ordered_authors == [ben, ana]


def test_byline_override_is_shown_as_free_text(client):
    article = make_article(authors=[make_user()], byline="Reported by Ana, translated by Ben")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "By Reported by Ana, translated by Ben" in html
    assert "/author/" not in html


def test_author_page_shows_bio_and_published_articles(client):
    author = make_user(username="ana", first_name="Ana", last_name="Ruiz")
    AuthorProfile.objects.create(user=author, bio="Covers the council.")
    mine = make_article(headline="Council story", authors=[author])
    make_article(headline="Draft story", authors=[author], status=Article.Status.DRAFT)
    make_article(headline="Someone else's story")
    response = client.get(reverse("articles:author", args=["ana"]))
    assert response.status_code == 200
    assert list(response.context["article_list"]) == [mine]
    html = response.content.decode()
    assert "<h1>Ana Ruiz</h1>" in html
    assert "Covers the council." in html
    assert "Draft story" not in html and "Someone else" not in html


def test_author_without_published_articles_has_no_page(client):
    make_user(username="quiet")
    draft_writer = make_user(username="drafter")
    make_article(authors=[draft_writer], status=Article.Status.DRAFT)
    assert client.get(reverse("articles:author", args=["quiet"])).status_code == 404
    assert client.get(reverse("articles:author", args=["drafter"])).status_code == 404
    assert client.get(reverse("articles:author", args=["nobody"])).status_code == 404


@pytest.mark.parametrize("count", [1, 12])
def test_author_page_query_count_is_fixed(client, django_assert_num_queries, count):
    author = make_user(username="busy")
    AuthorProfile.objects.create(user=author, bio="Writes a lot.")
    for _ in range(count):
        make_article(
            authors=[author, make_user()],
            tags=[make_tag(), make_tag()],
            featured_image=make_image(),
        )
    url = reverse("articles:author", args=["busy"])
    client.get(url)  # The first view makes the pictures' renditions; later views reuse them.
    # the author with their profile, count, page of articles, their authors, the
    # pictures' renditions; cards show no tags
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


# --- Old addresses ----------------------------------------------------------------------------


def test_changing_a_published_slug_keeps_the_old_address(client):
    article = make_article(slug="old-name")
    old_url = article.get_absolute_url()
    article.slug = "new-name"
    article.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_changing_a_published_date_keeps_the_old_address(client):
    article = make_article(published_at=timezone.now() - timedelta(days=3))
    old_url = article.get_absolute_url()
    article.published_at = timezone.now() - timedelta(days=1)
    article.save()
    assert old_url != article.get_absolute_url()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_changing_slug_and_date_together_keeps_the_old_address(client):
    article = make_article(slug="first", published_at=timezone.now() - timedelta(days=3))
    old_url = article.get_absolute_url()
    article.slug = "second"
    article.published_at = timezone.now() - timedelta(days=1)
    article.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_renaming_twice_keeps_both_old_addresses(client):
    article = make_article(slug="one")
    first_url = article.get_absolute_url()
    article.slug = "two"
    article.save()
    article.slug = "three"
    article.save()
    assert client.get(first_url)["Location"] == article.get_absolute_url()
    old_paths = set(Redirect.objects.values_list("old_path", flat=True))
    assert old_paths == {first_url, first_url.replace("/one/", "/two/")}


def test_draft_slug_changes_leave_no_redirect():
    article = make_article(slug="draft-one", status=Article.Status.DRAFT)
    article.slug = "draft-two"
    article.save()
    assert not Redirect.objects.exists()


def test_old_slug_of_an_unpublished_article_is_404(client):
    article = make_article(slug="was-live")
    old_url = article.get_absolute_url()
    article.slug = "now-hidden"
    article.save()
    Article.objects.filter(pk=article.pk).unpublish()
    assert client.get(old_url).status_code == 404


def test_a_new_article_may_reuse_an_old_slug(client):
    moved = make_article(slug="shared-name")
    moved.slug = "moved-away"
    moved.save()
    newcomer = make_article(slug="shared-name")
    response = client.get(newcomer.get_absolute_url())
    assert response.status_code == 200
    assert response.context["article"] == newcomer


def test_set_authors_keeps_the_order_given():
    people = [make_user() for _ in range(5)]
    article = make_article()
    article.set_authors(reversed(people))
    assert article.ordered_authors == people[::-1]
    article.set_authors([people[2], people[0]])
    assert article.ordered_authors == [people[2], people[0]]


def test_adding_an_author_twice_in_the_admin_is_a_form_error(admin_client):
    author = make_staff("Reporters")
    article = make_article(authors=[author])
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "body": article.body,
        "status": "draft",
        "allow_comments": "on",
    }
    data.update(inline_management_data(article=article, authors=[author]))
    # A second row for the same author, as a forged or double-clicked form would send.
    data.update(
        {"authorships-TOTAL_FORMS": "2", "authorships-1-author": str(author.pk)},
        **{"authorships-1-position": "1"},
    )
    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "already" in response.content.decode()
    assert article.ordered_authors == [author]
