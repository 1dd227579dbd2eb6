import csv
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wordpress.importer import ImportStopped, WordPressImport


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export → All content): posts, pages, pictures, "
        "categories, tags, authors and comments, with every old address answering 301. "
        "Running it again takes only what is new."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file WordPress exported (.xml).")
        parser.add_argument(
            "--media-dir",
            metavar="DIR",
            help="A copy of the site's wp-content/uploads; pictures are read from it.",
        )
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help="Download pictures missing from --media-dir from the old site.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the report and write nothing."
        )
        parser.add_argument(
            "--author-map",
            metavar="CSV",
            help="Lines of “wordpress_login,username”: give those authors' posts to "
            "existing users instead of making accounts.",
        )
        parser.add_argument(
            "--default-author",
            metavar="USERNAME",
            help="The user who gets posts whose author the export does not list.",
        )
        parser.add_argument(
            "--publish-as-draft",
            action="store_true",
            help="Bring published posts in as drafts, for the newsdesk to publish.",
        )

    def handle(self, *args, **options):
        importer = WordPressImport(
            options["export"],
            media_dir=options["media_dir"],
            fetch_media=options["fetch_media"],
            dry_run=options["dry_run"],
            author_map=self.read_author_map(options["author_map"]),
            default_author=self.find_user(options["default_author"], "--default-author"),
            publish_as_draft=options["publish_as_draft"],
            progress=self.show_progress,
        )
        try:
            report = importer.run()
        except ImportStopped as error:
            raise CommandError(str(error)) from None
        heading = "Dry run: nothing was written." if options["dry_run"] else "Import finished."
        self.stdout.write(self.style.SUCCESS(heading))
        self.stdout.write(
            "In the export: "
            + ", ".join(f"{number} {kind}" for kind, number in sorted(report.totals.items()))
        )
        for line in report.lines():
            self.stdout.write(line)

    def show_progress(self, kind, done, total):
        # About twenty lines a kind, on stderr, so the report on stdout stays clean.
        step = max(total // 20, 1)
        if done == total or done % step == 0:
            sys.stderr.write(f"  {kind}: {done} / {total}\n")

    def find_user(self, username, option):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"{option}: there is no user “{username}”.")
        return user

    def read_author_map(self, path):
        if not path:
            return {}
        mapping = {}
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                for number, row in enumerate(csv.reader(handle), 1):
                    if not row or not "".join(row).strip():
                        continue
                    if len(row) != 2:
                        raise CommandError(
                            f"--author-map line {number}: expected “wordpress_login,username”."
                        )
                    login, username = (part.strip() for part in row)
                    if number == 1 and (login, username) == ("wordpress_login", "username"):
                        continue  # a header line
                    mapping[login] = self.find_user(username, f"--author-map line {number}")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read --author-map {path}: {error}") from None
        return mapping
