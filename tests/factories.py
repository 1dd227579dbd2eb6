"""Small helpers that make real rows and real pictures for tests."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Image, Section, Tag

_sequence = itertools.count(1)


def make_picture_bytes(size=(64, 48), colour=(180, 40, 40), image_format="JPEG", mode="RGB"):
    """Return the bytes of a real picture drawn with Pillow."""
    buffer = io.BytesIO()
    PILImage.new(mode, size, colour).save(buffer, format=image_format)
    return buffer.getvalue()


def make_upload(name="photo.jpg", content=None, content_type="image/jpeg", **picture):
    """Return an uploaded file as a browser would send it."""
    if content is None:
        content = make_picture_bytes(**picture)
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_image(renditions=True, **fields):
    """Return a library picture; with its renditions made, as the worker makes them."""
    number = next(_sequence)
    fields.setdefault("file", make_upload(f"picture-{number}.jpg"))
    fields.setdefault("alt_text", f"A test picture number {number}")
    fields.setdefault("caption", f"Caption {number}")
    fields.setdefault("credit", "Reuters")
    image = Image.objects.create(**fields)
    if renditions:
        image.create_renditions()
    return image


def make_tag(**fields):
    number = next(_sequence)
    fields.setdefault("name", f"Topic {number}")
    fields.setdefault("slug", f"topic-{number}")
    return Tag.objects.create(**fields)


def make_section(**fields):
    number = next(_sequence)
    fields.setdefault("name", f"Section {number}")
    fields.setdefault("slug", f"section-{number}")
    fields.setdefault("order", number)
    return Section.objects.create(**fields)


def make_user(**fields):
    number = next(_sequence)
    fields.setdefault("username", f"user{number}")
    password = fields.pop("password", "correct horse battery staple")
    user = get_user_model().objects.create_user(**fields)
    user.set_password(password)
    user.save()
    return user


def make_article(tags=(), authors=(), **fields):
    """Create an article; published an hour ago unless told otherwise."""
    number = next(_sequence)
    fields.setdefault("headline", f"Headline number {number}")
    fields.setdefault("slug", f"headline-number-{number}")
    fields.setdefault("standfirst", f"Standfirst for story {number}.")
    fields.setdefault("body", f"<p>Body of story {number}.</p>")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    article = Article.objects.create(**fields)
    article.tags.set(tags)
    article.set_authors(authors)
    return article


def make_comment(article=None, **fields):
    """Create a comment, approved unless told otherwise."""
    from comments.models import Comment

    number = next(_sequence)
    fields.setdefault("name", f"Reader {number}")
    fields.setdefault("email", f"reader{number}@example.com")
    fields.setdefault("text", f"Comment number {number}.")
    fields.setdefault("status", Comment.Status.APPROVED)
    fields.setdefault("ip_address", "192.0.2.1")
    return Comment.objects.create(article=article or make_article(), **fields)


def inline_management_data(authors=(), corrections=(), article=None):
    """Return the article admin's inline formsets as a browser posts them.

    ``authors`` are users in byline order. With ``article``, its current authors are
    posted as the form shows them: kept (re-ordered) if in ``authors``, else deleted.
    ``corrections`` are new ``(kind, text)`` pairs. With ``article``, the version the
    form carries is the article's as stored now (the form was just opened).
    """
    existing = list(article.authorships.all()) if article is not None else []
    order = {user.pk: position for position, user in enumerate(authors)}
    rows = []
    for authorship in existing:
        row = {"id": authorship.pk, "author": authorship.author_id}
        if authorship.author_id in order:
            row["position"] = order.pop(authorship.author_id)
        else:
            row.update(position=authorship.position, DELETE="on")
        rows.append(row)
    rows += [{"author": user_id, "position": position} for user_id, position in order.items()]
    data = {
        "authorships-TOTAL_FORMS": str(len(rows)),
        "authorships-INITIAL_FORMS": str(len(existing)),
        "corrections-TOTAL_FORMS": str(len(corrections)),
        "corrections-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"authorships-{index}-{name}"] = str(value)
    now = timezone.localtime()
    for index, (kind, text) in enumerate(corrections):
        data[f"corrections-{index}-kind"] = kind
        data[f"corrections-{index}-text"] = text
        data[f"corrections-{index}-created_0"] = now.strftime("%Y-%m-%d")
        data[f"corrections-{index}-created_1"] = now.strftime("%H:%M:%S")
    if article is not None and article.pk:
        data["version"] = str(
            type(article).objects.values_list("version", flat=True).get(pk=article.pk)
        )
    return data


def article_form_data(article=None, authors=None, corrections=(), **overrides):
    """Return the article admin's form as a browser posts it, with its inlines.

    Without ``article``, a new draft's ("Bridge reopens"); with it, the article as its
    change form shows it just opened (its fields, its byline unless ``authors`` says
    otherwise, and its stored version). ``overrides`` replace single fields.
    """
    if article is None:
        data = {
            "headline": "Bridge reopens",
            "slug": "bridge-reopens",
            "standfirst": "",
            "body": "<p>Open.</p>",
            "status": "draft",
            "allow_comments": "on",
            "byline": "",
            **inline_management_data(authors or (), corrections),
        }
    else:
        data = {
            "headline": article.headline,
            "slug": article.slug,
            "standfirst": article.standfirst,
            "body": article.body,
            "featured_image": article.featured_image_id or "",
            "tags": [tag.pk for tag in article.tags.all()],
            "status": article.status,
            "allow_comments": "on",
            "byline": article.byline,
        }
        if article.published_at:
            when = timezone.localtime(article.published_at)
            data["published_at_0"] = when.strftime("%Y-%m-%d")
            data["published_at_1"] = when.strftime("%H:%M:%S")
        byline = article.ordered_authors if authors is None else authors
        data.update(inline_management_data(byline, corrections, article=article))
    data.update(overrides)
    return data


def make_staff(group, **fields):
    """Create a staff account in the named group ("Editors" or "Reporters")."""
    from django.contrib.auth.models import Group

    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(client, username, password):
    """Log ``client`` in through the admin's login form; return True if it worked.

    The way staff log in, login throttle included (``client.login()`` passes no request,
    which the throttle refuses, since it cannot tell where an attempt came from).
    """
    response = client.post("/admin/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def run_queued_tasks():
    """Run every due task in the queue with the task worker's own code; return how many ran.

    This is ``manage.py db_worker --batch`` without its connection housekeeping (which
    closes the connection between tasks, and with it a test's transaction): each task is
    claimed and run by django-tasks-db's Worker, which records its result as in
    production. Tests with committed rows run the real command instead.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while (queued := DBTaskResult.objects.ready().get_locked()) is not None:
        queued.claim(worker.worker_id)
        worker.run_task(queued)
        ran += 1
    return ran


def prime_page_furniture():
    """Read what every public page shows once per page cache generation, as a first page would.

    The masthead's sections, the site settings with the footer's pages, the breaking-news
    banner and the "Most read" list each cost a query or two once per generation, not per
    page (tests/articles/test_sections.py, tests/pages, tests/breaking and tests/mostread
    assert that cost); a test measuring one page's own queries calls this first.
    """
    from articles.sections import site_sections
    from breaking.models import BreakingNews
    from mostread.templatetags.mostread_tags import most_read_links
    from pages import furniture

    site_sections()
    furniture.current()
    BreakingNews.objects.current()
    most_read_links()
