from django.db import migrations


def create_row(apps, schema_editor):
    # Blank fields: the site keeps its SITE_NAME and SITE_TAGLINE until editors set others.
    apps.get_model("pages", "SiteSettings").objects.using(
        schema_editor.connection.alias
    ).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_pages_and_site_settings")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
