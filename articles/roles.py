"""The newsdesk's roles: who may write, and who may publish.

``ROLES`` is the one statement of what each group may do. ``ensure_roles`` makes the
groups from it after every ``migrate`` (and after the database flush that ends a
transactional test), the way Django makes permissions; migrations ``articles.0002``,
``articles.0004`` and ``comments.0002`` made the same groups on existing sites.
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


# What each group may do: every permission of an app (None) or the codenames listed.
# Editors also moderate comments and unlock logins; nothing is imported from those apps.
ROLES = {
    EDITORS: {
        # Every permission of the app, so sections and front page pins are theirs alone.
        "articles": None,
        "comments": ("can_moderate", "view_comment", "change_comment", "delete_comment"),
        # django-axes' failed-login records: deleting them unlocks a login (newsroom/admin.py).
        "axes": ("view_accessattempt", "delete_accessattempt"),
        # Static pages and the site settings (pages/): the site's furniture is the desk's.
        "pages": None,
        # The breaking-news banner (breaking/): set it, change it, take it down.
        "breaking": None,
    },
    REPORTERS: {
        "articles": (
            "add_article",
            "change_article",
            "view_article",
            "add_image",
            "view_image",
            "view_tag",
            # They choose an article's section; the list of them is theirs to read.
            "view_section",
        ),
        # Reporters read the About and Contact pages' sources; editors change them.
        "pages": ("view_page",),
    },
}


def ensure_roles(using="default", **kwargs):
    """Create the newsdesk's groups and give them what ``ROLES`` says; never take away.

    Connected to ``post_migrate``, which runs for each app in turn, so each call adds
    the permissions that exist by then; idempotent.
    """
    for name, grants in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        for app_label, codenames in grants.items():
            permissions = Permission.objects.using(using).filter(content_type__app_label=app_label)
            if codenames is not None:
                permissions = permissions.filter(codename__in=codenames)
            group.permissions.add(*permissions)


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
    ensure_roles()
    user.groups.add(Group.objects.get(name=REPORTERS))
    return user, password


def ensure_demo_editor():
    """Create (or reset) the demo Editor account and return it.

    Staff, in the Editors group. The password is reset on every call, so the one the
    demo prints is always the one that works.
    """
    ensure_roles()
    group = Group.objects.get(name=EDITORS)
    user, _ = get_user_model().objects.get_or_create(username=DEMO_EDITOR_USERNAME)
    user.first_name, user.last_name = "Demo", "Editor"
    user.is_staff = True
    user.is_active = True
    user.set_password(DEMO_EDITOR_PASSWORD)
    user.save()
    user.groups.add(group)
    return user
