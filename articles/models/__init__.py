"""The articles app's models: ``image`` holds the picture library, ``article`` the rest."""

from .article import (
    Article,
    ArticleAuthor,
    ArticleQuerySet,
    ArticleRedirect,
    ArticleRevision,
    AuthorProfile,
    Correction,
    Tag,
)
from .image import (
    Image,
    Rendition,
    UprightImageField,
    UprightImageFieldFile,
    articles_using_image,
)

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleRevision",
    "AuthorProfile",
    "Correction",
    "Image",
    "Rendition",
    "Tag",
    "UprightImageField",
    "UprightImageFieldFile",
    "articles_using_image",
]
