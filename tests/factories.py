"""Small helpers that make real rows and real pictures for tests."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Image, Tag

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


def make_image(**fields):
    number = next(_sequence)
    fields.setdefault("file", make_upload(f"picture-{number}.jpg"))
    fields.setdefault("alt_text", f"A test picture number {number}")
    fields.setdefault("caption", f"Caption {number}")
    fields.setdefault("credit", "Reuters")
    return Image.objects.create(**fields)


def make_tag(**fields):
    number = next(_sequence)
    fields.setdefault("name", f"Topic {number}")
    fields.setdefault("slug", f"topic-{number}")
    return Tag.objects.create(**fields)


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
    article.authors.set(authors)
    return article


def inline_management_data(authors=(), corrections=()):
    """Return the article admin's inline formsets as a browser posts them.

    ``authors`` are users in byline order; ``corrections`` are ``(kind, text)`` pairs.
    """
    data = {
        "authorships-TOTAL_FORMS": str(len(authors)),
        "authorships-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": str(len(corrections)),
        "corrections-INITIAL_FORMS": "0",
    }
    for index, user in enumerate(authors):
        data[f"authorships-{index}-author"] = str(user.pk)
        data[f"authorships-{index}-position"] = str(index)
    for index, (kind, text) in enumerate(corrections):
        data[f"corrections-{index}-kind"] = kind
        data[f"corrections-{index}-text"] = text
        data[f"corrections-{index}-created_0"] = timezone.localtime().strftime("%Y-%m-%d")
        data[f"corrections-{index}-created_1"] = timezone.localtime().strftime("%H:%M:%S")
    return data


def make_staff(group, **fields):
    """Create a staff account in the named group ("Editors" or "Reporters")."""
    from django.contrib.auth.models import Group

    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user
