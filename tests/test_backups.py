"""manage.py backup and restore: a site backed up and restored elsewhere is the same site.

"Elsewhere" is another database (another SQLite file, or another PostgreSQL database on
the suite's server) and other storage folders; every row of every table and every stored
file is compared with the original's.
"""

import contextlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from articles.models import Image, Rendition
from comments.models import Comment
from newsroom.backups import file_storages, sha256_of
from tests.factories import make_article, make_comment, make_image, make_tag, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def database_rows():
    """Return every row of every table (and the sequences' positions) of the connected database."""
    rows = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from the schema
            rows[table] = sorted(map(repr, cursor.fetchall()))
        # Where the next id comes from: a restore must not hand out ids already used.
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            )
        else:
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
        rows["(sequences)"] = sorted(cursor.fetchall())
    return rows


def stored_files():
    """Return {storage alias: {name: bytes}} of every file-system storage."""
    return {
        alias: {
            path.relative_to(storage.location).as_posix(): path.read_bytes()
            for path in sorted(Path(storage.location).rglob("*"))
            if path.is_file()
        }
        for alias, storage in file_storages().items()
    }


@pytest.fixture
def newsroom_site(media_root):
    """A small real site: people, tags, pictures with renditions, articles, comments."""
    editor = make_user(username="editor", is_staff=True)
    tag = make_tag(name="Harbour", slug="harbour")
    pictures = [make_image(), make_image(), make_image(renditions=False)]
    article = make_article(
        headline="Ferry returns", tags=[tag], authors=[editor], featured_image=pictures[0]
    )
    article.body_images.set(pictures[1:])
    make_article(headline="A draft", status="draft")
    first = make_comment(article=article, text="Welcome back, ferry.")
    make_comment(article=article, parent=first, text="Agreed.")
    make_comment(article=article, status=Comment.Status.PENDING, text="Held.")
    assert Rendition.objects.count() > 0
    return article


@pytest.fixture
def elsewhere(settings, tmp_path):
    """Return a context manager that points the site at an empty database and folders."""
    original = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        target_name = f"{original['NAME']}_restore"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(target_name)}")
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(target_name)}")
    else:
        target_name = str(tmp_path / "restored.sqlite3")
    folders = tmp_path / "restored-storages"

    @contextlib.contextmanager
    def switched():
        original_storages = settings.STORAGES
        original_media = settings.MEDIA_ROOT
        settings.MEDIA_ROOT = folders / "default"
        settings.STORAGES = {
            alias: (
                config
                if alias in ("default", "staticfiles")
                else {
                    **config,
                    "OPTIONS": {**config.get("OPTIONS", {}), "location": str(folders / alias)},
                }
            )
            for alias, config in original_storages.items()
        }
        connection.close()
        connection.settings_dict["NAME"] = target_name
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.update(original)
            settings.STORAGES = original_storages
            settings.MEDIA_ROOT = original_media

    yield switched
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(target_name)}")


def test_backup_restored_elsewhere_has_every_row_and_every_file(newsroom_site, elsewhere, tmp_path):
    rows = database_rows()
    files = stored_files()
    # Originals in their private storage, renditions in the public one: both are copied.
    assert any(name.startswith("images/") for name in files["originals"])
    assert any(name.startswith("renditions/") for name in files["default"])

    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"]["articles"]
    listed = {entry["path"]: entry for entry in manifest["files"]}
    for alias, stored in files.items():
        for name, content in stored.items():
            entry = listed[f"files/{alias}/{name}"]
            assert entry["size"] == len(content)
            assert entry["sha256"] == sha256_of(tmp_path / "backup" / entry["path"])

    with elsewhere():
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())
        restored_rows = database_rows()
        restored_files = stored_files()
        # The restored site works: the article's page renders with its picture.
        response = Client().get(newsroom_site.get_absolute_url())
    assert response.status_code == 200
    assert "Ferry returns" in response.content.decode()

    assert restored_rows.keys() == rows.keys()
    for table in rows:
        assert restored_rows[table] == rows[table], table
    assert restored_files == files
    assert len(rows["articles_article"]) == 2
    assert len(rows["comments_comment"]) == 3


def test_restore_refuses_an_installation_that_is_not_empty(newsroom_site, tmp_path):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    newsroom_site.headline = "Changed after the backup"
    newsroom_site.save()
    rows = database_rows()
    with pytest.raises(CommandError, match="This installation is not empty: the database has"):
        call_command("restore", str(tmp_path / "backup"))
    assert database_rows() == rows


def test_restore_refuses_a_damaged_backup_before_touching_anything(
    newsroom_site, elsewhere, tmp_path
):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    original = next((tmp_path / "backup" / "files" / "originals" / "images").rglob("*.*"))
    damaged = bytearray(original.read_bytes())
    damaged[-3] ^= 0xFF
    original.write_bytes(bytes(damaged))
    with elsewhere():
        with pytest.raises(CommandError, match="does not match its checksum. Nothing was restored"):
            call_command("restore", str(tmp_path / "backup"))
        assert connection.introspection.table_names() == []
        assert stored_files() == {"default": {}, "originals": {}}


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="is not empty: back up into a new or empty folder"):
        call_command("backup", str(tmp_path / "backup"))


def test_backup_without_renditions_keeps_originals_and_the_worker_remakes_them(
    newsroom_site, elsewhere, tmp_path
):
    originals = stored_files()["originals"]
    call_command("backup", str(tmp_path / "backup"), "--skip-renditions", stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    names = {entry.get("name") for entry in manifest["files"]}
    assert originals and set(originals) <= names
    assert not any(name and name.startswith("renditions/") for name in names)
    assert manifest["skipped"] == ["renditions"]

    with elsewhere():
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())
        assert Image.objects.count() == 3
        assert Rendition.objects.count() == 0
        from django_tasks_db.models import DBTaskResult

        queued = [task.args_kwargs["args"][0] for task in DBTaskResult.objects.all()]
        # Before the restore the queue was empty; now every picture is asked for.
        assert sorted(pk for batch in queued for pk in batch) == sorted(
            Image.objects.values_list("pk", flat=True)
        )


def test_forced_restore_replaces_an_installation_that_is_not_empty(newsroom_site, tmp_path):
    rows = database_rows()
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    newsroom_site.headline = "Changed after the backup"
    newsroom_site.save()
    make_comment(article=newsroom_site, text="Written after the backup.")

    call_command("restore", str(tmp_path / "backup"), "--force", stdout=io.StringIO())

    assert database_rows() == rows
    newsroom_site.refresh_from_db()
    assert newsroom_site.headline == "Ferry returns"


def test_backup_refuses_a_folder_inside_the_media_it_copies(media_root):
    media_root.mkdir(parents=True)
    with pytest.raises(CommandError, match="the backup would copy itself"):
        call_command("backup", str(media_root / "backups" / "today"))


def test_restore_refuses_a_manifest_naming_files_outside_the_storage(newsroom_site, tmp_path):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    entry = next(entry for entry in manifest["files"] if "storage" in entry)
    entry["name"] = "../../outside.jpg"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="points outside the backup or its storage"):
        call_command("restore", str(tmp_path / "backup"))
