"""Link previews and canonical links on every page, share links, related stories, print."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from articles.models import Article, AuthorProfile
from pages.models import Page, SiteSettings
from tests.factories import (
    make_article,
    make_image,
    make_section,
    make_tag,
    make_user,
    prime_page_furniture,
)

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """Collect a page's meta properties, links and scripts."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.scripts, self.anchors = {}, [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script":
            self.scripts.append(attrs)
        elif tag == "a":
            self.anchors.append(attrs)


def head(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = Head()
    parsed.feed(response.content.decode())
    return parsed


def canonical(page):
    (link,) = [link for link in page.links if link.get("rel") == "canonical"]
    return link["href"]


@pytest.fixture
def site():
    """A site with a logo, a section, a tag, an author with a bio and a page."""
    settings_row = SiteSettings.load()
    settings_row.logo = make_image(alt_text="The Harbour Post")
    settings_row.save()
    author = make_user(username="ana", first_name="Ana", last_name="Ruiz")
    AuthorProfile.objects.create(user=author, bio="Covers the harbour.")
    section = make_section(name="Local", slug="local")
    tag = make_tag(name="Ferries", slug="ferries")
    Page.objects.create(title="About us", slug="about", status=Page.Status.PUBLISHED)
    article = make_article(
        headline="Ferry returns",
        standfirst="Crossings resume.",
        featured_image=make_image(alt_text="The ferry at the pier"),
        authors=[author],
        section=section,
        tags=[tag, make_tag(name="Transport")],
    )
    return article


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/section/local/",
        "/tag/ferries/",
        "/author/ana/",
        "/about/",
        "/search/?q=ferry",
        "/corrections/",
    ],
)
def test_every_public_page_has_a_canonical_link_and_link_preview_tags(client, site, path):
    page = head(client, path)
    assert canonical(page).startswith("http://testserver/")
    for name in ("og:type", "og:site_name", "og:title", "og:description", "og:url"):
        assert page.meta.get(name) and page.meta[name][0], (path, name)
    assert page.meta["og:url"] == [canonical(page)]
    # The site's logo stands for pages with no picture of their own.
    assert page.meta["og:image"][0].startswith("http://testserver/media/renditions/")
    assert int(page.meta["og:image:width"][0]) > 0 and int(page.meta["og:image:height"][0]) > 0
    assert page.meta["og:image:alt"] == ["The Harbour Post"]
    assert page.meta["twitter:card"] == ["summary_large_image"]
    assert page.meta["twitter:title"] == page.meta["og:title"]


def test_an_article_page_carries_the_article_tags_of_open_graph(client, site):
    page = head(client, site.get_absolute_url())
    url = f"http://testserver{site.get_absolute_url()}"
    assert canonical(page) == url and page.meta["og:url"] == [url]
    assert page.meta["og:type"] == ["article"]
    assert page.meta["og:title"] == ["Ferry returns"]
    assert page.meta["og:image:alt"] == ["The ferry at the pier"]
    assert page.meta["og:image:width"] == ["64"] and page.meta["og:image:height"] == ["48"]
    published = page.meta["article:published_time"][0]
    assert published == timezone.localtime(site.published_at).isoformat()
    assert page.meta["article:modified_time"] == [published]
    assert page.meta["article:author"] == ["http://testserver/author/ana/"]
    assert page.meta["article:section"] == ["Local"]
    assert sorted(page.meta["article:tag"]) == ["Ferries", "Transport"]


def test_canonical_links_keep_the_page_number_and_drop_everything_else(client):
    for _ in range(django_settings.ARTICLES_PER_PAGE + 1):
        make_article()
    assert canonical(head(client, "/?page=2")) == "http://testserver/?page=2"
    assert canonical(head(client, "/?page=1")) == "http://testserver/"
    assert canonical(head(client, "/?utm_source=x")) == "http://testserver/"
    assert canonical(head(client, "/search/?q=ferry&page=1")) == "http://testserver/search/?q=ferry"


