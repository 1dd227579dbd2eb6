from django.core.management.base import BaseCommand

from newsroom import pagecache


class Command(BaseCommand):
    help = (
        "Drop every page in the page cache at once, on every app server sharing it, by "
        "starting a new generation. Old pages are never served again and expire on their own."
    )

    def handle(self, *args, **options):
        pagecache.invalidate()
        self.stdout.write("Page cache emptied: every page is rendered afresh on its next view.")
