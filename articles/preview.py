"""Signed share links that show an unpublished article to someone without an account.

A link carries the article's id, signed with the site's SECRET_KEY and a salt only
this feature uses, and the time it was made; it stops working PREVIEW_LINK_HOURS later.
Nothing is stored, so a link cannot be revoked early except by changing SECRET_KEY.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "articles.preview"


def link_hours():
    return settings.PREVIEW_LINK_HOURS


def make_token(article):
    return signing.TimestampSigner(salt=SALT).sign(str(article.pk))


def share_path(article):
    return reverse("articles:preview-shared", kwargs={"token": make_token(article)})


def article_id_from_token(token):
    """Return the article id a token was made for.

    Raise ``signing.SignatureExpired`` when the link is too old and
    ``signing.BadSignature`` when it was not made by this site.
    """
    value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=timedelta(hours=link_hours()))
    try:
        return int(value)
    except ValueError:
        raise signing.BadSignature("Not an article id.") from None
