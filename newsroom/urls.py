from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles import editor, sitemaps
from newsroom.middleware import with_etag
from newsroom.pagecache import cache_public_page
from newsroom.views import favicon, healthz, robots_txt, serve_rendition

# Error pages that never read the request body again (see newsroom/views.py).
handler400 = "newsroom.views.bad_request"
handler403 = "newsroom.views.permission_denied"
handler404 = "newsroom.views.page_not_found"

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Newsdesk"

# A database outage is a 503 with Retry-After, wherever it is noticed (newsroom/outage.py).
handler500 = "newsroom.outage.server_error"

urlpatterns = [
    # The rich-text editor's upload and picture library; before admin.site.urls so the
    # admin's catch-all does not swallow them.
    path("admin/editor/", include(editor.urls())),
    path("admin/", admin.site.urls),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's, for one).
    path("favicon.ico", favicon),
    path("robots.txt", robots_txt, name="robots"),
    path("healthz", healthz, name="healthz"),
    path(
        "sitemap.xml", cache_public_page(with_etag(sitemaps.index), parameters=()), name="sitemap"
    ),
    path(
        "news-sitemap.xml",
        cache_public_page(with_etag(sitemaps.news), parameters=()),
        name="news-sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        cache_public_page(with_etag(sitemaps.section), parameters=("p",)),
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

# Last of all: a page's address (/<slug>/) would hide any one-segment address listed
# after it. Page slugs that would hide one listed before it are refused (pages/forms.py).
urlpatterns += [path("", include("pages.urls"))]
