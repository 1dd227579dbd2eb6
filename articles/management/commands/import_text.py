from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.demo_content import make_placeholder_picture
from articles.importer import (
    StoryFormatError,
    find_or_create_tag,
    paragraphs_to_html,
    parse_story,
)
from articles.models import Article, Image
from newsroom import pagecache


class Command(BaseCommand):
    help = (
        "Import a story from a plain-text file: headline, standfirst, optional caption and "
        "'PC:' credit line, then the body. Creates a draft unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The UTF-8 text file holding the story.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish now instead of saving a draft."
        )
        parser.add_argument(
            "--tag",
            action="append",
            default=[],
            dest="tags",
            metavar="NAME",
            help="Tag the article; repeat for more tags. Missing tags are created.",
        )
        parser.add_argument(
            "--image",
            metavar="PATH",
            help="The featured picture (JPEG, PNG, WebP or GIF). Without it a placeholder "
            "showing the caption is drawn.",
        )
        parser.add_argument(
            "--slug", help="The article's address; made from the headline when left out."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            story = parse_story(text)
        except StoryFormatError as error:
            raise CommandError(f"Cannot import {path}: {error}") from None

        slug = options["slug"] or slugify(story.headline)[:255]
        try:
            validate_slug(slug)
        except ValidationError:
            raise CommandError(
                f"Cannot import {path}: {slug!r} is not a usable slug; give one made of "
                "letters, numbers, hyphens and underscores with --slug."
            ) from None
        tag_names = {slugify(name): name.strip() for name in options["tags"]}
        if "" in tag_names:
            raise CommandError("Every --tag needs a name with at least one letter or number.")
        slug_taken = CommandError(
            f"Cannot import {path}: an article with the slug {slug!r} already exists. "
            "Choose another with --slug."
        )
        if Article.objects.filter(slug=slug).exists():
            raise slug_taken

        status = Article.Status.PUBLISHED if options["publish"] else Article.Status.DRAFT
        with transaction.atomic():
            # Readers see the new content at once, not when cached pages expire.
            transaction.on_commit(pagecache.invalidate)
            image = self.create_image(story, options["image"])
            try:
                # The slug is the article's only unique column: a clash here means another
                # import or an editor took it after the check above.
                with transaction.atomic():
                    article = Article.objects.create(
                        headline=story.headline,
                        slug=slug,
                        standfirst=story.standfirst,
                        body=paragraphs_to_html(story.body_paragraphs),
                        featured_image=image,
                        status=status,
                        published_at=timezone.now() if options["publish"] else None,
                    )
            except IntegrityError:
                raise slug_taken from None
            tags = [find_or_create_tag(name, tag_slug) for tag_slug, name in tag_names.items()]
            article.tags.set(tags)

        self.stdout.write(self.style.SUCCESS(f"Imported “{article.headline}”"))
        self.stdout.write(f"  Status:  {article.get_status_display()}")
        self.stdout.write(f"  Address: {article.get_absolute_url()}")
        self.stdout.write(f"  Picture: {image.caption or '(no caption)'}")
        self.stdout.write(f"  Credit:  {image.credit or '(no credit)'}")
        self.stdout.write(f"  Tags:    {', '.join(tag.name for tag in tags) or '(none)'}")

    def create_image(self, story, image_path):
        """Save the featured picture from ``image_path``, or a placeholder without one."""
        caption = story.caption or story.headline
        fields = {"alt_text": caption[:250], "caption": story.caption, "credit": story.credit}
        if not image_path:
            image = Image.objects.create(file=make_placeholder_picture(caption), **fields)
            transaction.on_commit(image.create_renditions)
            return image
        try:
            with open(image_path, "rb") as handle:
                image = Image(file=File(handle, name=Path(image_path).name), **fields)
                image.save()
        except OSError as error:
            raise CommandError(f"Cannot read the picture {image_path}: {error}") from None
        except ValidationError as error:
            raise CommandError(f"Cannot use {image_path}: {' '.join(error.messages)}") from None
        # A command may take its time: the picture is ready before any reader asks.
        transaction.on_commit(image.create_renditions)
        return image
