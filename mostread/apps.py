from django.apps import AppConfig


class MostReadConfig(AppConfig):
    """ "Most read": article reads counted without cookies, summed by the hour."""

    name = "mostread"
    verbose_name = "Most read"

    def ready(self):
        from newsroom import pagecache

        from .counting import count_read

        # Cached hits never reach the article view, so reads are counted where every
        # answer passes: the page cache, which knows pages only by their label.
        pagecache.register_page_observer(count_read)
