"""manage.py import_wordpress: exports built here, imported into the real database."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article, FrontPagePin, Redirect, Section, Tag
from articles.roles import REPORTERS
from comments.models import Comment
from comments.moderation import author_previously_approved
from pages.models import Page
from tests.factories import make_article, make_user
from wordpress.models import ImportedItem

from .wxr import SITE, author, category, comment, export, item

pytestmark = pytest.mark.django_db


def run_import(tmp_path, text, *args, name="export.xml"):
    """Write ``text`` as an export, import it, and return the report printed."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8") if isinstance(text, str) else path.write_bytes(text)
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def created(report, kind):
    """Return the number the report's "Created:" block gives for ``kind`` ("posts")."""
    block = report.split("Created:", 1)[1].split("Already imported", 1)[0]
    for line in block.splitlines():
        words = line.split()
        if words and words[0] == kind:
            return int(words[1])
    raise AssertionError(f"no {kind} in the report")


def counts():
    return (
        Article.objects.count(),
        Comment.objects.count(),
        Page.objects.count(),
        Tag.objects.count(),
        Section.objects.count(),
        Redirect.objects.count(),
        User.objects.count(),
        ImportedItem.objects.count(),
    )


def newsroom_site():
    return export(
        author("jane", 1, "Jane Smith"),
        author("omar", 2, "Omar Haddad"),
        category("news", "News", 3),
        category("local", "Local", 4, parent="news"),
        category("sport", "Sport", 5),
        item(
            10,
            title="Harbour &amp; quay reopen",
            slug="harbour-reopens",
            terms=[
                ("category", "sport", "Sport"),
                ("category", "local", "Local"),
                ("post_tag", "boats", "Boats"),
                ("author", "cap-omar", "Omar Haddad"),
                ("author", "cap-jane", "Jane Smith"),
            ],
            meta={"_yoast_wpseo_primary_category": "4"},
            excerpt="Boats are back on the water.",
            modified_gmt="2019-03-07 08:00:00",
            sticky=True,
            link=f"{SITE}/2019/03/05/harbour-reopens/",
        ),
        item(11, title="Scheduled", slug="later", status="future", date_gmt="2099-01-01 00:00:00"),
        item(12, title="A draft", slug="a-draft", status="draft", date_gmt="0000-00-00 00:00:00"),
        item(13, title="Waiting", slug="waiting", status="pending"),
        item(14, title="Private", slug="private-one", status="private", creator="nobody"),
        item(15, title="Locked", slug="locked", password="secret"),
        item(16, title="Trashed", slug="trashed", status="trash"),
        item(17, title="Bad date", slug="bad-date", date_gmt="2019-13-45 99:00:00"),
        item(18, title="A block", slug="block", post_type="wp_block"),
        item(19, title="Main menu", post_type="nav_menu_item"),
    )


def test_posts_terms_and_authors_come_across(tmp_path):
    report = run_import(tmp_path, newsroom_site())
    article = Article.objects.get(slug="harbour-reopens")
    assert article.headline == "Harbour & quay reopen"
    assert article.standfirst == "Boats are back on the water."
    assert article.body == "<p>The harbour reopened on Tuesday.</p>\n<p>Boats went out at dawn.</p>"
    assert article.is_public
    assert article.published_at == datetime(2019, 3, 5, 10, tzinfo=UTC)
    assert article.updated_at == datetime(2019, 3, 7, 8, tzinfo=UTC)
    # Yoast's primary category is the section; the other category is a tag.
    assert article.section.slug == "local"
    assert not article.section.show_in_navigation
    assert set(article.tags.values_list("slug", flat=True)) == {"boats", "sport"}
    # Co-Authors Plus bylines, in their order.
    assert article.display_byline == "Omar Haddad and Jane Smith"
    jane = User.objects.get(username="jane")
    assert jane.is_staff and not jane.has_usable_password()
    assert jane.groups.filter(name=REPORTERS).exists()
    assert FrontPagePin.objects.get(article=article).kind == FrontPagePin.Kind.TOP

    scheduled = Article.objects.get(slug="later")
    assert scheduled.is_scheduled
    assert Article.objects.get(slug="a-draft").status == Article.Status.DRAFT
    assert Article.objects.get(slug="waiting").status == Article.Status.IN_REVIEW
    assert Article.objects.get(slug="private-one").status == Article.Status.DRAFT
    assert Article.objects.get(slug="locked").status == Article.Status.DRAFT
    assert not Article.objects.filter(slug__in=["trashed", "bad-date", "block"]).exists()
    assert "“Private”: its status “private” became a draft" in report
    assert "“Locked”: it was password-protected; it is a draft" in report
    assert "“Private”: unknown author “nobody”: no byline" in report
    assert "“Bad date”: its publication date is missing or invalid" in report
    assert "unsupported post type “wp_block”" in report
    assert "“Trashed”: its status is “trash”" in report
    assert "navigation menu items (menus are not imported): 1" in report
    assert "category “Local” is under “news” in WordPress: flattened" in report


