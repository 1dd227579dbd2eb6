from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        from newsroom import pagecache

        from .models import Article

        # One limit for "too many pixels": Pillow warns above it (turned into a refusal
        # in articles/images.py) and errors at twice it, whatever code opens a picture.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
        # A scheduled article goes live with no request to say so: no cached page may
        # outlive its publication time.
        pagecache.register_next_change(Article.objects.next_publication_time)
