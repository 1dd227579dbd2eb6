from django.core.management.base import BaseCommand, CommandError

from newsroom.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by manage.py backup into this installation, which must "
        "be empty (a new database, empty storage folders). Every file is checked against "
        "the manifest's checksums before anything is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="SRC", help="A folder written by manage.py backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore into an installation that is not empty: empties its database "
            "(PostgreSQL: drops and recreates the public schema) and writes the backup's "
            "files over its own.",
        )

    def handle(self, *args, source, force, **options):
        try:
            restore(source, force=force, report=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored the backup in {source}."))
