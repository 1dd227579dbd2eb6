"""Backups that restore: the database and every stored file, with a manifest to check them by.

A backup is a folder:

- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site
  runs) or ``database.pgdump`` (``pg_dump --format=custom``);
- ``files/<storage alias>/<name>``: every file of every file-system storage in
  ``STORAGES`` but ``staticfiles`` (which ships with the code), so the media and, where a
  site has one, the private originals' storage;
- ``manifest.json``, written last (a folder without one is an unfinished backup): when,
  by which versions, from which database, its migrations, and each file's size and
  SHA-256.

The database is copied before the files, so every file a backed-up row names is in the
backup unless it was deleted while the backup ran. Restoring checks every checksum before
it changes anything, and only goes into an empty installation unless told otherwise.
"""

import datetime
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import django
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

MANIFEST = "manifest.json"
FORMAT = 1
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
# Renditions are made again by the task worker from the originals; nothing else may be
# left out.
SKIPPABLE = ("renditions",)


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with a message for the operator."""


def file_storages():
    """Return {alias: storage} of every storage whose files a backup must hold."""
    found = {}
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            found[alias] = storage
    return found


def other_storages():
    """Return the aliases of storages a backup cannot copy (object storage and the like)."""
    return [
        alias
        for alias in settings.STORAGES
        if alias != "staticfiles" and not isinstance(storages[alias], FileSystemStorage)
    ]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while block := source.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def copy_and_hash(source_path, target_path):
    """Copy a file, returning (size, sha256) of what was written, read once."""
    target_path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with open(source_path, "rb") as source, open(target_path, "wb") as target:
        while block := source.read(CHUNK):
            digest.update(block)
            size += len(block)
            target.write(block)
    return size, digest.hexdigest()


def app_version():
    try:
        return version("newsroom")
    except PackageNotFoundError:
        return "unknown"


def applied_migrations():
    """Return {app: [migration names]} applied to the database, sorted."""
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _postgres_command(program, database):
    """Return (arguments, environment) naming the connection's server, user and password."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} was not found on PATH: install PostgreSQL's client programs "
            "(apt-get install postgresql-client), in a version at least the server's."
        )
    arguments = [executable, "--no-password"]
    if database.get("HOST"):
        arguments += ["--host", database["HOST"]]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    if database.get("USER"):
        arguments += ["--username", database["USER"]]
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    options = database.get("OPTIONS", {})
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            environment[variable] = str(options[option])
    return arguments, environment


def _run(arguments, environment):
    result = subprocess.run(  # noqa: S603 - arguments are ours and the settings'
        arguments, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} failed: {result.stderr.strip()}")


def _copy_database(target):
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            # A consistent snapshot page by page, while the site keeps writing.
            connection.connection.backup(copy)
            # One self-contained file: no WAL beside it to forget.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    elif vendor == "postgresql":
        database = connection.settings_dict
        arguments, environment = _postgres_command("pg_dump", database)
        arguments += ["--format=custom", "--file", str(target), "--dbname", database["NAME"]]
        _run(arguments, environment)
    else:
        raise BackupError(f"Backups of {vendor} databases are not supported.")


def _rendition_names():
    from articles.models import Rendition

    return set(Rendition.objects.values_list("file", flat=True))


def back_up(destination, skip=(), report=print):
    """Write a backup of the database and every stored file into ``destination``."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: back up into a new or empty folder.")
    unknown = set(skip) - set(SKIPPABLE)
    if unknown:
        raise BackupError(f"Only {', '.join(SKIPPABLE)} may be skipped, not {sorted(unknown)}.")
    for alias, storage in file_storages().items():
        if destination.resolve().is_relative_to(Path(storage.location).resolve()):
            raise BackupError(
                f"{destination} is inside storage {alias!r} ({storage.location}): the backup "
                "would copy itself. Back up into a folder outside the site's storages."
            )
    destination.mkdir(parents=True, exist_ok=True)

    database_name = DATABASE_FILES.get(connection.vendor, "database")
    database_path = destination / database_name
    _copy_database(database_path)
    # The database is already copied: these are the renditions it names.
    left_out = _rendition_names() if "renditions" in skip else set()
    files = [
        {
            "path": database_name,
            "size": database_path.stat().st_size,
            "sha256": sha256_of(database_path),
        }
    ]
    copied_storages = {}
    for alias, storage in file_storages().items():
        root = Path(storage.location)
        count = 0
        for folder, _, names in os.walk(root) if root.is_dir() else ():
            for filename in sorted(names):
                source = Path(folder) / filename
                name = source.relative_to(root).as_posix()
                if name in left_out:
                    continue
                path = f"files/{alias}/{name}"
                try:
                    size, digest = copy_and_hash(source, destination / path)
                except FileNotFoundError:
                    # Deleted since it was listed: the copied database may still name it
                    # (a picture deleted during the backup); there is nothing to copy.
                    report(f"Skipped {alias}:{name}: deleted while the backup ran.")
                    continue
                files.append(
                    {"path": path, "storage": alias, "name": name, "size": size, "sha256": digest}
                )
                count += 1
        copied_storages[alias] = {"location": str(root), "files": count}
        report(f"Copied {count} files of storage {alias!r} from {root}.")
    for alias in other_storages():
        report(
            f"Storage {alias!r} is not a folder on this machine: back it up with its own "
            "tools (object storage versioning or replication); it is not in this backup."
        )
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "versions": {
            "newsroom": app_version(),
            "django": django.get_version(),
            "python": platform.python_version(),
        },
        "database": {"vendor": connection.vendor, "file": database_name},
        "migrations": applied_migrations(),
        "storages": copied_storages,
        "not_copied_storages": other_storages(),
        "skipped": sorted(skip),
        "files": files,
    }
    # Written last, and whole, so a manifest means a finished backup.
    partial = destination / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, indent=2) + "\n")
    partial.rename(destination / MANIFEST)
    report(
        f"Backup of the {connection.vendor} database and {len(files) - 1} files in {destination}."
    )
    return manifest


def read_manifest(source):
    """Return the backup's manifest after checking every file it lists against it."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{source} has no {MANIFEST}: not a backup, or one that did not finish."
        ) from None
    except ValueError as error:
        raise BackupError(f"{source / MANIFEST} is not valid JSON: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{source} is a backup in format {manifest.get('format')!r}; "
            f"this version reads format {FORMAT}."
        )
    problems = []
    for entry in manifest["files"]:
        path = source / entry["path"]
        if not _is_inside(path, source) or (
            "storage" in entry and not _is_relative_name(entry["name"])
        ):
            problems.append(f"{entry['path']} points outside the backup or its storage")
        elif not path.is_file():
            problems.append(f"{entry['path']} is missing")
        elif path.stat().st_size != entry["size"]:
            problems.append(f"{entry['path']} has {path.stat().st_size} bytes, not {entry['size']}")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['path']} does not match its checksum")
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise BackupError(
            f"The backup in {source} is damaged: {shown}{more}. Nothing was restored."
        )
    return manifest


