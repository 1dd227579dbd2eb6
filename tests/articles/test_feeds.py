"""RSS 2.0 and Atom 1.0 feeds of the site, sections, tags and authors, read as apps read them."""

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from defusedxml import ElementTree
from django.utils import timezone

from articles.editor import library_src
from articles.models import Article
from tests.factories import (
    make_article,
    make_image,
    make_section,
    make_tag,
    make_upload,
    make_user,
    prime_page_furniture,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
ADDRESS_ATTRIBUTE = re.compile(r'\s(?:href|src)="([^"]*)"')


def parse(client, path):
    """Fetch a feed and parse it with feedparser; fail on any warning it raises."""
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return response, parsed


@pytest.fixture
def story():
    """A published article with everything a feed item shows, and an older plain one."""
    writer = make_user(username="ana", first_name="Ana", last_name="Ruiz")
    section = make_section(name="Local", slug="local")
    tag = make_tag(name="Harbour", slug="harbour")
    in_body = make_image(alt_text="The pier at dawn")
    make_article(
        headline="Older story",
        authors=[writer],
        section=section,
        tags=[tag],
        published_at=timezone.now() - timedelta(days=3),
    )
    return make_article(
        headline="Ferry returns",
        standfirst="Crossings resume.",
        body=(
            '<p>See <a href="/tag/harbour/">the harbour</a> and '
            f'<img src="{library_src(in_body.file.name)}" alt="Pier"></p>'
        ),
        featured_image=make_image(
            file=make_upload(size=(1600, 900)), caption="The ferry", credit="Jo Bloggs"
        ),
        authors=[writer],
        section=section,
        tags=[tag, make_tag(name="Transport")],
    )


FEEDS = [
    ("/feed/", "/feed/atom/"),
    ("/section/local/feed/", "/section/local/feed/atom/"),
    ("/tag/harbour/feed/", "/tag/harbour/feed/atom/"),
    ("/author/ana/feed/", "/author/ana/feed/atom/"),
]


@pytest.mark.parametrize("rss,atom", FEEDS)
def test_every_feed_parses_cleanly_in_rss_and_atom_with_full_items(client, story, rss, atom):
    _, parsed = parse(client, rss)
    assert parsed.version == "rss20"
    _, parsed_atom = parse(client, atom)
    assert parsed_atom.version == "atom10"
    for feed in (parsed, parsed_atom):
        assert [entry.title for entry in feed.entries] == ["Ferry returns", "Older story"]
        entry = feed.entries[0]
        assert entry.link == f"http://testserver{story.get_absolute_url()}"
        assert entry.id.startswith("tag:testserver,") and entry.id.endswith(f":article:{story.pk}")
        assert entry.author == "Ana Ruiz"
        assert entry.published_parsed and entry.updated_parsed
        assert {tag.term for tag in entry.tags} == {"Harbour", "Transport"}
        (media,) = entry.media_content
        assert media["url"].startswith("http://testserver/media/renditions/")
        assert (media["width"], media["height"], media["medium"]) == ("1280", "720", "image")
        assert entry.media_credit[0]["content"] == "Jo Bloggs"
        # Full text by default: the sanitised body, its picture a rendition, every
        # address absolute.
        body = entry.content[0].value
        assert 'href="http://testserver/tag/harbour/"' in body and "the harbour</a>" in body
        assert 'alt="Pier"' in body and "http://testserver/media/renditions/" in body
        assert entry.summary == "Crossings resume."


@pytest.mark.parametrize("path", [path for pair in FEEDS for path in pair])
def test_feeds_follow_the_w3c_rules_that_can_be_checked_offline(client, story, path):
    response = client.get(path)
    root = ElementTree.fromstring(response.content)
    addresses = ADDRESS_ATTRIBUTE.findall(response.content.decode().replace("&quot;", '"'))
    if root.tag == "rss":
        channel = root.find("channel")
        for required in ("title", "link", "description"):
            assert channel.findtext(required), required
        items = channel.findall("item")
        guids = [item.findtext("guid") for item in items]
        for item in items:
            parsedate_to_datetime(item.findtext("pubDate"))  # RFC 822, or it raises
            assert item.find("guid").get("isPermaLink") == "false"
            addresses.append(item.findtext("link"))
            if item.find(f"{MEDIA}content") is not None:
                addresses.append(item.find(f"{MEDIA}content").get("url"))
            addresses += ADDRESS_ATTRIBUTE.findall(
                item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
            )
        assert channel.find("{http://www.w3.org/2005/Atom}link").get("href") == (
            f"http://testserver{path}"
        )
    else:
        for required in ("id", "title", "updated"):
            assert root.findtext(f"{ATOM}{required}"), required
        # Every entry has an author: its own, or the feed's (the site).
        assert root.findtext(f"{ATOM}author/{ATOM}name")
        entries = root.findall(f"{ATOM}entry")
        guids = [entry.findtext(f"{ATOM}id") for entry in entries]
        for entry in entries:
            for required in ("id", "title", "updated", "published"):
                assert entry.findtext(f"{ATOM}{required}"), required
            addresses.append(entry.find(f"{ATOM}link").get("href"))
            addresses += ADDRESS_ATTRIBUTE.findall(entry.findtext(f"{ATOM}content"))
    assert len(set(guids)) == len(guids) == 2
    assert addresses and all(a.startswith(("http://", "https://", "mailto:")) for a in addresses)


def test_a_guid_survives_edits_of_headline_slug_and_date(client, story):
    _, before = parse(client, "/feed/")
    story.headline = "Ferry is back"
    story.slug = "ferry-is-back"
    story.published_at -= timedelta(minutes=5)
    story.save()
    _, after = parse(client, "/feed/")
    assert after.entries[0].title == "Ferry is back"
    assert after.entries[0].id == before.entries[0].id
    assert after.entries[0].link != before.entries[0].link


def test_without_full_text_items_carry_the_standfirst_and_no_body(client, settings, story):
    settings.FEED_FULL_TEXT = False
    response, parsed = parse(client, "/feed/")
    assert parsed.entries[0].summary == "Crossings resume."
    # feedparser counts the picture's media:description as content: only that is there.
    assert [c.value for c in parsed.entries[0].content] == ["The ferry"]
    assert b"the harbour</a>" not in response.content
    _, atom = parse(client, "/feed/atom/")
    assert [c.value for c in atom.entries[0].content] == ["The ferry"]


def test_an_author_without_published_articles_has_no_feed(client):
    make_user(username="idle")
    make_article(status=Article.Status.DRAFT, authors=[make_user(username="drafter")])
    for path in ("/author/idle/feed/", "/author/drafter/feed/atom/", "/author/nobody/feed/"):
        assert client.get(path).status_code == 404, path


def test_a_scheduled_article_enters_the_feeds_at_its_time(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_article(headline="Now")
    make_article(headline="Later", published_at=timezone.now() + timedelta(hours=1))
    _, parsed = parse(client, "/feed/atom/")
    assert [entry.title for entry in parsed.entries] == ["Now"]
    time_machine.shift(timedelta(hours=1, seconds=1))
    _, parsed = parse(client, "/feed/atom/")
    assert [entry.title for entry in parsed.entries] == ["Later", "Now"]


@pytest.mark.parametrize("page_cache_seconds", [0, 300])
def test_feeds_answer_conditional_gets_with_304(client, settings, story, page_cache_seconds):
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    for path in ("/feed/", "/feed/atom/", "/author/ana/feed/"):
        first = client.get(path)
        etag, last_modified = first["ETag"], first["Last-Modified"]
        assert client.get(path, headers={"if-none-match": etag}).status_code == 304
        assert client.get(path, headers={"if-modified-since": last_modified}).status_code == 304
        assert client.get(path, headers={"if-none-match": '"other"'}).status_code == 200


def test_pages_link_to_their_rss_and_atom_feeds(client, story):
    for page, feeds in [
        ("/", ["/feed/", "/feed/atom/"]),
        ("/section/local/", ["/section/local/feed/", "/section/local/feed/atom/"]),
        ("/tag/harbour/", ["/tag/harbour/feed/", "/tag/harbour/feed/atom/"]),
        ("/author/ana/", ["/author/ana/feed/", "/author/ana/feed/atom/"]),
    ]:
        html = client.get(page).content.decode()
        for feed in feeds:
            kind = "atom" if feed.endswith("atom/") else "rss"
            assert f'type="application/{kind}+xml"' in html
            assert f'href="{feed}"' in html, (page, feed)


def _archive(count):
    writer = make_user(username="ana")
    section = make_section(slug="local")
    tag = make_tag(slug="harbour")
    for number in range(count):
        body_picture = make_image()
        make_article(
            featured_image=make_image(),
            body=f'<p>Story {number}.<img src="{library_src(body_picture.file.name)}" alt=""></p>',
            authors=[writer],
            section=section,
            tags=[tag, make_tag()],
            published_at=timezone.now() - timedelta(hours=number + 1),
        )


@pytest.mark.parametrize("count", [2, 25])
def test_every_feed_runs_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    _archive(count)
    # the newest ids, those articles (with their comment counts), their tags, their
    # authors, their featured pictures' renditions, the pictures in their bodies and
    # those pictures' renditions; a tag or an author feed first finds its tag or author
    for path, queries in [
        ("/feed/", 7),
        ("/feed/atom/", 7),
        ("/section/local/feed/", 7),
        ("/section/local/feed/atom/", 7),
        ("/tag/harbour/feed/", 8),
        ("/tag/harbour/feed/atom/", 8),
        ("/author/ana/feed/", 8),
        ("/author/ana/feed/atom/", 8),
    ]:
        client.get(path)  # the list counts a big tag's feed reads, cached as for pages
        prime_page_furniture()
        with django_assert_num_queries(queries):
            assert client.get(path).status_code == 200, path