def test_reimport_creates_nothing_and_a_later_export_brings_what_is_new(tmp_path):
    first = export(author(), item(10, comments=[comment(1), comment(2, parent=1)]))
    run_import(tmp_path, first)
    before = counts()
    report = run_import(tmp_path, first)
    assert counts() == before
    assert created(report, "posts") == created(report, "comments") == 0
    later = export(
        author(),
        item(10, comments=[comment(1), comment(2, parent=1), comment(3, parent=2)]),
        item(20, slug="new-story"),
    )
    run_import(tmp_path, later)
    assert Article.objects.count() == 2
    reply = Comment.objects.get(parent__parent__isnull=False)
    assert reply.thread_root_id == Comment.objects.get(parent=None).pk


def test_dry_run_prints_the_report_and_writes_nothing(tmp_path):
    before = counts()
    report = run_import(tmp_path, newsroom_site(), "--dry-run")
    assert "Dry run: nothing was written." in report
    assert created(report, "posts") == 6
    assert counts() == before


def test_author_map_and_default_author(tmp_path):
    editor = make_user(username="desk", first_name="Desk", last_name="Editor")
    make_user(username="jane")  # an account of the new site keeps its name
    mapping = tmp_path / "authors.csv"
    mapping.write_text("wordpress_login,username\nomar,desk\n")
    text = export(
        author("omar", 2, "Omar Haddad"),
        author("jane", 1, "Jane Smith"),
        item(10, creator="omar", slug="one"),
        item(11, creator="ghost", slug="two"),
        item(12, creator="jane", slug="three"),
    )
    report = run_import(tmp_path, text, "--author-map", str(mapping), "--default-author", "desk")
    assert Article.objects.get(slug="one").ordered_authors == [editor]
    assert Article.objects.get(slug="two").ordered_authors == [editor]
    assert "unknown author “ghost” mapped to the default author" in report
    assert Article.objects.get(slug="three").ordered_authors[0].username == "wp-jane"
    with pytest.raises(CommandError, match="no user “nobody”"):
        run_import(tmp_path, text, "--default-author", "nobody")


def test_publish_as_draft(tmp_path):
    run_import(tmp_path, export(author(), item(10)), "--publish-as-draft")
    assert Article.objects.get().status == Article.Status.DRAFT


def test_body_is_rendered_like_wordpress_and_sanitised(tmp_path):
    body = (
        "First line\nsecond line\n\n"
        '[caption id="attachment_9" width="300"]<img src="https://elsewhere.example/x.jpg" '
        'alt="x"> Not kept[/caption]\n\n'
        'Text with [gallery ids="1,2"] and [sic] kept.\n\n'
        '[embed]https://video.example/1[/embed]<script>alert("x")</script>'
        '<a href="javascript:alert(1)" onclick="x()">link</a>'
    )
    blocks = "<!-- wp:paragraph -->\n<p>Block text</p>\n<!-- /wp:paragraph -->"
    report = run_import(
        tmp_path,
        export(author(), item(10, body=body, slug="classic"), item(11, body=blocks, slug="blocks")),
    )
    classic = Article.objects.get(slug="classic").body
    assert classic.startswith("<p>First line<br>\nsecond line</p>")
    assert "<figure><figcaption>Not kept</figcaption></figure>" in classic
    assert "[sic]" in classic and "gallery" not in classic and "video.example" not in classic
    assert "script" not in classic and "javascript" not in classic and "onclick" not in classic
    assert "elsewhere.example" not in classic
    assert "shortcode [gallery] removed" in report and "shortcode [embed] removed" in report
    assert "picture removed from the body (not imported): https://elsewhere.example/x.jpg" in report
    assert Article.objects.get(slug="blocks").body == "<p>Block text</p>"
    # No excerpt: the standfirst is the body's first sentence.
    assert Article.objects.get(slug="blocks").standfirst == "Block text"


