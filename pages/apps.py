from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Static pages (About, Contact…) and the site settings editors change in the admin."""

    name = "pages"
    verbose_name = "Pages and site settings"

    def ready(self):
        from articles import sections, sitemaps

        from . import furniture
        from .sitemaps import page_entries

        sitemaps.register_file("pages", page_entries)
        # The default section editors pick in the site settings, read with the rest of
        # them (once per page cache generation); blank leaves NEWS_DEFAULT_SECTION.
        sections.register_default_section_source(lambda: furniture.current().default_section_slug)
