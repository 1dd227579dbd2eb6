from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Static pages (About, Contact…) and the site settings editors change in the admin."""

    name = "pages"
    verbose_name = "Pages and site settings"

    def ready(self):
        from articles import sitemaps

        from .sitemaps import page_entries

        sitemaps.register_file("pages", page_entries)
