"""Static pages (pages/): addresses, slugs that would hide others, the editor, previews."""

import re

import pytest
from django.core.management import call_command
from django.urls import get_resolver, reverse

from articles.editor import library_src
from pages.forms import slug_conflict
from pages.models import Page
from tests.factories import make_image, make_section, make_staff

pytestmark = pytest.mark.django_db

POLICY = "Content-Security-Policy"


def make_page(**fields):
    fields.setdefault("title", "About us")
    fields.setdefault("slug", "about")
    fields.setdefault("body", "<p>We report on the town.</p>")
    fields.setdefault("status", Page.Status.PUBLISHED)
    return Page.objects.create(**fields)


def page_form_data(**fields):
    data = {
        "title": "Advertise with us",
        "slug": "advertise",
        "description": "",
        "body": "<p>Reach the whole town.</p>",
        "status": "published",
        "order": "0",
    }
    data.update(fields)
    return data


@pytest.fixture
def editor_client(client):
    client.force_login(make_staff("Editors"))
    return client


# --- Reading ---------------------------------------------------------------------------


def test_published_page_is_at_its_top_level_address(client):
    page = make_page(description="Who we are.")
    assert page.get_absolute_url() == "/about/"
    response = client.get("/about/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>About us</h1>" in html
    assert "<p>We report on the town.</p>" in html
    assert '<meta name="description" content="Who we are.">' in html
    assert '<link rel="canonical" href="http://testserver/about/">' in html


def test_draft_page_is_not_public(client):
    make_page(status=Page.Status.DRAFT)
    assert client.get("/about/").status_code == 404


def test_unknown_slug_is_a_404(client):
    assert client.get("/no-such-page/").status_code == 404


def test_body_is_sanitised_when_saved():
    page = make_page(
        body='<p onclick="steal()">Hi<script>alert(1)</script></p><a href="javascript:x()">x</a>'
        '<img src="https://tracker.example/pixel.gif">'
    )
    page.refresh_from_db()
    assert "script" not in page.body
    assert "onclick" not in page.body
    assert "javascript:" not in page.body
    assert "tracker.example" not in page.body
    assert "<p>Hi</p>" in page.body


def test_body_pictures_are_served_from_renditions_never_the_original(client):
    image = make_image()
    make_page(body=f'<p><img src="{library_src(image.file.name)}" alt="The office"></p>')
    html = client.get("/about/").content.decode()
    assert "<picture" in html
    assert 'alt="The office"' in html
    assert image.renditions.first().file.url in html
    assert image.file.name not in html


def test_page_query_count_is_fixed(client, django_assert_num_queries):
    make_page()
    for number in range(5):
        make_page(title=f"Page {number}", slug=f"page-{number}", show_in_navigation=True)
    client.get("/about/")  # Reads the site's furniture once for this cache generation.
    # the page; the footer's pages and the site settings come from the cache
    with django_assert_num_queries(1):
        assert client.get("/about/").status_code == 200


def test_page_with_pictures_query_count_is_fixed(client, django_assert_num_queries):
    images = [make_image() for _ in range(3)]
    body = "".join(f'<p><img src="{library_src(image.file.name)}" alt="x"></p>' for image in images)
    make_page(body=body)
    client.get("/about/")
    # the page, its library pictures, their renditions
    with django_assert_num_queries(3):
        assert client.get("/about/").status_code == 200


def test_page_is_served_from_the_page_cache_and_an_edit_shows_at_once(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    page = make_page()
    assert client.get("/about/")["X-Page-Cache"] == "miss"
    assert client.get("/about/")["X-Page-Cache"] == "hit"
    editor = make_staff("Editors")
    staff = type(client)()
    staff.force_login(editor)
    response = staff.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        page_form_data(title="About the paper", slug="about"),
    )
    assert response.status_code == 302
    fresh = client.get("/about/")
    assert fresh["X-Page-Cache"] == "miss"
    assert "<h1>About the paper</h1>" in fresh.content.decode()


# --- Footer and navigation -------------------------------------------------------------


def test_published_pages_are_in_the_footer_in_order_drafts_are_not(client):
    make_page(title="Contact", slug="contact", order=2)
    make_page(title="About us", slug="about", order=1)
    make_page(title="Secret plans", slug="plans", status=Page.Status.DRAFT)
    html = client.get("/").content.decode()
    footer = html[html.index('<nav class="footer-nav" aria-label="Footer">') :]
    assert footer.index('href="/about/">About us') < footer.index('href="/contact/">Contact')
    assert "Secret plans" not in html


def test_navigation_pages_lists_only_pages_shown_in_navigation(client):
    make_page(title="About us", slug="about", show_in_navigation=True, order=2)
    make_page(title="Terms", slug="terms", order=3)
    make_page(title="Contact", slug="contact", show_in_navigation=True, order=1)
    make_page(title="Draft", slug="draft", show_in_navigation=True, status=Page.Status.DRAFT)
    response = client.get("/")
    listed = [(link.title, link.url) for link in response.context["navigation_pages"]]
    assert listed == [("Contact", "/contact/"), ("About us", "/about/")]
    assert [link.title for link in response.context["footer_pages"]] == [
        "Contact",
        "About us",
        "Terms",
    ]


def test_masthead_lists_the_sections_then_the_pages_shown_in_navigation(client):
    make_section(name="Sport", slug="sport", order=1)
    make_page(title="About us", slug="about", show_in_navigation=True)
    make_page(title="Terms", slug="terms")
    html = client.get("/about/").content.decode()
    masthead = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    links = re.findall(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', masthead)
    # The same links twice: the small screens' menu, then the wide screens' list.
    assert links == 2 * [
        ("/section/sport/", "", "Sport"),
        ("/about/", ' aria-current="page"', "About us"),
    ]


def test_footer_lists_the_sections_in_navigation_order(client):
    make_section(name="Sport", slug="sport", order=2)
    make_section(name="Politics", slug="politics", order=1)
    make_section(name="Hidden", slug="hidden", order=3, show_in_navigation=False)
    html = client.get("/").content.decode()
    footer = html[html.index('<nav class="footer-nav"') :]
    sections = footer[: footer.index("</ul>")]
    assert re.findall(r'href="([^"]+)">([^<]+)<', sections) == [
        ("/section/politics/", "Politics"),
        ("/section/sport/", "Sport"),
    ]


def test_footer_is_a_labelled_navigation_with_the_feed_and_no_script(client):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<nav class="footer-nav" aria-label="Footer">' in footer
    assert f'href="{reverse("articles:feed")}">RSS feed</a>' in footer
    assert "<script" not in footer


# --- Slugs that would hide another address ------------------------------------------------


@pytest.mark.parametrize(
    "slug",
    [
        "admin",  # /admin/
        "tag",  # /tag/<slug>/
        "author",  # /author/<username>/
        "search",  # /search/
        "feed",  # /feed/
        "corrections",  # /corrections/
        "healthz",  # /healthz
        "2026",  # /2026/01/31/<slug>/: the year of article addresses
        "pages",  # /pages/preview/<pk>/
        "static",  # STATIC_URL, served before Django
        "media",  # MEDIA_URL
        "sitemap",  # reserved (PAGES_RESERVED_SLUGS)
        "section",  # reserved for section fronts
    ],
)
def test_slug_that_would_hide_an_address_is_refused_with_a_clear_error(editor_client, slug):
    response = editor_client.post(reverse("admin:pages_page_add"), page_form_data(slug=slug))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["slug"]
    assert errors == [
        f"“{slug}” cannot be a page's address: {slug_conflict(slug)}. Choose another slug."
    ]
    assert not Page.objects.exists()


def test_slug_check_asks_the_urlconf_so_new_addresses_are_protected(settings):
    assert slug_conflict("events") == ""
    settings.ROOT_URLCONF = "tests.pages.urls_with_events"
    assert slug_conflict("events") == "addresses under /events/ belong to another part of the site"
    assert slug_conflict("calendar") == "/calendar/ is already an address of the site"


def test_ordinary_slug_is_accepted_and_lower_cased(editor_client):
    response = editor_client.post(
        reverse("admin:pages_page_add"), page_form_data(slug="Advertise-With-Us")
    )
    assert response.status_code == 302
    page = Page.objects.get()
    assert page.slug == "advertise-with-us"
    assert page.get_absolute_url() == "/advertise-with-us/"


def test_a_slug_in_use_by_another_page_is_refused(editor_client):
    make_page(slug="advertise")
    response = editor_client.post(reverse("admin:pages_page_add"), page_form_data())
    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors["slug"])
    assert Page.objects.count() == 1


def test_the_page_address_comes_last_in_the_urlconf():
    last = get_resolver().url_patterns[-1]
    assert last.urlconf_name.__name__ == "pages.urls"
    assert str(last.url_patterns[-1].pattern) == "<slug:slug>/"


# --- The admin ---------------------------------------------------------------------------


def test_editors_write_pages_in_the_articles_editor_with_its_policy(editor_client):
    response = editor_client.get(reverse("admin:pages_page_add"))
    assert response.status_code == 200
    assert "ckeditor/ckeditor/ckeditor.js" in response.content.decode()
    assert "'unsafe-inline'" in response[POLICY]


def test_editor_body_is_sanitised_through_the_admin(editor_client):
    response = editor_client.post(
        reverse("admin:pages_page_add"),
        page_form_data(body='<p>Fine</p><script>alert("x")</script><iframe src="x"></iframe>'),
    )
    assert response.status_code == 302
    assert Page.objects.get().body == "<p>Fine</p>"


def test_reporters_read_pages_but_cannot_change_them(client):
    page = make_page()
    client.force_login(make_staff("Reporters"))
    assert client.get(reverse("admin:pages_page_change", args=[page.pk])).status_code == 200
    response = client.post(
        reverse("admin:pages_page_change", args=[page.pk]), page_form_data(title="Hacked")
    )
    assert response.status_code == 403
    assert client.post(reverse("admin:pages_page_add"), page_form_data()).status_code == 403
    page.refresh_from_db()
    assert page.title == "About us"


def test_change_form_links_to_the_preview(editor_client):
    page = make_page()
    html = editor_client.get(reverse("admin:pages_page_change", args=[page.pk])).content.decode()
    assert f'href="{reverse("pages:preview", args=[page.pk])}"' in html


# --- Previews ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Editors", "Reporters"])
def test_staff_preview_a_draft_as_readers_will_see_it(client, role):
    draft = make_page(status=Page.Status.DRAFT, title="Coming soon")
    client.force_login(make_staff(role))
    response = client.get(reverse("pages:preview", args=[draft.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Coming soon</h1>" in html
    assert "a draft; readers cannot see it" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]


def test_anonymous_reader_cannot_preview(client):
    draft = make_page(status=Page.Status.DRAFT)
    response = client.get(reverse("pages:preview", args=[draft.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_the_right_cannot_preview(client):
    from tests.factories import make_user

    draft = make_page(status=Page.Status.DRAFT)
    client.force_login(make_user(is_staff=True))
    assert client.get(reverse("pages:preview", args=[draft.pk])).status_code == 404


# --- Sitemap and demo --------------------------------------------------------------------


def test_published_pages_are_in_their_sitemap_file(client):
    make_page()
    make_page(title="Draft", slug="draft", status=Page.Status.DRAFT)
    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sitemap-pages.xml</loc>" in index
    response = client.get("/sitemap-pages.xml")
    assert response.status_code == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    assert locations == ["http://testserver/about/"]
    assert "<lastmod>" in response.content.decode()


def test_load_demo_publishes_an_about_and_a_contact_page_once(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    pages = Page.objects.published()
    assert sorted(pages.values_list("slug", flat=True)) == ["about", "contact"]
    for page in pages:
        response = client.get(page.get_absolute_url())
        assert response.status_code == 200
        assert page.title in response.content.decode()
