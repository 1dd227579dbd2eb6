from django.apps import AppConfig


class BreakingConfig(AppConfig):
    """The breaking-news banner shown at the top of every public page."""

    name = "breaking"
    verbose_name = "Breaking news"

    def ready(self):
        from newsroom import pagecache

        from .models import BreakingNews

        # A banner starts and expires with no request to say so: no cached page may
        # outlive the moment it changes.
        pagecache.register_next_change(BreakingNews.objects.next_change_known)
