from django.contrib.auth.management import create_permissions
from django.db import migrations

# Keep in step with articles/roles.py, which the demo loader and the README describe.
REPORTER_PERMISSIONS = (
    "add_article",
    "change_article",
    "view_article",
    "add_image",
    "view_image",
    "view_tag",
)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations run; make them now so the
    # groups can be given them on a fresh database (the new models and publish_article).
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="articles"))
    reporters, _ = Group.objects.get_or_create(name="Reporters")
    reporters.permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles", codename__in=REPORTER_PERMISSIONS
        )
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Reporters").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_newsdesk"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
