"""The article form's writing aids: limits, the slug's address, length, authors, revision times."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.forms import author_labels
from articles.models import ArticleRevision, AuthorProfile, FrontPagePin
from tests.factories import inline_management_data, make_article, make_user

pytestmark = pytest.mark.django_db


def _change_page(client, article):
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _slug_address(html):
    match = re.search(r'<span class="slug-address"[^>]*>([^<]*)</span>', html)
    assert match, "no slug address"
    return match.group(1)


def test_headline_and_standfirst_show_their_limits_without_javascript(admin_client):
    html = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    headline = re.search(r'<textarea[^>]*name="headline"[^>]*>', html).group(0)
    assert 'class="writing-wide"' in headline and 'data-count-limit="110"' in headline
    assert 'rows="2"' in headline and 'maxlength="255"' in headline
    assert "Google News shows at most 110 characters of a headline" in html
    standfirst = re.search(r'<textarea[^>]*name="standfirst"[^>]*>', html).group(0)
    assert 'rows="3"' in standfirst and 'data-count-limit="160"' in standfirst
    assert "Search results show about 160 characters." in html
    # The aids are the project's own files, loaded as files (the admin's CSP allows no
    # inline script).
    assert "/static/js/admin-counters.js" in html
    assert "/static/css/admin-writing.css" in html
    assert "/static/articles/editor-aids.js" in html


def test_slug_shows_the_address_of_a_published_article(admin_client, settings):
    settings.TIME_ZONE = "Europe/Paris"
    published = timezone.make_aware(datetime(2026, 1, 5, 23, 30), timezone.get_fixed_timezone(60))
    article = make_article(slug="bridge-reopens", published_at=published)
    html = _change_page(admin_client, article)
    assert _slug_address(html) == "http://testserver/2026/01/05/bridge-reopens/"
    assert "The article&#x27;s address:" in html or "The article's address:" in html
    assert f"http://testserver{article.get_absolute_url()}" == _slug_address(html)


def test_slug_of_a_draft_shows_the_address_it_will_have_if_published_today(admin_client):
    article = make_article(slug="council-vote", status="draft", published_at=None)
    html = _change_page(admin_client, article)
    today = timezone.localdate()
    assert _slug_address(html) == f"http://testserver/{today:%Y/%m/%d}/council-vote/"
    assert "The address it will have if published today" in html


def test_slug_of_a_scheduled_article_shows_its_future_address(admin_client):
    later = timezone.now() + timedelta(days=3)
    article = make_article(slug="budget-day", published_at=later)
    html = _change_page(admin_client, article)
    assert _slug_address(html) == f"http://testserver{article.get_absolute_url()}"
    assert "The address it will have when it goes live" in html


def test_add_form_shows_where_the_slug_will_go(admin_client):
    html = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    today = timezone.localdate()
    assert _slug_address(html) == f"http://testserver/{today:%Y/%m/%d}/your-headline/"
    assert 'data-prefix="http://testserver/' in html and 'data-suffix="/"' in html


def test_refused_form_shows_the_address_of_the_slug_typed(admin_client):
    data = {
        "headline": "",
        "slug": "typed-slug",
        "body": "",
        "status": "draft",
        **inline_management_data(),
    }
    html = admin_client.post(reverse("admin:articles_article_add"), data).content.decode()
    assert _slug_address(html).endswith("/typed-slug/")


def test_a_hostile_slug_is_escaped_in_its_address(admin_client):
    data = {
        "headline": "Title",
        "slug": '"><script>alert(1)</script>',
        "body": "",
        "status": "draft",
        **inline_management_data(),
    }
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200  # refused: not a slug
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in _slug_address(html)


def test_change_page_shows_word_count_and_reading_time(admin_client):
    words = " ".join(["word"] * 461)
    article = make_article(body=f"<p>{words}</p><p>and one more</p>")
    html = _change_page(admin_client, article)
    # 464 words at 230 a minute: just over two minutes, said as three.
    assert "464 words, about 3 minutes to read" in html
    assert 'data-words-per-minute="230"' in html


def test_short_and_empty_bodies_are_said_plainly(admin_client):
    assert "1 word, about 1 minute to read" in _change_page(
        admin_client, make_article(body="<p>Breaking</p>")
    )
    assert "No words yet." in _change_page(admin_client, make_article(body=""))


# --- Authors by their full names -----------------------------------------------------


def _author_options(html):
    select = re.search(
        r'<select name="authorships-0-author"[^>]*>(.*?)</select>', html, re.S
    ).group(1)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_author_choices_are_full_names_in_order_with_usernames_for_namesakes(admin_client):
    make_user(username="zed", first_name="Ana", last_name="Ruiz", is_staff=True)
    make_user(username="aruiz2", first_name="Ana", last_name="Ruiz", is_staff=True)
    make_user(username="tlee", first_name="Tom", last_name="Lee", is_staff=True)
    make_user(username="bo", is_staff=True)  # no name: the username stands in
    make_user(username="reader", first_name="Not", last_name="Staff")  # no byline: not listed
    former = make_user(username="gone", first_name="Cleo", last_name="Park")
    article = make_article(authors=[former])
    html = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert _author_options(html) == [
        "---------",
        "admin",
        "Ana Ruiz (aruiz2)",
        "Ana Ruiz (zed)",
        "bo",
        "Cleo Park",
        "Tom Lee",
    ]
    # The byline row already saved names its author the same way.
    assert "Cleo Park" in _change_page(admin_client, article)


def test_namesakes_differ_in_case_only_are_told_apart():
    first = make_user(username="a1", first_name="ana", last_name="ruiz")
    second = make_user(username="a2", first_name="Ana", last_name="Ruiz")
    labels = author_labels([first, second])
    assert labels == {first.pk: "ana ruiz (a1)", second.pk: "Ana Ruiz (a2)"}


@pytest.mark.parametrize("people", [2, 40])
def test_article_change_page_query_count_does_not_grow_with_authors(
    admin_client, django_assert_num_queries, people
):
    for number in range(people):
        user = make_user(first_name="Sam", last_name=f"Writer {number % 5}", is_staff=number % 2)
        make_article(authors=[user])
    article = make_article(authors=[make_user(first_name="Ana", last_name="Ruiz")])
    url = reverse("admin:articles_article_change", args=[article.pk])
    admin_client.get(url)
    # Measured on main before the writing aids: the same number; the author choices are
    # still one EXISTS query per select (tests/articles/test_writing_desk.py).
    with django_assert_num_queries(CHANGE_PAGE_QUERIES):
        assert admin_client.get(url).status_code == 200


# The article change page (a published article with one author, as an editor sees it),
# measured on main without the writing aids (since the desk's comments panel: 17).
CHANGE_PAGE_QUERIES = 17


def test_author_profiles_and_pins_list_people_by_name(admin_client):
    user = make_user(username="cpark", first_name="Cleo", last_name="Park")
    AuthorProfile.objects.create(user=user, bio="Covers the port.")
    html = admin_client.get(reverse("admin:articles_authorprofile_changelist")).content.decode()
    assert "Cleo Park" in html
    FrontPagePin.objects.create(article=make_article(), kind="top", position=1, pinned_by=user)
    html = admin_client.get(reverse("admin:articles_frontpagepin_changelist")).content.decode()
    assert "Cleo Park" in html


# --- Revision pages' times -----------------------------------------------------------


def test_revision_pages_print_times_without_a_doubled_dot(admin_client, admin_user, settings):
    settings.TIME_ZONE = "UTC"
    article = make_article(headline="First")
    morning = timezone.make_aware(datetime(2026, 3, 2, 10, 16), UTC)
    first = revisions.record(article, admin_user)
    ArticleRevision.objects.filter(pk=first.pk).update(created=morning)
    article.headline = "Second"
    article.published_at = timezone.make_aware(datetime(2026, 3, 2, 9, 5), UTC)
    article.save()
    second = revisions.record(article, admin_user)
    ArticleRevision.objects.filter(pk=second.pk).update(created=morning + timedelta(hours=2))
    listing = admin_client.get(
        reverse("admin:articles_article_revisions", args=[article.pk])
    ).content.decode()
    page = admin_client.get(
        reverse("admin:articles_article_revision", args=[article.pk, second.pk])
    ).content.decode()
    for html in (listing, page):
        assert "a.m." not in html and "p.m." not in html
        assert ".." not in re.sub(r"<[^>]*>", "", html).replace("...", "")
    assert "2 March 2026, 10:16" in listing and "2 March 2026, 12:16" in listing
    assert "Saved 2 March 2026, 12:16 by" in page
    assert "Compared with the revision of 2 March 2026, 10:16." in page
    # The publication date in the diff reads as a date, not ISO 8601.
    assert "2 March 2026, 09:05" in page


def test_revisions_keep_and_restore_the_search_and_sharing_fields(admin_user):
    from tests.factories import make_image

    social = make_image(alt_text="The quay at night")
    article = make_article(
        status="draft", seo_title="Old title", meta_description="Old summary", social_image=social
    )
    first = revisions.record(article, admin_user)
    article.seo_title, article.meta_description, article.social_image = "New title", "", None
    article.save()
    second = revisions.record(article, admin_user)
    assert revisions.changed_labels(first.data, second.data) == [
        "SEO title",
        "Meta description",
        "Social picture",
    ]
    changes = dict(revisions.diff(first.data, second.data))
    assert ("removed", f"Picture #{social.pk}: The quay at night") in changes["Social picture"]
    assert revisions.restore(article, first, admin_user) == []
    article.refresh_from_db()
    assert (article.seo_title, article.meta_description, article.social_image) == (
        "Old title",
        "Old summary",
        social,
    )


def test_revisions_from_before_the_seo_fields_restore_as_empty(admin_user):
    article = make_article(status="draft", seo_title="Set later")
    old = revisions.record(article, admin_user)
    for name in ("seo_title", "meta_description", "social_image"):
        del old.data[name]
    assert revisions.restore(article, old, admin_user) == []
    article.refresh_from_db()
    assert article.seo_title == ""


def test_picture_list_says_when_a_picture_has_no_alt_text(admin_client):
    from tests.factories import make_image

    image = make_image(alt_text="")
    html = admin_client.get(reverse("admin:articles_image_changelist")).content.decode()
    change = reverse("admin:articles_image_change", args=[image.pk])
    assert re.search(rf'<a href="{change}">\(no alt text yet\)</a>', html)


def test_a_headline_stays_one_line(admin_client):
    data = {
        "headline": "Ferry returns\r\n  to the   harbour ",
        "slug": "ferry-returns",
        "body": "",
        "status": "draft",
        "allow_comments": "on",
        **inline_management_data(),
    }
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    from articles.models import Article

    assert Article.objects.get(slug="ferry-returns").headline == "Ferry returns to the harbour"