def test_share_links_are_plain_links_and_no_other_site_is_asked_for_anything(client, site):
    page = head(client, site.get_absolute_url())
    url = f"http://testserver{site.get_absolute_url()}"
    shares = {
        urlsplit(a["href"]).netloc or "mail": a["href"]
        for a in page.anchors
        if a.get("rel") == "nofollow noopener noreferrer"
    }
    assert set(shares) == {
        "mail",
        "x.com",
        "www.facebook.com",
        "www.linkedin.com",
        "wa.me",
        "bsky.app",
    }
    assert parse_qs(urlsplit(shares["x.com"]).query) == {"url": [url], "text": ["Ferry returns"]}
    assert parse_qs(urlsplit(shares["www.facebook.com"]).query) == {"u": [url]}
    assert parse_qs(urlsplit(shares["www.linkedin.com"]).query) == {"url": [url]}
    assert parse_qs(urlsplit(shares["wa.me"]).query) == {"text": [f"Ferry returns {url}"]}
    assert parse_qs(urlsplit(shares["bsky.app"]).query) == {"text": [f"Ferry returns {url}"]}
    assert parse_qs(urlsplit(shares["mail"]).query) == {"subject": ["Ferry returns"], "body": [url]}
    # "Copy link" is a link to the article itself: it works without the script.
    (copy,) = [a for a in page.anchors if "data-copy-link" in a]
    assert copy["href"] == url
    # Every script is the site's own file; the page loads nothing from elsewhere.
    sources = [
        script.get("src") for script in page.scripts if script.get("type") != "application/ld+json"
    ]
    assert sources == ["/static/js/share.js"]
    other_hosts = [
        link["href"]
        for link in page.links
        if urlsplit(link["href"]).netloc not in ("", "testserver")
    ]
    assert other_hosts == []


def test_the_copy_link_script_is_a_static_file_the_policy_allows(client, site):
    response = client.get(site.get_absolute_url())
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = Path(django_settings.BASE_DIR, "static/js/share.js").read_text()
    assert "navigator.clipboard.writeText" in script and "preventDefault" in script


def _related_fixture():
    one, two, three = make_tag(), make_tag(), make_tag()
    base = timezone.now() - timedelta(days=10)

    def story(tags, days, **fields):
        return make_article(tags=tags, published_at=base + timedelta(days=days), **fields)

    article = story([one, two, three], 0)
    all_three = story([one, two, three], 1)
    two_new = story([one, two], 5)
    two_old = story([two, three], 2)
    one_newest = story([three], 8)
    one_older = story([one], 3)
    story([one, two, three], 0, status=Article.Status.DRAFT)
    make_article(tags=[one, two, three], published_at=timezone.now() + timedelta(hours=1))
    story([make_tag()], 9)
    return article, [all_three, two_new, two_old, one_newest], one_older


def test_related_stories_share_the_most_tags_then_are_the_newest(client):
    article, expected, _ = _related_fixture()
    html = client.get(article.get_absolute_url()).content.decode()
    section = html[html.index('id="related-heading"') :]
    found = re.findall(r'<li><a href="([^"]+)">', section.split("</section>")[0])
    assert found == [a.get_absolute_url() for a in expected]


def test_related_stories_are_one_query(django_assert_num_queries):
    article, expected, _ = _related_fixture()
    article = Article.objects.for_page().get(pk=article.pk)
    list(article.tags.all())
    with django_assert_num_queries(1):
        related = Article.objects.published().related_to(article)
    assert related == expected


def test_related_stories_read_only_each_tags_newest_articles():
    # With two candidates a tag (its two newest published articles, drafts and
    # scheduled ones stepped over), the older story sharing all three tags is out of
    # reach: a big tag's older articles are never joined.
    article, expected, one_older = _related_fixture()
    all_three, two_new, two_old, one_newest = expected
    article = Article.objects.for_page().get(pk=article.pk)
    related = Article.objects.published().related_to(article, per_tag=2)
    assert related == [two_new, two_old, one_newest, one_older]


def test_an_article_without_tags_shows_no_related_stories_and_asks_nothing(client):
    article = make_article()
    make_article()
    assert b"Related stories" not in client.get(article.get_absolute_url()).content


@pytest.mark.parametrize("count", [2, 40])
def test_related_stories_keep_the_article_page_budget(client, django_assert_num_queries, count):
    tags = [make_tag(), make_tag()]
    for _ in range(count):
        make_article(tags=tags)
    article = make_article(tags=tags)
    prime_page_furniture()
    # the article, its tags, its authors, its comments, the related stories
    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())
    assert response.content.count(b'<li><a href="/') >= 4


def test_a_printed_article_shows_the_story_and_its_address_not_the_site(client, site):
    css = Path(django_settings.BASE_DIR, "static/css/site.css").read_text()
    print_rules = css[css.index("@media print") :]
    hidden = print_rules[: print_rules.index("display: none")]
    for furniture in (".site-search", ".share", ".comments", ".site-footer", ".related"):
        assert furniture in hidden
    for kept in (".story-figure", ".corrections-box", ".standfirst"):
        assert kept not in hidden
    assert 'content: "This article: " attr(data-address)' in print_rules
    html = client.get(site.get_absolute_url()).content.decode()
    assert f'data-address="http://testserver{site.get_absolute_url()}"' in html