def test_comments_keep_threads_statuses_and_dates(tmp_path, django_capture_on_commit_callbacks):
    comments = [
        comment(1, name="Ann", email="Ann@Example.com"),
        comment(2, parent=1, approved="0"),
        comment(3, parent=2),  # under a held comment: heads its own thread
        comment(4, parent=1),
        comment(5, approved="spam"),
        comment(6, approved="trash"),
        comment(7, comment_type="pingback"),
        comment(8, comment_type="trackback"),
        comment(9, parent=9),
        comment(10, parent=404),
        comment(11, parent=12),
        comment(12, parent=11),
        comment(13, text="<p>Para one</p><p>Two &amp; <b>bold</b></p>", ip="not an ip"),
        comment(14, date_gmt="2019-02-30 99:99:99"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(tmp_path, export(author(), item(10, comments=comments)))
    imported = dict(
        ImportedItem.objects.filter(kind="comment").values_list("wordpress_id", "object_id")
    )
    by_id = {wp: Comment.objects.get(pk=pk) for wp, pk in imported.items()}
    assert set(by_id) == {str(n) for n in range(1, 15)} - {"7", "8"}
    assert by_id["1"].email == "ann@example.com"
    assert by_id["1"].created == datetime(2019, 3, 6, 9, tzinfo=UTC)
    assert by_id["2"].status == Comment.Status.PENDING and by_id["2"].parent == by_id["1"]
    assert by_id["2"].thread_root == by_id["1"]
    assert by_id["3"].parent == by_id["2"] and by_id["3"].thread_root is None
    assert by_id["4"].thread_root == by_id["1"]
    assert by_id["5"].status == Comment.Status.SPAM
    assert by_id["6"].status == Comment.Status.TRASH
    assert by_id["9"].parent is None and by_id["10"].parent is None
    assert {by_id["11"].parent_id, by_id["12"].parent_id} & {None}
    assert by_id["13"].text == "Para one\n\nTwo & bold" and by_id["13"].ip_address is None
    assert by_id["14"].created == Article.objects.get().published_at
    assert "pingbacks (not imported): 1" in report and "trackbacks (not imported): 1" in report
    assert "it replied to itself" in report and "parent 404 is missing" in report
    assert "its parents went round in a loop" in report
    # thread_root as Comment.save and the moderation actions would have it.
    for comment_row in Comment.objects.all():
        parent = comment_row.parent
        expected = None
        if parent is not None and parent.is_approved:
            expected = parent.thread_root_id or parent.pk
        assert comment_row.thread_root_id == expected, comment_row.pk
    # No moderator was told, and Ann is a known author from now on.
    assert mail.outbox == []
    assert author_previously_approved("Ann", "ANN@example.com")


def test_pages_keep_their_slugs_unless_they_clash(tmp_path):
    report = run_import(
        tmp_path,
        export(
            author(),
            item(30, title="About us", slug="about-us", post_type="page"),
            item(31, title="Tags", slug="tag", post_type="page"),
            item(32, title="Draft page", slug="plans", post_type="page", status="draft"),
        ),
    )
    assert Page.objects.get(slug="about-us").is_public
    assert Page.objects.get(title="Tags").slug == "tag-page"
    assert "the address /tag/ clashes" in report
    assert Page.objects.get(slug="plans").status == Page.Status.DRAFT


def test_slugs_are_kept_and_made_unique_only_where_they_must(tmp_path):
    make_article(slug="harbour")
    report = run_import(
        tmp_path,
        export(
            author(),
            item(10, slug="harbour"),
            item(11, slug="%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82", title="Hello there"),
        ),
    )
    assert Article.objects.filter(slug="harbour-2").exists()
    assert "the slug “harbour” was taken; it is “harbour-2”" in report
    assert Article.objects.filter(slug="hello-there").exists()


@pytest.mark.parametrize(
    "version,host,scheme",
    [
        ("1.0", "wordpress.org", "http"),
        ("1.1", "wordpress.com", "https"),
        ("1.2", "wordpress.org", "https"),
    ],
)
def test_every_wxr_version_reads(tmp_path, version, host, scheme):
    run_import(
        tmp_path, export(author(), item(10), version=version, namespace_host=host, scheme=scheme)
    )
    assert Article.objects.count() == 1


def test_old_addresses_answer_301_to_live_pages(tmp_path, client):
    text = export(
        author(),
        category("news", "News", 3),
        category("local", "Local", 4, parent="news"),
        item(10, slug="plain", link=f"{SITE}/plain/", terms=[("category", "local", "Local")]),
        item(11, slug="numbered", link=f"{SITE}/archives/11"),
        item(
            12,
            slug="dated",
            link=f"{SITE}/news/2019/03/dated/",
            terms=[("post_tag", "boats", "Boats"), ("category", "news", "News")],
        ),
        item(13, slug="same-as-ours", link=f"{SITE}/2019/03/05/same-as-ours/"),
        item(14, slug="draft", status="draft", link=f"{SITE}/draft/"),
        item(30, title="About us", slug="about", post_type="page", link=f"{SITE}/about/"),
        item(31, title="Tags", slug="tag", post_type="page", link=f"{SITE}/tag/"),
    )
    run_import(tmp_path, text)
    plain = Article.objects.get(slug="plain")
    expected = {
        "/plain/": plain.get_absolute_url(),
        "/?p=10": plain.get_absolute_url(),
        "/archives/11": Article.objects.get(slug="numbered").get_absolute_url(),
        "/news/2019/03/dated/": Article.objects.get(slug="dated").get_absolute_url(),
        "/category/news/local/": "/section/local/",
        "/category/news/local/feed/": "/section/local/feed/",
        "/category/news/": "/section/news/",
        "/?page_id=31": "/tag-page/",
        "/tag/boats/feed/": None,  # the same address here: no redirect needed
    }
    for old, new in expected.items():
        response = client.get(old)
        if new is None:
            assert response.status_code == 200, old
            continue
        assert response.status_code == 301, old
        assert response["Location"] == new
        assert client.get(new).status_code == 200, new
    assert client.get("/2019/03/05/same-as-ours/").status_code == 200
    assert client.get("/draft/").status_code == 404  # leads to no page readers may see
    assert client.get("/nothing-here/").status_code == 404
    # Unpublishing an article takes its old addresses down with it.
    Article.objects.filter(pk=plain.pk).unpublish()
    assert client.get("/plain/").status_code == 404


def test_redirects_are_one_table_in_the_admin(tmp_path, admin_client):
    run_import(tmp_path, export(author(), item(10, slug="plain", link=f"{SITE}/plain/")))
    article = make_article(slug="renamed-before")
    article.slug = "renamed-after"
    article.save()
    response = admin_client.get("/admin/articles/redirect/")
    html = response.content.decode()
    assert "/plain/" in html and "/renamed-before/" in html
    assert "Imported from WordPress" in html and "Slug changed on the newsdesk" in html


HOSTILE = {
    "not xml": (b"%PDF-1.4 this is not an export", "not well-formed XML"),
    "not wxr": (b"<?xml version='1.0'?><html><body>hi</body></html>", "not a WordPress export"),
    "rss feed": (
        b"<?xml version='1.0'?><rss><channel><title>x</title><item><title>a</title></item>"
        b"</channel></rss>",
        "not a WordPress export",
    ),
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<rss><channel><title>&c;</title></channel></rss>",
        "refused for safety",
    ),
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&x;</title></channel></rss>",
        "refused for safety",
    ),
    "nul byte": (None, "not well-formed XML"),
    "truncated": (None, "not well-formed XML"),
    "empty": (b"", "not well-formed XML"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_exports_are_refused_and_change_nothing(tmp_path, case):
    data, message = HOSTILE[case]
    whole = export(author(), item(10), item(11, slug="second")).encode()
    if case == "nul byte":
        data = whole.replace(b"Boats went", b"Boats\x00went", 1)
    if case == "truncated":
        data = whole[: len(whole) * 2 // 3]
    before = counts()
    with pytest.raises(CommandError, match=message):
        run_import(tmp_path, data)
    assert counts() == before


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_wordpress", str(tmp_path / "nope.xml"), stdout=StringIO())


def test_a_huge_title_is_cut_and_reported(tmp_path):
    report = run_import(tmp_path, export(author(), item(10, title="Storm " * 2_000_000)))
    article = Article.objects.get()
    assert len(article.headline) <= 255
    assert "characters long and was cut to 255" in report


def test_unpublished_drafts_get_a_date_only_when_they_have_one(tmp_path):
    run_import(tmp_path, export(author(), item(12, status="draft", date_gmt="0000-00-00 00:00:00")))
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None or article.published_at <= timezone.now()


def test_nothing_from_an_export_reaches_a_page_unsanitised(tmp_path, client):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    run_import(
        tmp_path,
        export(
            author("eve", 1, hostile),
            category("evil", hostile, 3),
            item(
                10,
                title=hostile + "Headline",
                slug="hostile",
                excerpt=hostile,
                body=hostile + "\n\n<p onclick='x()'>Body</p>",
                terms=[("category", "evil", hostile), ("post_tag", "bad", hostile)],
                comments=[comment(1, text=hostile, name=hostile, url="javascript:alert(1)")],
            ),
        ),
    )
    article = Article.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Headline" in html and "Body" in html
    assert "<script>alert" not in html and "onerror" not in html and "onclick" not in html
    assert "javascript:alert" not in html


# A post that fails halfway: a real trigger in the database refuses one of its comments
# after its article, tags and first comment were written. Nothing is mocked.
REFUSED = "This comment is refused by the database."


def _refuse_one_comment(cursor):
    if cursor.db.vendor == "postgresql":
        cursor.execute(
            "CREATE FUNCTION refuse_comment() RETURNS trigger AS $$ BEGIN"
            f" IF NEW.text = '{REFUSED}' THEN RAISE EXCEPTION 'refused by a test trigger';"
            " END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_comment BEFORE INSERT ON comments_comment"
            " FOR EACH ROW EXECUTE FUNCTION refuse_comment()"
        )
    else:
        cursor.execute(
            "CREATE TRIGGER refuse_comment BEFORE INSERT ON comments_comment"
            f" WHEN NEW.text = '{REFUSED}' BEGIN"
            " SELECT RAISE(ABORT, 'refused by a test trigger'); END"
        )


def _allow_comments_again(cursor):
    cursor.execute(
        "DROP TRIGGER refuse_comment"
        + (" ON comments_comment" if cursor.db.vendor == "postgresql" else "")
    )
    if cursor.db.vendor == "postgresql":
        cursor.execute("DROP FUNCTION refuse_comment()")


def test_a_post_that_fails_halfway_leaves_nothing_and_is_named_then_a_rerun_finishes(tmp_path):
    from django.db import connection

    text = export(
        author(),
        item(
            101,
            title="Ferry timetable changes",
            terms=[("post_tag", "ferries", "Ferries")],
            comments=[comment(1, "First, and fine."), comment(2, REFUSED)],
        ),
        item(102, title="Library opens late", comments=[comment(3, "Good news.")]),
    )
    with connection.cursor() as cursor:
        _refuse_one_comment(cursor)
    report = run_import(tmp_path, text)
    # The failed post: named in the report with the reason, and nothing of it stored.
    assert "Ferry timetable changes" in report and "refused by a test trigger" in report
    assert not Article.objects.filter(headline="Ferry timetable changes").exists()
    assert not Tag.objects.filter(slug="ferries").exists()
    assert not Comment.objects.filter(text="First, and fine.").exists()
    assert not ImportedItem.objects.filter(wordpress_id=101).exists()
    # The other post came in whole.
    library = Article.objects.get(headline="Library opens late")
    assert list(library.comments.values_list("text", flat=True)) == ["Good news."]
    with connection.cursor() as cursor:
        _allow_comments_again(cursor)
    # Run again, the interrupted job finishes: the failed post now, nothing twice.
    run_import(tmp_path, text)
    ferry = Article.objects.get(headline="Ferry timetable changes")
    assert sorted(ferry.comments.values_list("text", flat=True)) == sorted(
        ["First, and fine.", REFUSED]
    )
    assert list(ferry.tags.values_list("slug", flat=True)) == ["ferries"]
    assert Article.objects.filter(headline="Library opens late").count() == 1
    assert Comment.objects.filter(text="Good news.").count() == 1
