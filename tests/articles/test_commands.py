import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.utils.html import escape
from PIL import Image as PILImage

from articles.demo_content import DEMO_PINNED_LEAD, DEMO_SECTIONS, DEMO_STORIES
from articles.management.commands.import_text import Command as ImportTextCommand
from articles.models import Article, FrontPagePin, Image, Section, Tag
from tests.factories import log_in, make_article, make_picture_bytes, make_tag, make_user

pytestmark = pytest.mark.django_db

SEED_STORY = Path(django_settings.BASE_DIR).parent / "shared" / "seed" / "article.txt"

STORY = """Harrowfield choir wins county festival

The Harrowfield Community Choir took first place at the county festival in Castlemere on Sunday.

Choir members on stage at the Castlemere Corn Exchange
PC: Castlemere Arts Council

Forty singers travelled to the festival by coach, the largest group the choir has sent.

“We sang the last piece better than we have ever sung it in rehearsal,” said conductor Ruth Amos.

The choir will perform the winning programme at St Brennock's church next month.

Leave a Reply
"""


def run(command, *args, **options):
    """Run a management command and return what it printed."""
    out = io.StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


def row_counts():
    return (Article.objects.count(), Image.objects.count(), Tag.objects.count())


@pytest.fixture
def story_file(tmp_path):
    path = tmp_path / "choir.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


# load_demo


def test_load_demo_is_idempotent():
    first = run("load_demo")
    counts = row_counts()
    second = run("load_demo")
    assert f"{len(DEMO_STORIES)} created" in first
    assert "0 created" in second
    assert f"{len(DEMO_STORIES)} already present" in second
    assert row_counts() == counts
    assert counts[0] == counts[1] == len(DEMO_STORIES)


def test_load_demo_publishes_every_story_with_a_real_jpeg():
    run("load_demo")
    published = Article.objects.published()
    assert sorted(published.values_list("slug", flat=True)) == sorted(
        story["slug"] for story in DEMO_STORIES
    )
    for article in published:
        image = article.featured_image
        assert (image.width, image.height) == (1600, 900)
        assert image.alt_text and image.caption and image.credit
        with image.file.open("rb") as handle, PILImage.open(handle) as picture:
            assert picture.format == "JPEG"
            assert picture.size == (1600, 900)
        assert article.body.startswith("<p>")
        assert article.tags.exists()
        assert article.section is not None
        # Real writers, not a free-text byline: the byline links to their pages.
        assert not article.byline
        assert article.authors.exists()


def test_load_demo_orders_stories_newest_first_as_listed():
    run("load_demo")
    by_age = sorted(DEMO_STORIES, key=lambda story: story["days_ago"])
    assert list(Article.objects.published().values_list("slug", flat=True)) == [
        story["slug"] for story in by_age
    ]


def test_demo_stories_are_readable_at_their_addresses(client):
    run("load_demo")
    for article in Article.objects.all():
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert escape(article.featured_image.caption) in response.content.decode()


def test_load_demo_leaves_an_existing_story_with_a_demo_slug_alone():
    story = DEMO_STORIES[0]
    make_article(slug=story["slug"], headline="Written by a real editor")
    output = run("load_demo")
    assert f"{len(DEMO_STORIES) - 1} created, 1 already present" in output
    assert Article.objects.get(slug=story["slug"]).headline == "Written by a real editor"


def test_load_demo_with_demo_accounts_credits_only_stories_without_authors():
    run("load_demo")
    reporter = make_user(first_name="Real", last_name="Reporter")
    credited = Article.objects.get(slug=DEMO_STORIES[0]["slug"])
    credited.set_authors([reporter])
    uncredited = Article.objects.get(slug=DEMO_STORIES[1]["slug"])
    uncredited.set_authors([])
    run("load_demo", demo_accounts=True)
    editor = get_user_model().objects.get(username="editor")
    assert list(credited.authors.all()) == [reporter]
    assert list(Article.objects.filter(authors=editor)) == [uncredited]


