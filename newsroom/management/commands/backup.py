from django.core.management.base import BaseCommand, CommandError

from newsroom.backups import BackupError, back_up


class Command(BaseCommand):
    help = (
        "Write a backup into DEST (a new or empty folder): a consistent copy of the "
        "database, every file of every file-system storage but static files, and a "
        "manifest with each file's size and SHA-256. Restore it with manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", metavar="DEST", help="A new or empty folder.")
        parser.add_argument(
            "--skip-renditions",
            action="store_true",
            help="Leave out pictures' renditions (the task worker makes them again after "
            "a restore); originals are always kept.",
        )

    def handle(self, *args, destination, skip_renditions, **options):
        skip = ["renditions"] if skip_renditions else []
        try:
            back_up(destination, skip=skip, report=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
