"""Give every comment its thread root, and index what the pages of threads and the
moderation queue ask for."""

import django.db.models.deletion
from django.db import migrations, models

from comments.threads import rethread_all

# A moderator's name search is a case-insensitive prefix match (``name__istartswith``):
# each database needs its own index shape for that, which Meta.indexes cannot say.
NAME_PREFIX_INDEX = {
    "postgresql": 'CREATE INDEX comment_name_prefix_idx ON "comments_comment" '
    '(UPPER("name"::text) text_pattern_ops)',
    "sqlite": 'CREATE INDEX comment_name_prefix_idx ON "comments_comment" ("name" COLLATE NOCASE)',
}


def fill_thread_roots(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    rethread_all(schema_editor.connection, Comment._meta.db_table)


def add_name_prefix_index(apps, schema_editor):
    sql = NAME_PREFIX_INDEX.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def drop_name_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor in NAME_PREFIX_INDEX:
        schema_editor.execute("DROP INDEX IF EXISTS comment_name_prefix_idx")


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_lowercase_emails")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="thread_root",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="comments.comment",
                verbose_name="thread",
                db_index=False,
            ),
        ),
        migrations.RunPython(fill_thread_roots, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="comment",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("approved", "Approved"),
                    ("spam", "Spam"),
                    ("trash", "Trash"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("thread_root__isnull", True)),
                fields=["article", "status", "created", "id"],
                name="comment_thread_start_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["thread_root", "status"], name="comment_thread_idx"),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["status", "created", "id"], name="comment_status_idx"),
        ),
        migrations.RunPython(add_name_prefix_index, drop_name_prefix_index),
    ]
