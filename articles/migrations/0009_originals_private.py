"""Keep pictures' originals in private storage; move the existing ones out of MEDIA_ROOT.

Until now an original sat in the public media storage next to its renditions, at an
address anyone could guess from an article body (``/media/images/…``), with its EXIF
location and any bytes a polyglot carried. Each is moved to ``STORAGES["originals"]``
(articles/storage.py). The move can run again after an interruption: a picture already
in private storage is left alone, a half-copied one is copied again, and a file that is
in neither place is logged and skipped (its renditions, if any, keep serving).
"""

import logging

from django.core.files.storage import storages
from django.db import migrations, models

import articles.images
import articles.models.image
import articles.storage

logger = logging.getLogger(__name__)


def move_files(names, source, target):
    """Move each stored file ``name`` from ``source`` to ``target``; return (moved, missing)."""
    moved = missing = 0
    for name in names:
        if not name:
            continue
        if target.exists(name):
            if not source.exists(name):
                continue  # Moved by an earlier run.
            if target.size(name) == source.size(name):
                source.delete(name)  # Copied by an earlier run that stopped before deleting.
                moved += 1
                continue
            target.delete(name)  # Half-copied by an interrupted run: copy it again.
        if not source.exists(name):
            logger.warning("The picture file %s is missing; it was not moved.", name)
            missing += 1
            continue
        with source.open(name, "rb") as original:
            saved = target.save(name, original)
        if saved != name:  # Storage never renames a name it does not hold; say so if it did.
            raise RuntimeError(f"{name} was stored as {saved}; nothing was deleted.")
        source.delete(name)
        moved += 1
    return moved, missing


def _names(apps, schema_editor):
    Image = apps.get_model("articles", "Image")
    images = Image.objects.using(schema_editor.connection.alias).order_by("pk")
    return images.values_list("file", flat=True).iterator()


def move_originals_to_private_storage(apps, schema_editor):
    move_files(_names(apps, schema_editor), storages["default"], storages["originals"])


def move_originals_back_to_media(apps, schema_editor):
    move_files(_names(apps, schema_editor), storages["originals"], storages["default"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_listing_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="image",
            name="file",
            field=articles.models.image.UprightImageField(
                height_field="height",
                help_text="A JPEG, PNG, WebP or GIF picture.",
                storage=articles.storage.originals_storage,
                upload_to=articles.images.image_upload_to,
                validators=[
                    articles.images.validate_upload_name,
                    articles.images.validate_image_file,
                ],
                verbose_name="file",
                width_field="width",
            ),
        ),
        migrations.AddField(
            model_name="image",
            name="damaged",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="The file could not be decoded to make the copies readers get.",
                verbose_name="damaged",
            ),
        ),
        migrations.RunPython(
            move_originals_to_private_storage, move_originals_back_to_media, elidable=False
        ),
    ]
