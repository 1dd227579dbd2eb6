"""Every admin page, as every role: never a 500, and the status the role's rights call for.

The pages are listed from the admin itself (``admin.site._registry`` and each model
admin's own URLs), so a new model or a new admin view is visited without editing this
file; the test fails, saying what to add, only when it cannot make an object to visit.
What each role should get follows Django's rules for the permissions the role holds
(``articles.roles.ROLES``), with the project's own rules written out in ``_expected``.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.models import Article, AuthorProfile, FrontPagePin, Redirect
from articles.roles import ROLES
from articles.tasks import make_renditions
from breaking.models import BreakingNews
from comments.models import Comment
from pages.models import Page as StaticPage
from pages.models import SiteSettings
from tests.factories import (
    make_article,
    make_comment,
    make_image,
    make_section,
    make_staff,
    make_tag,
    make_upload,
    make_user,
)

pytestmark = pytest.mark.django_db

SUPERUSER = "superuser"
STAFF_WITHOUT_GROUP = "staff without a group"
READER = "reader (not staff)"
ANONYMOUS = "anonymous"
ROLE_NAMES = [*ROLES, SUPERUSER, STAFF_WITHOUT_GROUP, READER, ANONYMOUS]


def _make_user_for(role):
    if role == ANONYMOUS:
        return None
    if role == SUPERUSER:
        return make_user(is_staff=True, is_superuser=True)
    if role == STAFF_WITHOUT_GROUP:
        return make_user(is_staff=True)
    if role == READER:
        return make_user()
    return make_staff(role)


def _task_result():
    from django_tasks_db.models import DBTaskResult

    result = make_renditions.enqueue([])
    return DBTaskResult.objects.get(pk=result.id)


def _failed_login():
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(
        username="someone",
        ip_address="192.0.2.7",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/admin/login/",
        failures_since_start=2,
    )


# One object of each registered model, made for the user under test (``owner``). A
# model registered later needs a line here; the test says so.
OBJECT_FACTORIES = {
    "auth.Group": lambda owner: Group.objects.get(name=next(iter(ROLES))),
    "auth.User": lambda owner: make_user(first_name="Other", last_name="Person"),
    "django_tasks_database.DBTaskResult": lambda owner: _task_result(),
    "articles.Tag": lambda owner: make_tag(),
    "articles.Image": lambda owner: make_image(),
    "articles.AuthorProfile": lambda owner: AuthorProfile.objects.create(
        user=make_user(), bio="Writes about the harbour."
    ),
    # The user's own draft, as a reporter's would be; another's article is visited too.
    "articles.Article": lambda owner: make_article(
        status=Article.Status.DRAFT, authors=[owner] if owner and owner.is_staff else []
    ),
    "comments.Comment": lambda owner: make_comment(),
    "axes.AccessAttempt": lambda owner: _failed_login(),
    "articles.Section": lambda owner: make_section(),
    "articles.Redirect": lambda owner: Redirect.objects.create(
        old_path="/old-about/", target="/about-us/"
    ),
    "articles.FrontPagePin": lambda owner: FrontPagePin.objects.create(article=make_article()),
    "pages.Page": lambda owner: StaticPage.objects.create(title="About us", slug="about-us"),
    "pages.SiteSettings": lambda owner: SiteSettings.objects.get_or_create(pk=1)[0],
    "breaking.BreakingNews": lambda owner: BreakingNews.objects.create(
        text="Harbour bridge closed", expires_at=timezone.now() + timedelta(hours=1)
    ),
}


@dataclass
class Page:
    name: str
    url: str
    expected: int
    kind: str = ""
    method: str = "get"
    data: dict | None = None


def _allowed(user, model, action):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


OBJECT_PAGES = {
    "change",
    "history",
    "delete",
    "revisions",
    "revision",
    "restore",
    "presence",
    "password_change",
}


def _expected(user, model, kind, obj):
    """Return the status ``user`` should get on the ``kind`` page of ``model``."""
    if user is None or not (user.is_active and user.is_staff):
        return 302  # to the login page
    can = {action: _allowed(user, model, action) for action in ("view", "add", "change", "delete")}
    label = model._meta.label
    # The project's own rules, beyond Django's.
    if label == "comments.Comment":
        can["add"] = False  # comments come from readers only
    if label == "django_tasks_database.DBTaskResult":
        can.update(add=False, change=False, delete=False)  # the worker's record, read-only
    if label == "axes.AccessAttempt":
        can.update(add=False, change=False)  # failed logins are only viewed and forgotten
    if label == "pages.SiteSettings":
        can.update(add=False, delete=False)  # one row, made by the migration, never removed
        if kind == "changelist" and (can["view"] or can["change"]):
            return 302  # straight to the one row's form
    viewable = can["view"] or can["change"]
    if label == "articles.Article" and kind in OBJECT_PAGES:
        publisher = user.has_perm("articles.publish_article")
        if not publisher and not obj.authorships.filter(author=user).exists():
            # Outside the user's newsdesk: the admin says the article does not exist (a
            # redirect to the index), after checking the model-wide right where it
            # checks that first.
            if kind == "history" or (kind == "change" and viewable):
                return 302
            if kind == "delete" and can["delete"]:
                return 302
            return 403
    if kind == "moderate":
        return 405  # the quick moderation buttons post; a GET changes nothing
    if kind == "restore":
        # Restoring is editing: a published article's confirmation page is for those who
        # may edit it (not its reporter); a draft's restore is on its revision page.
        publisher = user.has_perm("articles.publish_article")
        if not can["change"] or (obj.status == Article.Status.PUBLISHED and not publisher):
            return 403
        return 200 if obj.status == Article.Status.PUBLISHED else 302
    if kind == "presence":
        return 405 if viewable else 403  # POST only: the form's script keeps it fresh
    if kind == "changelist":
        return 200 if viewable else 403
    if kind == "choose":
        return 200 if viewable else 403  # the picture chooser: a view of the library
    if kind in {"change", "history", "revisions", "revision"}:
        return 200 if viewable else 403
    if kind == "add":
        return 200 if can["add"] else 403
    if kind == "delete":
        return 200 if can["delete"] else 403
    if kind == "password_change":
        return 200 if can["change"] else 403
    raise AssertionError(f"No rule for the {kind!r} page of {label}: add one to _expected.")


def _model_pages(user, model, model_admin, obj):
    """Yield every page of one model admin, from its own URL patterns."""
    opts = model._meta
    prefix = f"{opts.app_label}_{opts.model_name}_"
    revision = None
    for pattern in model_admin.get_urls():
        if not pattern.name:
            continue  # the old "<id>/" address, a redirect to "<id>/change/"
        kind = pattern.name.removeprefix(prefix)
        kwargs = {}
        keys = set(pattern.pattern.regex.groupindex)
        if "object_id" in keys:
            kwargs["object_id"] = obj.pk
        if "id" in keys:
            kwargs["id"] = obj.pk
        if "revision_id" in keys:
            revision = revision or revisions.record(obj, None)
            kwargs["revision_id"] = revision.pk
        unknown = keys - {"object_id", "id", "revision_id"}
        assert not unknown, f"{pattern.name}: say how to fill in {unknown} in this test."
        url = reverse(f"admin:{pattern.name}", kwargs=kwargs)
        yield Page(pattern.name, url, _expected(user, model, kind, obj), kind=kind)


def _site_pages(user, objects):
    """Yield the admin site's own pages and the project's custom staff views."""
    staff = user is not None and user.is_active and user.is_staff
    yield Page("index", reverse("admin:index"), 200 if staff else 302)
    for app_label in {model._meta.app_label for model in admin.site._registry}:
        has_any = staff and user.has_module_perms(app_label)
        expected = 200 if has_any else (404 if staff else 302)
        yield Page(f"app_list {app_label}", reverse("admin:app_list", args=[app_label]), expected)
    # Logged in but not staff: Django shows the login form again, with a message.
    yield Page("login", reverse("admin:login"), 302 if staff else 200)
    yield Page("logout (GET)", reverse("admin:logout"), 405 if staff else 302)
    yield Page("password_change", reverse("admin:password_change"), 200 if staff else 302)
    yield Page("password_change_done", reverse("admin:password_change_done"), 200 if staff else 302)
    yield Page("jsi18n", reverse("admin:jsi18n"), 200 if staff else 302)
    for field_name, remote in (("tags", "tag"), ("featured_image", "image")):
        can_view_remote = staff and (
            user.has_perm(f"articles.view_{remote}") or user.has_perm(f"articles.change_{remote}")
        )
        can_use_field = staff and (
            user.has_perm("articles.add_article") or user.has_perm("articles.change_article")
        )
        yield Page(
            f"autocomplete {field_name}",
            reverse("admin:autocomplete")
            + f"?app_label=articles&model_name=article&field_name={field_name}&term=a",
            200 if can_view_remote and can_use_field else (403 if staff else 302),
        )
    yield Page(
        "autocomplete without parameters", reverse("admin:autocomplete"), 403 if staff else 302
    )
    for model, obj in objects.items():
        content_type = ContentType.objects.get_for_model(model)
        has_url = hasattr(obj, "get_absolute_url")
        yield Page(
            f"view_on_site {model._meta.label}",
            reverse("admin:view_on_site", args=[content_type.pk, obj.pk]),
            (302 if has_url else 404) if staff else 302,
        )
    # The newsdesk's preview: staff see the articles they may open, others nothing.
    article = objects[Article]
    may_open = staff and user.has_perm("articles.view_article")
    if may_open and not user.has_perm("articles.publish_article"):
        may_open = article.authorships.filter(author=user).exists()
    yield Page(
        "article preview",
        reverse("articles:preview", args=[article.pk]),
        200 if may_open else (404 if staff else 302),
    )
    # The quick buttons under an article's comments: moderators only.
    comment = objects[Comment]
    moderates = staff and user.has_perm("comments.change_comment")
    moderates = moderates and user.has_perm("comments.can_moderate")
    yield Page(
        "comment quick action (POST)",
        reverse("admin:comments_comment_moderate", args=[comment.pk]),
        302 if moderates else (403 if staff else 302),
        method="post",
        data={"action": "trash"},
    )
    can_browse = staff and user.has_perm("articles.view_image")
    can_upload = staff and user.has_perm("articles.add_image")
    not_staff = 302
    yield Page(
        "editor picture browser",
        reverse("editor-image-browser"),
        200 if can_browse else (403 if staff else not_staff),
    )
    yield Page(
        "editor picture upload (GET)",
        reverse("editor-image-upload"),
        405 if can_upload else (403 if staff else not_staff),
    )
    yield Page(
        "editor picture upload (POST, a picture)",
        reverse("editor-image-upload") + "?responseType=json",
        200 if can_upload else (403 if staff else not_staff),
        method="post",
        data={"upload": make_upload(name="harbour.png", image_format="PNG")},
    )
    # The picture chooser's upload: a new picture for whoever may add one (a 302 back
    # to the chooser), the form again with its errors for a file that is not a picture.
    can_view_images = staff and (
        user.has_perm("articles.view_image") or user.has_perm("articles.change_image")
    )
    yield Page(
        "picture chooser upload (POST, a picture)",
        reverse("admin:articles_image_choose"),
        302 if can_upload and can_view_images else (403 if staff else not_staff),
        method="post",
        data={"file": make_upload(name="quay.png", image_format="PNG"), "alt_text": "Quay"},
    )
    yield Page(
        "picture chooser upload (POST, not a picture)",
        reverse("admin:articles_image_choose"),
        200 if can_upload and can_view_images else (403 if staff else not_staff),
        method="post",
        data={"file": make_upload(name="quay.png", content=b"not a picture"), "alt_text": "Q"},
    )
    yield Page(
        "editor picture upload (POST, no file)",
        reverse("editor-image-upload") + "?responseType=json",
        400 if can_upload else (403 if staff else not_staff),
        method="post",
        data={},
    )


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_every_admin_page_answers_each_role_as_its_rights_say(client, role):
    user = _make_user_for(role)
    if user is not None:
        client.force_login(user)
    missing = [
        model._meta.label
        for model in admin.site._registry
        if model._meta.label not in OBJECT_FACTORIES
    ]
    assert not missing, f"Add a factory for {missing} to OBJECT_FACTORIES."
    objects = {model: OBJECT_FACTORIES[model._meta.label](user) for model in admin.site._registry}
    others_article = make_article(authors=[make_staff(next(iter(ROLES)))])

    pages = list(_site_pages(user, objects))
    for model, model_admin in admin.site._registry.items():
        pages += _model_pages(user, model, model_admin, objects[model])
    pages += [
        Page(f"{page.name} (another's article)", page.url, page.expected)
        for page in _model_pages(user, Article, admin.site._registry[Article], others_article)
        if page.kind in OBJECT_PAGES
    ]

    wrong = []
    for page in pages:
        response = getattr(client, page.method)(page.url, page.data or {})
        if response.status_code != page.expected:
            wrong.append(
                f"{page.name} {page.url}: {response.status_code}, expected {page.expected}"
            )
    assert len(pages) > 60
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)
