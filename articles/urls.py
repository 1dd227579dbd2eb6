from django.urls import path, register_converter

from newsroom.middleware import with_etag
from newsroom.pagecache import cache_public_page

from . import feeds, views

app_name = "articles"


class TextConverter:
    """Pass a matched part of the address through as text; subclasses say what matches."""

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class UsernameConverter(TextConverter):
    """What Django's username validator allows, so nothing else reaches a query."""

    regex = r"[\w.@+-]+"


class TwoDigitConverter(TextConverter):
    """A month or day as permalinks write it ("03"): one address per article and date."""

    regex = r"[0-9]{2}"


class YearConverter(TextConverter):
    regex = r"[0-9]{4}"


register_converter(UsernameConverter, "username")
register_converter(TwoDigitConverter, "two_digits")
register_converter(YearConverter, "year")


def feed(view):
    """Serve a feed from the page cache, with an ETag for conditional GETs."""
    return cache_public_page(with_etag(view), parameters=())


# Public pages are served from the page cache to anonymous readers (newsroom/pagecache.py);
# previews never are.
urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path(
        "<year:year>/<two_digits:month>/<two_digits:day>/<slug:slug>/",
        cache_public_page(views.ArticleDetailView.as_view(), parameters=("cpage", "replyto")),
        name="detail",
    ),
    path("tag/<slug:slug>/", cache_public_page(views.TagView.as_view()), name="tag"),
    path("tag/<slug:slug>/feed/", feed(feeds.TagFeed()), name="tag-feed"),
    path("tag/<slug:slug>/feed/atom/", feed(feeds.TagAtom()), name="tag-atom"),
    path("section/<slug:slug>/", cache_public_page(views.SectionView.as_view()), name="section"),
    path("section/<slug:slug>/feed/", feed(feeds.SectionFeed()), name="section-feed"),
    path("section/<slug:slug>/feed/atom/", feed(feeds.SectionAtom()), name="section-atom"),
    path("feed/", feed(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", feed(feeds.LatestArticlesAtom()), name="atom"),
    path("search/", views.SearchView.as_view(), name="search"),
    path(
        "author/<username:username>/", cache_public_page(views.AuthorView.as_view()), name="author"
    ),
    path("author/<username:username>/feed/", feed(feeds.AuthorFeed()), name="author-feed"),
    path("author/<username:username>/feed/atom/", feed(feeds.AuthorAtom()), name="author-atom"),
    path("corrections/", cache_public_page(views.CorrectionsView.as_view()), name="corrections"),
    path("preview/<int:pk>/", views.preview_article, name="preview"),
    path("preview/shared/<str:token>/", views.preview_shared, name="preview-shared"),
]
