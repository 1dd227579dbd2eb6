"""Lower-case the stored addresses, as Comment.save now does for every new one."""

from django.db import migrations
from django.db.models.functions import Lower


def lowercase_emails(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    Comment.objects.exclude(email=Lower("email")).update(email=Lower("email"))


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_editors_can_moderate")]

    operations = [migrations.RunPython(lowercase_emails, migrations.RunPython.noop)]
