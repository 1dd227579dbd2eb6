from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Django creates the tags' through table itself, so its index is plain SQL (the
        # same on SQLite and PostgreSQL): a tag's page starts from the tag, and with the
        # article id in the index the tag's articles are read from it alone.
        migrations.RunSQL(
            "CREATE INDEX article_tags_tag_article_idx"
            " ON articles_article_tags (tag_id, article_id)",
            "DROP INDEX article_tags_tag_article_idx",
        ),
        migrations.RemoveIndex(
            model_name="article",
            name="article_pub_idx",
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["status", "-published_at", "-id"], name="article_listing_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-published_at", "-id"], name="article_recent_idx"),
        ),
        migrations.AddIndex(
            model_name="articleauthor",
            index=models.Index(fields=["author", "article"], name="articleauthor_author_idx"),
        ),
    ]
