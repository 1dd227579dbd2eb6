"""The newsdesk's roles: who may write, and who may publish.

The groups themselves are created by migrations (``0002_editors_group`` and
``0004_newsdesk_roles``); this module names them for code that needs them.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
REPORTERS = "Reporters"
PUBLISH_PERMISSION = "articles.publish_article"

# Demo accounts: printed by load_demo, which creates them only when NEWSROOM_DEMO is on.
DEMO_EDITOR_USERNAME = "editor"
DEMO_EDITOR_PASSWORD = "newsroom-editor"  # noqa: S105 - printed for the local demo only
DEMO_REPORTER_USERNAME = "reporter"
DEMO_REPORTER_PASSWORD = "newsroom-reporter"  # noqa: S105 - printed for the local demo only


def can_publish(user):
    """Return True if ``user`` may publish, schedule and unpublish articles."""
    return user.has_perm(PUBLISH_PERMISSION)


def ensure_demo_reporter(
    username=DEMO_REPORTER_USERNAME, password=DEMO_REPORTER_PASSWORD, **fields
):
    """Create (or leave alone) the demo Reporter account and return it with its password.

    Staff, so it can log in to the newsdesk; in the Reporters group, so it can write and
    submit articles but not publish them. The password is reset on every call, so the
    one the demo prints is always the one that works.
    """
    fields.setdefault("first_name", "Rita")
    fields.setdefault("last_name", "Reporter")
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, **fields}
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=REPORTERS))
    return user, password


def ensure_demo_editor():
    """Create (or reset) the demo Editor account and return it.

    Staff, in the Editors group. The password is reset on every call, so the one the
    demo prints is always the one that works.
    """
    group, group_created = Group.objects.get_or_create(name=EDITORS)
    if group_created:
        # A migration normally makes this group, with more permissions; this only fills
        # in a group that is missing, and never takes permissions away.
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="articles",
                codename__in=[
                    f"{action}_{model}"
                    for model in ("article", "image", "tag")
                    for action in ("add", "change", "delete", "view")
                ],
            )
        )
    user, _ = get_user_model().objects.get_or_create(username=DEMO_EDITOR_USERNAME)
    user.first_name, user.last_name = "Demo", "Editor"
    user.is_staff = True
    user.is_active = True
    user.set_password(DEMO_EDITOR_PASSWORD)
    user.save()
    user.groups.add(group)
    return user
