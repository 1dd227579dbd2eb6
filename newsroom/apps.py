from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsroomConfig(AppConfig):
    """The project's own app: the page cache's command and its deploy hook."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # A deploy runs migrate; its templates and code may render pages differently,
        # so no page cached before it may be served after it.
        post_migrate.connect(start_new_page_generation, sender=self)


def start_new_page_generation(sender, **kwargs):
    from . import pagecache

    pagecache.invalidate()
