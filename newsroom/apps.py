from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


class NewsroomConfig(AppConfig):
    """The project's own app: the page cache's command and deploy hook, the admin door."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # A deploy runs migrate; its templates and code may render pages differently,
        # so no page cached before it may be served after it.
        post_migrate.connect(start_new_page_generation, sender=self)
        # The idle clock of a staff session starts at login (middleware.StaffSessionIdleMiddleware).
        from .middleware import start_session_clock

        user_logged_in.connect(start_session_clock)
        # The masthead shows today's date: no page may be kept past local midnight.
        from . import pagecache

        pagecache.register_next_change(next_local_midnight)


def next_local_midnight():
    """Return the next midnight in the site's time zone (TIME_ZONE), when the date changes."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return datetime.combine(
        today + timedelta(days=1), time(), tzinfo=timezone.get_current_timezone()
    )


def start_new_page_generation(sender, **kwargs):
    from . import pagecache

    pagecache.invalidate()