def _is_inside(path, folder):
    """Return True if ``path`` stays inside ``folder`` once ``..`` and links are resolved."""
    return Path(os.path.normpath(path)).resolve().is_relative_to(Path(folder).resolve())


def _is_relative_name(name):
    """Return True if a stored file's name stays inside its storage folder."""
    normal = os.path.normpath(name)
    return not os.path.isabs(normal) and normal != ".." and not normal.startswith("../")


def _installation_contents(manifest):
    """Return what this installation already holds: tables and stored files."""
    found = []
    tables = connection.introspection.table_names()
    if tables:
        found.append(f"the database has {len(tables)} tables")
    for alias in manifest["storages"]:
        root = Path(storages[alias].location)
        if root.is_dir() and any(path.is_file() for path in root.rglob("*")):
            found.append(f"storage {alias!r} ({root}) holds files")
    return found


def _empty_database():
    """Drop everything the site's database holds, for a forced restore."""
    if connection.vendor == "postgresql":
        # Functions, triggers and text search settings too, not only tables: the dump
        # creates them all again.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    # SQLite: the online backup API replaces the whole file's content.


def _restore_database(path):
    if connection.vendor == "sqlite":
        connection.close()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        database = connection.settings_dict
        arguments, environment = _postgres_command("pg_restore", database)
        # Owners and grants are the old server's; here the site's own user owns it all.
        arguments += ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]
        arguments += ["--dbname", database["NAME"], str(path)]
        _run(arguments, environment)
        connection.close()


def _remake_renditions(report):
    """Forget the renditions a backup left out, and queue the worker to make them again."""
    from articles.models import Image, Rendition
    from articles.renditions import queue

    Rendition.objects.all().delete()
    image_ids = list(Image.objects.values_list("pk", flat=True))
    for start in range(0, len(image_ids), 500):
        queue(image_ids[start : start + 500])
    report(f"Queued renditions of {len(image_ids)} pictures for the task worker.")


def restore(source, force=False, report=print):
    """Restore the backup in ``source`` into this (empty) installation."""
    source = Path(source)
    manifest = read_manifest(source)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The backup holds a {vendor} database; this installation uses "
            f"{connection.vendor}. Restore into a {vendor} installation."
        )
    targets = file_storages()
    missing = [alias for alias in manifest["storages"] if alias not in targets]
    if missing:
        raise BackupError(
            f"The backup has files for storage {', '.join(map(repr, missing))}, which this "
            "installation does not configure as a folder (settings.STORAGES)."
        )
    contents = _installation_contents(manifest)
    if contents and not force:
        raise BackupError(
            "This installation is not empty: "
            + "; ".join(contents)
            + ". Restore into a new database and empty storage folders, or pass --force "
            "to replace the database and write the backup's files over these."
        )
    if contents and force:
        _empty_database()
    _restore_database(source / manifest["database"]["file"])
    report(f"Restored the {vendor} database.")

    counts = dict.fromkeys(manifest["storages"], 0)
    for entry in manifest["files"]:
        if "storage" not in entry:
            continue
        target = Path(targets[entry["storage"]].location) / entry["name"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / entry["path"], target)
        os.chmod(target, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
        counts[entry["storage"]] += 1
    for alias, count in counts.items():
        report(f"Restored {count} files of storage {alias!r} into {targets[alias].location}.")

    if "renditions" in manifest["skipped"]:
        _remake_renditions(report)
    # Pages cached before the restore show what is no longer there.
    from . import pagecache

    pagecache.invalidate()
    plan = MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    )
    if plan:
        report(
            f"The backup predates {len(plan)} migrations of this version: run "
            "manage.py migrate now."
        )
    return manifest
