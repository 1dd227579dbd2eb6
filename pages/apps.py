from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PagesConfig(AppConfig):
    """Static pages (About, Contact…) and the site settings editors change in the admin."""

    name = "pages"
    verbose_name = "Pages and site settings"

    def ready(self):
        from articles import sections, sitemaps

        # Migration 0002 makes the one settings row; a flushed database (as tests leave
        # it) gets it back after the next migrate or flush, as the roles do.
        post_migrate.connect(ensure_site_settings_row, sender=self)

        from . import furniture
        from .sitemaps import page_entries

        sitemaps.register_file("pages", page_entries)
        # The default section editors pick in the site settings, read with the rest of
        # them (once per page cache generation); blank leaves NEWS_DEFAULT_SECTION.
        sections.register_default_section_source(lambda: furniture.current().default_section_slug)


def ensure_site_settings_row(sender, using="default", **kwargs):
    """Make the site settings' one row if it is missing; never change an existing one."""
    from .models import SiteSettings

    SiteSettings.objects.using(using).get_or_create(pk=SiteSettings.SINGLETON_PK)
