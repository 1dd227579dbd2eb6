"""The articles app's models: ``image`` holds the picture library, ``article`` the rest."""

from .article import (
    Article,
    ArticleAuthor,
    ArticleQuerySet,
    ArticleRevision,
    AuthorProfile,
    Correction,
    Tag,
)
from .frontpage import FrontPagePin
from .image import (
    Image,
    Rendition,
    UprightImageField,
    UprightImageFieldFile,
    articles_using_image,
)
from .redirect import Redirect
from .section import Section

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleQuerySet",
    "ArticleRevision",
    "AuthorProfile",
    "Correction",
    "FrontPagePin",
    "Image",
    "Redirect",
    "Rendition",
    "Section",
    "Tag",
    "UprightImageField",
    "UprightImageFieldFile",
    "articles_using_image",
]
