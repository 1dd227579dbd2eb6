"""Site settings editors change in the admin (pages.SiteSettings), cached and shown at once."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management.sql import emit_post_migrate_signal
from django.test import Client
from django.urls import reverse

from newsroom.outage import database_unavailable_response
from pages import furniture
from pages import models as pages_models
from pages.models import Page, SiteSettings
from tests.factories import make_article, make_image, make_section, make_staff, make_tag

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("admin:pages_sitesettings_change", args=[1])


def settings_form_data(**fields):
    data = {"site_name": "", "tagline": "", "logo": "", "contact_email": "", "footer_text": ""}
    data["default_section_slug"] = ""
    data.update({name: "" for name in SiteSettings.SOCIAL_FIELDS})
    data.update(fields)
    return data


@pytest.fixture
def editor_client():
    """A browser of its own, logged in as an editor: readers' ``client`` stays anonymous."""
    editor = Client()
    editor.force_login(make_staff("Editors"))
    return editor


def test_the_one_blank_row_is_made_again_after_a_flush():
    # What a flush (a transactional test's end) leaves, then what migrate and flush send.
    SiteSettings.objects.all().delete()
    emit_post_migrate_signal(0, False, "default")
    site = SiteSettings.objects.get()
    assert site.pk == SiteSettings.SINGLETON_PK
    assert site.site_name == site.tagline == ""


def test_blank_settings_fall_back_to_the_environment_settings(client, settings):
    settings.SITE_NAME = "Harbour Times"
    settings.SITE_TAGLINE = "News from the quay"
    html = client.get("/").content.decode()
    assert '<p class="site-name"><a href="/">Harbour Times</a></p>' in html
    assert '<p class="site-tagline">News from the quay</p>' in html
    assert "&copy; " in html and " Harbour Times." in html