def test_load_demo_files_stories_in_sections_with_linked_bylines_and_a_pinned_lead(client):
    run("load_demo")
    assert [section.slug for section in Section.objects.all()] == [
        slug for _, slug, _ in DEMO_SECTIONS
    ]
    front = client.get("/")
    assert front.context["lead"].slug == DEMO_PINNED_LEAD
    html = front.content.decode()
    for name, slug, _ in DEMO_SECTIONS:
        assert f'<a href="/section/{slug}/">{name}</a>' in html
    for article in Article.objects.all():
        page = client.get(article.get_absolute_url()).content.decode()
        for author in article.ordered_authors:
            assert f'<a href="/author/{author.username}/" rel="author">' in page
            author_page = client.get(f"/author/{author.username}/")
            assert author_page.status_code == 200
            assert escape(author.author_profile.bio) in author_page.content.decode()
            # Bylines, not logins.
            assert not author.has_usable_password()
    # Sections that already exist are kept as editors left them; nothing is made twice.
    Section.objects.filter(slug="sport").update(name="Sports")
    run("load_demo")
    assert Section.objects.get(slug="sport").name == "Sports"
    assert Section.objects.count() == len(DEMO_SECTIONS)
    assert FrontPagePin.objects.count() == 1


def test_load_demo_reuses_a_tag_an_editor_created_under_another_slug():
    make_tag(name="Council", slug="town-council")
    run("load_demo")
    assert Tag.objects.filter(name="Council").count() == 1
    assert Article.objects.filter(tags__slug="town-council").exists()


def test_load_demo_with_demo_accounts_creates_an_editor_who_can_log_in(client):
    output = run("load_demo", demo_accounts=True, base_url="http://example.test:9000/")
    editor = get_user_model().objects.get(username="editor")
    assert editor.is_staff
    assert not editor.is_superuser
    assert editor.get_full_name() == "Demo Editor"
    assert editor.groups.filter(name="Editors").exists()
    assert editor.has_perm("articles.change_article")
    assert log_in(client, "editor", "newsroom-editor")
    assert "Demo editor: username editor, password newsroom-editor" in output
    assert "Admin: http://example.test:9000/admin/" in output
    # The stories keep their demo writers; the editor edits every article anyway.
    assert not Article.objects.filter(authors=editor).exists()
    assert not Article.objects.filter(authors=None).exists()


def test_load_demo_with_demo_accounts_creates_a_reporter_who_cannot_publish(client):
    output = run("load_demo", demo_accounts=True)
    reporter = get_user_model().objects.get(username="reporter")
    assert reporter.is_staff
    assert reporter.groups.filter(name="Reporters").exists()
    assert reporter.has_perm("articles.add_article")
    assert not reporter.has_perm("articles.publish_article")
    assert "Demo reporter: username reporter, password newsroom-reporter" in output
    assert log_in(client, "reporter", "newsroom-reporter")


def test_load_demo_resets_the_demo_password_each_run(client):
    run("load_demo", demo_accounts=True)
    editor = get_user_model().objects.get(username="editor")
    editor.set_password("something else")
    editor.save()
    run("load_demo", demo_accounts=True)
    assert get_user_model().objects.filter(username="editor").count() == 1
    assert log_in(client, "editor", "newsroom-editor")


def test_load_demo_refuses_demo_accounts_outside_demo_mode(settings):
    settings.NEWSROOM_DEMO = False
    with pytest.raises(CommandError, match="NEWSROOM_DEMO"):
        run("load_demo", demo_accounts=True)
    assert not get_user_model().objects.filter(username="editor").exists()
    assert Article.objects.count() == 0


def test_load_demo_without_demo_accounts_runs_outside_demo_mode(settings):
    settings.NEWSROOM_DEMO = False
    output = run("load_demo")
    assert "Admin: http://127.0.0.1:8000/admin/" in output
    assert "Demo editor" not in output
    assert not get_user_model().objects.filter(username="editor").exists()


def test_load_demo_recreates_a_missing_editors_group_as_migrate_made_it():
    def editor_permissions():
        group = Group.objects.get(name="Editors")
        return set(group.permissions.values_list("content_type__app_label", "codename"))

    as_migrated = editor_permissions()
    assert ("articles", "publish_article") in as_migrated
    assert ("comments", "can_moderate") in as_migrated
    Group.objects.filter(name="Editors").delete()
    run("load_demo", demo_accounts=True)
    assert editor_permissions() == as_migrated


def test_load_demo_keeps_permissions_an_existing_editors_group_has():
    group, _ = Group.objects.get_or_create(name="Editors")
    extra = Permission.objects.get(codename="view_user")
    group.permissions.add(extra)
    before = set(group.permissions.all())
    run("load_demo", demo_accounts=True)
    assert set(group.permissions.all()) == before


# import_text


