from django.core.management.base import BaseCommand

from articles.search import rebuild_search_index


class Command(BaseCommand):
    help = (
        "Refill the full-text search index from every article. The database's triggers keep "
        "it current on their own; run this after loading rows with the triggers disabled."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="Which database to index.")

    def handle(self, *args, database, **options):
        rebuild_search_index(using=database)
        self.stdout.write("Search index rebuilt.")
