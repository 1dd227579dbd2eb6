from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles import sitemaps
from articles.admin_views import editor_image_browser, editor_image_upload, editor_picture
from newsroom.pagecache import cache_public_page
from newsroom.views import favicon, robots_txt, serve_rendition

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Newsdesk"

urlpatterns = [
    # Before admin.site.urls so the admin's catch-all does not swallow it.
    path("admin/editor/upload/", editor_image_upload, name="editor-image-upload"),
    path("admin/editor/images/", editor_image_browser, name="editor-image-browser"),
    path("admin/editor/pictures/<path:name>", editor_picture, name="editor-picture"),
    path("admin/", admin.site.urls),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's, for one).
    path("favicon.ico", favicon),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", cache_public_page(sitemaps.index, parameters=()), name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        cache_public_page(sitemaps.section, parameters=("p",)),
        name="sitemap-section",
    ),
]

if settings.DEBUG or getattr(settings, "NEWSROOM_DEMO", False):
    # Production serves media from its own web server or object storage. The demo serves
    # renditions only: originals are private (articles/storage.py), and an original left
    # in MEDIA_ROOT by an older version must not become reachable here either.
    urlpatterns += [
        path(f"{settings.MEDIA_URL.strip('/')}/renditions/<path:path>", serve_rendition)
    ]
