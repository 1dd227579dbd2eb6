from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.demo_content import (
    DEMO_AUTHORS,
    DEMO_PINNED_LEAD,
    DEMO_SECTIONS,
    DEMO_STORIES,
    make_demo_picture,
)
from articles.importer import find_or_create_tag, paragraphs_to_html
from articles.models import Article, AuthorProfile, FrontPagePin, Image, Section
from articles.roles import (
    DEMO_EDITOR_PASSWORD,
    DEMO_EDITOR_USERNAME,
    ensure_demo_editor,
    ensure_demo_reporter,
)
from newsroom import pagecache


class Command(BaseCommand):
    help = (
        "Publish the demo stories that are missing, each with a generated picture, its "
        "section and its authors, and the About and Contact pages. Running it again "
        "creates nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help=(
                f"Also create the demo editor ({DEMO_EDITOR_USERNAME} / {DEMO_EDITOR_PASSWORD}) "
                "and reporter, and make the editor the stories' author. Refused unless "
                "settings.NEWSROOM_DEMO is on."
            ),
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000/",
            help="The site's address, for the admin link printed at the end.",
        )

    def handle(self, *args, demo_accounts=False, base_url="http://127.0.0.1:8000/", **options):
        if demo_accounts and not getattr(settings, "NEWSROOM_DEMO", False):
            # A known password on a public site is an open door.
            raise CommandError(
                "--demo-accounts creates a user with a published password, so it only runs "
                "when settings.NEWSROOM_DEMO is True (the dev and test settings)."
            )
        with transaction.atomic():
            # Readers see the new content at once, not when cached pages expire.
            transaction.on_commit(pagecache.invalidate)
            editor = ensure_demo_editor() if demo_accounts else None
            reporter, reporter_password = ensure_demo_reporter() if demo_accounts else (None, "")
            sections = self.ensure_sections()
            authors = self.ensure_authors()
            created = present = 0
            now = timezone.now()
            for position, story in enumerate(DEMO_STORIES):
                article = Article.objects.filter(slug=story["slug"]).first()
                if article is None:
                    # The extra hours keep the order fixed when two stories share a day.
                    published_at = now - timedelta(days=story["days_ago"], hours=position + 1)
                    article = self.create_story(story, published_at, sections, authors)
                    created += 1
                    if story["slug"] == DEMO_PINNED_LEAD and not FrontPagePin.objects.exists():
                        # What an editor does on a real site: choose the lead.
                        FrontPagePin.objects.create(article=article, kind=FrontPagePin.Kind.LEAD)
                else:
                    present += 1
                # A story someone has already credited keeps its authors.
                if editor is not None and not article.authors.exists():
                    article.authors.add(editor)
            # Imported here: the pages app builds on articles, not the other way round.
            from pages.demo_content import create_demo_pages

            pages_created, pages_present = create_demo_pages()

        self.stdout.write(
            self.style.SUCCESS(f"Demo stories: {created} created, {present} already present.")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo pages: {pages_created} created, {pages_present} already present."
            )
        )
        if editor is not None:
            self.stdout.write(
                f"Demo editor: username {DEMO_EDITOR_USERNAME}, password {DEMO_EDITOR_PASSWORD}"
            )
            self.stdout.write(
                f"Demo reporter: username {reporter.get_username()}, password {reporter_password}"
                " (writes and submits for review; cannot publish)"
            )
        if not base_url.endswith("/"):
            base_url += "/"
        self.stdout.write(f"Admin: {base_url}admin/")

    def ensure_sections(self):
        """Return the demo sections by slug, creating the missing ones; keep existing ones."""
        sections = {}
        for order, (name, slug, description) in enumerate(DEMO_SECTIONS):
            # An editor's own section of that name (under another slug) is reused.
            sections[slug] = Section.objects.filter(
                Q(slug=slug) | Q(name=name)
            ).first() or Section.objects.create(
                name=name, slug=slug, description=description, order=order
            )
        return sections

    def ensure_authors(self):
        """Return the demo writers by username, creating the missing ones with a bio.

        They have no usable password: bylines, not logins, on any site this runs on.
        """
        authors = {}
        for username, (first_name, last_name, bio) in DEMO_AUTHORS.items():
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"first_name": first_name, "last_name": last_name}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            AuthorProfile.objects.get_or_create(user=user, defaults={"bio": bio})
            authors[username] = user
        return authors

    def create_story(self, story, published_at, sections, authors):
        """Create one demo article with its picture, section, authors and tags."""
        picture = story["image"]
        image = Image(
            file=make_demo_picture(*story["colours"], label=story["headline"]),
            alt_text=picture["alt_text"],
            caption=picture["caption"],
            credit=picture["credit"],
        )
        image.save()
        # A command may take its time: the pictures are ready before any reader asks.
        transaction.on_commit(image.create_renditions)
        article = Article.objects.create(
            headline=story["headline"],
            slug=story["slug"],
            standfirst=story["standfirst"],
            body=paragraphs_to_html(story["body_paragraphs"]),
            featured_image=image,
            section=sections[story["section"]],
            status=Article.Status.PUBLISHED,
            published_at=published_at,
        )
        article.set_authors([authors[username] for username in story["authors"]])
        article.tags.set([find_or_create_tag(name, slug) for name, slug in story["tags"]])
        return article