def test_import_text_publishes_the_story_with_its_caption_and_credit(client, story_file):
    output = run("import_text", str(story_file), "--publish", "--tag", "Music", "--tag", "Arts")
    article = Article.objects.get(slug="harrowfield-choir-wins-county-festival")
    assert article.is_public
    assert article.standfirst.startswith("The Harrowfield Community Choir took first place")
    assert (
        article.featured_image.caption == "Choir members on stage at the Castlemere Corn Exchange"
    )
    assert article.featured_image.credit == "Castlemere Arts Council"
    assert article.featured_image.alt_text == article.featured_image.caption
    assert sorted(article.tags.values_list("slug", flat=True)) == ["arts", "music"]
    assert "Leave a Reply" not in article.body
    assert "<p>“We sang the last piece" in article.body

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choir members on stage at the Castlemere Corn Exchange" in html
    assert "Castlemere Arts Council" in html
    for expected in (article.headline, "Published", article.get_absolute_url(), "Music, Arts"):
        assert expected in output


def test_import_text_without_publish_saves_a_draft_readers_cannot_see(client, story_file):
    output = run("import_text", str(story_file))
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert "Draft" in output
    assert client.get(article.get_absolute_url()).status_code == 404


def test_import_text_draws_a_placeholder_picture_without_image(story_file):
    run("import_text", str(story_file))
    image = Article.objects.get().featured_image
    assert (image.width, image.height) == (1600, 900)
    with image.file.open("rb") as handle, PILImage.open(handle) as picture:
        assert picture.format == "JPEG"


def test_import_text_uses_the_picture_given_with_image(story_file, tmp_path):
    picture = tmp_path / "choir.png"
    picture.write_bytes(make_picture_bytes(size=(320, 200), image_format="PNG"))
    run("import_text", str(story_file), "--image", str(picture))
    image = Article.objects.get().featured_image
    assert (image.width, image.height) == (320, 200)
    assert image.file.name.endswith(".png")


def test_import_text_uses_the_slug_given_and_reuses_existing_tags(story_file):
    music = make_tag(name="Music", slug="music")
    run("import_text", str(story_file), "--slug", "choir-festival", "--tag", "music")
    article = Article.objects.get(slug="choir-festival")
    assert list(article.tags.all()) == [music]
    assert Tag.objects.count() == 1


def test_import_text_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_text", str(tmp_path / "nowhere.txt"))


def test_import_text_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\xe9 opens\n\nA standfirst.\n\nBody.\n".encode("latin-1"))
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_text", str(path))
    assert row_counts() == (0, 0, 0)


def test_import_text_refuses_text_without_the_shape_of_a_story(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"Cannot import .*empty\.txt: the file is empty"):
        run("import_text", str(path))
    assert row_counts() == (0, 0, 0)


def test_import_text_refuses_a_slug_already_taken(story_file):
    make_article(slug="harrowfield-choir-wins-county-festival")
    counts = row_counts()
    with pytest.raises(CommandError, match="already exists"):
        run("import_text", str(story_file))
    assert row_counts() == counts


def test_import_text_refuses_a_file_with_nul_bytes(tmp_path):
    path = tmp_path / "binary.txt"
    path.write_text("Head\x00line\n\nA standfirst.\n\nBody.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="contains NUL bytes; is it really text"):
        run("import_text", str(path))
    assert row_counts() == (0, 0, 0)


def test_import_text_refuses_a_slug_taken_after_the_check(story_file, monkeypatch):
    # As if another import committed the slug between the check and the insert.
    create_image = ImportTextCommand.create_image

    def create_image_then_take_the_slug(self, story, image_path):
        make_article(slug="harrowfield-choir-wins-county-festival")
        return create_image(self, story, image_path)

    monkeypatch.setattr(ImportTextCommand, "create_image", create_image_then_take_the_slug)
    with pytest.raises(CommandError, match="already exists. Choose another with --slug"):
        run("import_text", str(story_file), "--tag", "Music")
    assert row_counts() == (0, 0, 0)


def test_import_text_refuses_a_file_that_is_not_a_picture_and_keeps_no_rows(story_file, tmp_path):
    fake = tmp_path / "photo.jpg"
    fake.write_text("not really a photograph", encoding="utf-8")
    with pytest.raises(CommandError, match="valid image"):
        run("import_text", str(story_file), "--image", str(fake), "--tag", "Music")
    assert row_counts() == (0, 0, 0)


@pytest.mark.skipif(not SEED_STORY.exists(), reason="the shared seed story is not checked out")
def test_import_text_imports_the_seed_story(client):
    run("import_text", str(SEED_STORY), "--publish")
    article = Article.objects.get()
    assert article.featured_image.credit == "Reuters"
    assert article.featured_image.caption
    assert "Leave a Reply" not in article.body
    assert article.body.count("<p>") > 5
    assert client.get(article.get_absolute_url()).status_code == 200