def test_saved_name_and_tagline_show_at_once_on_cached_pages(client, editor_client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    response = editor_client.post(
        CHANGE_URL, settings_form_data(site_name="The Wend Courier", tagline="Since 1899")
    )
    assert response.status_code == 302
    fresh = client.get("/")
    assert fresh["X-Page-Cache"] == "miss"
    html = fresh.content.decode()
    assert '<a href="/">The Wend Courier</a>' in html
    assert '<p class="site-tagline">Since 1899</p>' in html
    assert "<title>The Wend Courier</title>" in html


def test_a_page_render_reads_no_settings_once_they_are_cached(client, django_assert_num_queries):
    SiteSettings.objects.update(site_name="The Wend Courier", logo=make_image())
    Page.objects.create(title="About", slug="about", status="published")
    # Cold: the page, then the settings with the logo, the logo's renditions, the
    # footer's pages, the masthead's sections and the breaking-news banner (once per page
    # cache generation).
    with django_assert_num_queries(6):
        client.get("/about/")
    with django_assert_num_queries(1):
        html = client.get("/about/").content.decode()
    assert "The Wend Courier" in html


def test_admin_pages_read_no_site_furniture(admin_client, client):
    # The context processor is lazy: only templates that show the furniture read it.
    assert admin_client.get(reverse("admin:pages_page_changelist")).status_code == 200
    assert furniture.cache.get(furniture._key()) is None
    client.get("/")
    assert furniture.cache.get(furniture._key()) is not None


def test_logo_is_shown_from_renditions_with_the_site_name_as_its_text(client, editor_client):
    logo = make_image(alt_text="A heron over the river")
    assert (
        editor_client.post(
            CHANGE_URL, settings_form_data(site_name="The Wend Courier", logo=str(logo.pk))
        ).status_code
        == 302
    )
    html = client.get("/").content.decode()
    masthead = html[
        html.index('<p class="site-name">') : html.index("</p>", html.index("site-name"))
    ]
    assert "<picture" in masthead
    assert 'alt="The Wend Courier"' in masthead
    assert logo.renditions.filter(crop="").first().file.url in masthead
    assert logo.file.name not in html  # the original is private


def test_footer_shows_contact_social_links_and_escaped_footer_text(client, editor_client):
    response = editor_client.post(
        CHANGE_URL,
        settings_form_data(
            contact_email="desk@example.org",
            footer_text="Published by Wend Media Ltd\n<script>alert(1)</script>",
            mastodon_url="https://mastodon.example/@courier",
            facebook_url="facebook.example/courier",
        ),
    )
    assert response.status_code == 302
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="mailto:desk@example.org">desk@example.org</a>' in footer
    assert '<a href="https://mastodon.example/@courier" rel="me">Mastodon</a>' in footer
    # An address without a scheme is taken as https.
    assert '<a href="https://facebook.example/courier">Facebook</a>' in footer
    assert "Published by Wend Media Ltd<br>&lt;script&gt;alert(1)&lt;/script&gt;" in footer
    assert "Instagram" not in footer  # blank profiles are not listed


def test_bad_input_gets_a_clear_error_and_changes_nothing(editor_client):
    response = editor_client.post(
        CHANGE_URL,
        settings_form_data(site_name="Changed", contact_email="not an address", x_url="ht!tp:/x"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["contact_email"] == ["Enter a valid email address."]
    assert errors["x_url"] == ["Enter a valid URL."]
    assert SiteSettings.objects.get().site_name == ""


def test_there_is_one_row_never_a_second_and_it_cannot_be_deleted(editor_client):
    assert editor_client.get(reverse("admin:pages_sitesettings_add")).status_code == 403
    assert (
        editor_client.get(reverse("admin:pages_sitesettings_delete", args=[1])).status_code == 403
    )
    SiteSettings(pk=7, site_name="Another").save()
    assert list(SiteSettings.objects.values_list("pk", "site_name")) == [(1, "Another")]


def test_the_list_leads_straight_to_the_form(editor_client):
    response = editor_client.get(reverse("admin:pages_sitesettings_changelist"))
    assert response.status_code == 302
    assert response["Location"] == CHANGE_URL


def test_a_site_without_its_row_gets_it_back_from_the_form(editor_client):
    SiteSettings.objects.all().delete()
    assert editor_client.get(CHANGE_URL).status_code == 200
    response = editor_client.post(CHANGE_URL, settings_form_data(site_name="Restored"))
    assert response.status_code == 302
    assert list(SiteSettings.objects.values_list("pk", "site_name")) == [(1, "Restored")]


def test_no_other_row_has_a_form(editor_client):
    url = reverse("admin:pages_sitesettings_change", args=[2])
    assert editor_client.get(url).status_code == 302  # the admin's "does not exist"


def test_reporters_cannot_see_or_change_site_settings(client):
    client.force_login(make_staff("Reporters"))
    assert client.get(CHANGE_URL).status_code == 403
    assert client.get(reverse("admin:pages_sitesettings_changelist")).status_code == 403
    assert client.post(CHANGE_URL, settings_form_data(site_name="Hijacked")).status_code == 403
    assert SiteSettings.objects.get().site_name == ""


def test_default_section_slug_is_kept_as_written_while_there_are_no_sections(monkeypatch):
    monkeypatch.setattr(pages_models, "section_model", lambda: None)
    site = SiteSettings.objects.get()
    site.default_section_slug = "news"
    site.full_clean()
    site.save()
    assert SiteSettings.objects.get().default_section_slug == "news"


def test_default_section_slug_must_name_a_section_once_sections_exist(monkeypatch):
    # Stands in for the sections' model: a real table with slugs, looked up for real.
    monkeypatch.setattr(pages_models, "section_model", lambda: type(make_tag()))
    make_tag(slug="harbour")
    site = SiteSettings.objects.get()
    site.default_section_slug = "harbour"
    site.full_clean()
    site.default_section_slug = "nowhere"
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert error.value.message_dict == {
        "default_section_slug": ["There is no section with this slug."]
    }


def test_the_outage_page_touches_no_database(client, django_assert_num_queries, settings):
    settings.SITE_NAME = "Harbour Times"
    with django_assert_num_queries(0):
        body = database_unavailable_response().content.decode()
    assert "Back in a moment · Harbour Times" in body
    # Once pages have been rendered, it shows what editors set, still without a query.
    SiteSettings.objects.update(site_name="The Wend Courier", logo=make_image())
    Page.objects.create(title="About", slug="about", status="published")
    client.get("/")
    with django_assert_num_queries(0):
        response = database_unavailable_response()
    body = response.content.decode()
    assert response.status_code == 503
    assert "Back in a moment · The Wend Courier" in body
    assert 'href="/about/">About</a>' in body
    assert "<picture" not in body  # no logo: a missing rendition would queue work


def test_the_feed_link_and_copyright_are_on_every_public_page(client):
    Page.objects.create(title="About", slug="about", status="published")
    for path in ("/", "/about/", "/search/?q=x", "/corrections/"):
        html = client.get(path).content.decode()
        assert 'aria-label="Footer"' in html, path
        assert '">RSS feed</a>' in html, path


def test_feeds_carry_the_name_and_tagline_editors_set(client, editor_client):
    make_tag(name="Sport", slug="sport")
    editor_client.post(
        CHANGE_URL, settings_form_data(site_name="The Wend Courier", tagline="Since 1899")
    )
    feed = client.get("/feed/").content.decode()
    assert "<title>The Wend Courier</title>" in feed
    assert "<description>Since 1899</description>" in feed
    assert (
        "<title>Sport · The Wend Courier</title>" in client.get("/tag/sport/feed/").content.decode()
    )


def test_the_default_section_editors_choose_replaces_the_setting_at_once(client, settings):
    settings.NEWS_DEFAULT_SECTION = "news"
    make_section(name="News", slug="news")
    make_section(name="Local", slug="local")
    unfiled = make_article(headline="Unfiled story")
    assert (
        'href="/section/news/">News</a>' in client.get(unfiled.get_absolute_url()).content.decode()
    )

    editor = Client()
    editor.force_login(make_staff("Editors"))
    form = (
        editor.get(reverse("admin:pages_sitesettings_change", args=[1])).context["adminform"].form
    )
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(default_section_slug="local", logo="")
    assert (
        editor.post(reverse("admin:pages_sitesettings_change", args=[1]), data).status_code == 302
    )

    html = client.get(unfiled.get_absolute_url()).content.decode()
    assert 'href="/section/local/">Local</a>' in html
    assert "Unfiled story" in client.get("/section/local/").content.decode()
