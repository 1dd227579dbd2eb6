from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_migrate
        from PIL import Image

        from newsroom import pagecache

        from .models import Article, FrontPagePin
        from .roles import ensure_roles
        from .search import ensure_sqlite_triggers

        # A table rebuilt by a later SQLite migration loses its triggers: put them back.
        post_migrate.connect(ensure_sqlite_triggers, sender=self)
        # The newsdesk's groups, like Django's permissions, are (re)made after migrate.
        post_migrate.connect(ensure_roles)

        # One limit for "too many pixels": Pillow warns above it (turned into a refusal
        # in articles/images.py) and errors at twice it, whatever code opens a picture.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
        # A scheduled article goes live with no request to say so: no cached page may
        # outlive its publication time.
        pagecache.register_next_change(Article.objects.next_publication_time)
        # A pin's expiry changes the front page with no request either.
        pagecache.register_next_change(FrontPagePin.objects.next_expiry)
        # The newsdesk's front page: drafts, review, scheduled, published, corrections.
        from .desk import register_panels

        register_panels()
