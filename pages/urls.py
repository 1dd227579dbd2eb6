"""The pages' addresses. newsroom/urls.py includes them LAST: ``/<slug>/`` matches any
one-segment address, so anything listed after it would be unreachable, and a page must
never hide another address (``pages.forms.slug_conflict`` refuses such slugs)."""

from django.urls import path

from newsroom.pagecache import cache_public_page

from . import views

app_name = "pages"

# Also what slug_conflict recognises as "the page's own address" when it resolves one.
page_detail = cache_public_page(views.page_detail, parameters=())

urlpatterns = [
    path("pages/preview/<int:pk>/", views.preview_page, name="preview"),
    path("<slug:slug>/", page_detail, name="detail"),
]
