"""The picture library: images, and the renditions readers download."""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.db.models.fields.files import ImageFieldFile
from django.db.models.functions import Coalesce

from .. import images
from ..images import image_upload_to, inspect_image, validate_image_file, validate_upload_name
from ..storage import originals_storage

logger = logging.getLogger(__name__)


class UprightImageFieldFile(ImageFieldFile):
    def _get_image_dimensions(self):
        # Width and height as readers see the picture: a portrait photo stored sideways
        # with an EXIF orientation is portrait on the page and in the admin.
        if not hasattr(self, "_dimensions_cache"):
            close = self.closed
            self.open()
            try:
                self._dimensions_cache = images.upright_size(self)
            finally:
                if close:
                    self.close()
        return self._dimensions_cache


class UprightImageField(models.ImageField):
    attr_class = UprightImageFieldFile


# A picture chooser search reads at most this many pictures' numbers per page: a range
# of the primary key the database reads through its index, so a search page costs the
# same in a library of any size. "Older pictures" searches the next range down.
CHOOSER_SEARCH_WINDOW = 5000
# Words of a chooser search that are used; the rest are ignored.
CHOOSER_SEARCH_WORDS = 5


@dataclass
class ChooserPage:
    """One page of the picture chooser (``ImageQuerySet.chooser_page``)."""

    pictures: list
    # The ``before`` of the next page, or None on the last.
    next_before: int | None
    # With a search: the numbers it looked through, lowest and highest.
    searched: tuple[int, int] | None = None


class ImageQuerySet(models.QuerySet):
    def matching(self, words, lowest, below):
        """Return the pictures numbered from ``lowest`` to below ``below`` whose alt text,
        caption or credit contain every one of ``words`` (any case)."""
        pictures = self.filter(pk__gte=lowest, pk__lt=below)
        for word in words:
            pictures = pictures.filter(
                Q(alt_text__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
            )
        return pictures

    def chooser_page(self, text="", before=None, size=24):
        """Return a ``ChooserPage`` of up to ``size`` pictures, newest first.

        Keyset paging on the primary key (``before``: the next page starts below it),
        so no page skips rows by OFFSET or counts them. With ``text``, the pictures whose
        alt text, caption or credit contain every word, looked for among the
        ``CHOOSER_SEARCH_WINDOW`` numbers below ``before`` (the newest, on the first
        page); the next page goes on below the last match shown, or below that range
        when it held no more.
        """
        pictures = self.order_by("-pk").prefetch_related("renditions")
        words = text.split()[:CHOOSER_SEARCH_WORDS]
        if not words:
            if before is not None:
                pictures = pictures.filter(pk__lt=before)
            found = list(pictures[: size + 1])
            more = len(found) > size
            return ChooserPage(found[:size], found[size - 1].pk if more else None)
        if before is None:
            newest = self.order_by("-pk").values_list("pk", flat=True).first()
            before = (newest or 0) + 1
        lowest = max(before - CHOOSER_SEARCH_WINDOW, 1)
        found = list(pictures.matching(words, lowest, before)[: size + 1])
        if len(found) > size:
            next_before = found[size - 1].pk
        else:
            next_before = lowest if lowest > 1 else None
        return ChooserPage(found[:size], next_before, (lowest, before - 1))


class Image(models.Model):
    # The original, kept private: readers only ever get renditions (articles/storage.py).
    file = UprightImageField(
        "file",
        upload_to=image_upload_to,
        storage=originals_storage,
        width_field="width",
        height_field="height",
        validators=[validate_upload_name, validate_image_file],
        help_text="A JPEG, PNG, WebP or GIF picture.",
    )
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = models.CharField("caption", max_length=500, blank=True)
    credit = models.CharField(
        "credit", max_length=250, blank=True, help_text="Who took the picture, e.g. Reuters."
    )
    description = models.TextField(
        "description",
        blank=True,
        help_text="Notes for the newsdesk (never shown to readers), e.g. from an import.",
    )
    # The size readers see: after the photo's EXIF orientation is applied.
    width = models.PositiveIntegerField("width", editable=False, default=0)
    height = models.PositiveIntegerField("height", editable=False, default=0)
    file_size = models.PositiveBigIntegerField("file size", editable=False, default=0)
    focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where the subject is, from 0 (left edge) to 1 (right edge). "
        "Cropped versions (cards, thumbnails) keep it in frame.",
    )
    focal_y = models.FloatField(
        "focal point down",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where the subject is, from 0 (top edge) to 1 (bottom edge).",
    )
    # Set by the task worker when the original cannot be decoded (articles/images.py,
    # _check_pixels: a big upload's pixels are only all read there).
    damaged = models.BooleanField(
        "damaged",
        default=False,
        editable=False,
        help_text="The file could not be decoded to make the copies readers get.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="uploaded by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created = models.DateTimeField("created", auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        # Only a new upload needs decoding; inspect_image refuses anything that is not
        # a complete picture, whatever path it came by (admin, editor, commands).
        new_upload = bool(self.file) and not self.file._committed
        if new_upload:
            self._detected_format = inspect_image(self.file)
            self.file_size = self.file.size
        if self.file and not (self.width and self.height):
            # file.save(name, ContentFile(data)) leaves Django without a name to measure
            # the picture by; measure it here so every path records its size.
            with self.file.open("rb") as stored:
                self.width, self.height = images.upright_size(stored)
                self.file_size = self.file_size or self.file.size
        try:
            super().save(*args, **kwargs)
        except BaseException:
            # The file reaches storage before the row; leave nothing half-made behind.
            if new_upload and self.file._committed and self.file.name:
                self.file.storage.delete(self.file.name)
            raise

    def renditions_for(self, crop="", max_width=None, make_missing=True):
        """Return this picture's renditions for ``crop``.

        Return a dict: ``webp`` and ``fallback`` (lists of renditions, narrowest first)
        and ``fallback_format``. Renditions already fetched (prefetch ``renditions``)
        cost no query. Missing ones are made now when ``make_missing`` (the task worker,
        commands); otherwise they are queued for the worker (``articles.renditions``)
        and the ones that exist are returned: pages never make them, and never show the
        original. When none of the wanted ones exists yet, the largest that does stands
        in (``_stand_in``).
        """
        widths = self._widths(crop, max_width)
        known = [r for r in self._known_renditions() if r.crop == crop]
        if self._missing_widths(known, widths) and not self.damaged:
            if not make_missing:
                from ..renditions import note_missing

                note_missing(self)
            else:
                self._make_renditions([(crop, widths)])
                known = [r for r in self._known_renditions() if r.crop == crop]
        chosen = _by_format([r for r in known if r.width in widths])
        if not chosen["fallback"] and not make_missing:
            chosen = self._stand_in(crop, widths[-1])
        return chosen

    def share_renditions(self):
        """Return the JPEG/PNG rendition of each of ``images.SHARE_CROPS`` that exists.

        For structured data and link previews: one picture per shape, at
        ``images.SHARE_WIDTH`` or the crop's own width. Renditions already fetched cost no
        query; a missing one is queued for the worker and left out meanwhile.
        """
        known = self._known_renditions()
        found = []
        for crop in images.SHARE_CROPS:
            width = self.share_width(crop)
            rendition = next(
                (r for r in known if r.crop == crop and r.width == width and r.format != "webp"),
                None,
            )
            if rendition is not None:
                found.append(rendition)
        if len(found) < len(images.SHARE_CROPS) and not self.damaged:
            from ..renditions import note_missing

            note_missing(self)
        return found

    def share_width(self, crop):
        """Return the width of ``crop``'s share rendition (see ``share_renditions``)."""
        return self._widths(crop, images.SHARE_WIDTH)[-1]

    def create_renditions(self):
        """Make every rendition the site's templates use that does not exist yet.

        The task worker's job (``articles.tasks.make_renditions``): the original is
        decoded once, at the smallest scale the largest rendition allows.
        """
        widths = {
            crop: set(self._widths(crop, width)) for crop, width in images.STANDARD_RENDITIONS
        }
        for crop in images.SHARE_CROPS:
            widths.setdefault(crop, set()).add(self.share_width(crop))
        wanted = [(crop, sorted(crop_widths)) for crop, crop_widths in widths.items()]
        try:
            self._make_renditions(wanted)
        except images.DamagedPicture:
            logger.warning("Image %s cannot be decoded; marked as damaged.", self.pk)
            self.damaged = True
            Image.objects.filter(pk=self.pk).update(damaged=True)
        except Exception:
            logger.exception("Could not make renditions of image %s.", self.pk)

    def discard_crops(self):
        """Forget the cropped renditions, so they are made again around the focal point."""
        renditions = self.renditions.exclude(crop="")
        names = list(renditions.values_list("file", flat=True))
        renditions.delete()
        self.__dict__.pop("_renditions", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("renditions", None)
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])

    def rendition_file_names(self):
        """Return the names of this picture's renditions in the public storage."""
        return list(self.renditions.values_list("file", flat=True))

    def _known_renditions(self):
        if "_renditions" not in self.__dict__:
            self._renditions = list(self.renditions.all())
        return self._renditions

    def _widths(self, crop, max_width):
        box = images.crop_box((self.width or 1, self.height or 1), crop, self.focal_x, self.focal_y)
        return images.rendition_widths(box[2] - box[0], max_width)

    @staticmethod
    def _missing_widths(known, widths):
        fallback_format = next((r.format for r in known if r.format != "webp"), None)
        have = {(r.format, r.width) for r in known}
        return [
            width
            for width in widths
            if ("webp", width) not in have or (fallback_format, width) not in have
        ]

    def _stand_in(self, crop, limit):
        """Return the largest existing renditions to show until the wanted ones are made.

        The wanted crop first, then the picture's own shape (it shows everything a crop
        would), then any other crop; within it the renditions no wider than ``limit``, or
        failing those the narrowest one. Never the original.
        """
        known = self._known_renditions()
        for candidate in dict.fromkeys([crop, "", *images.CROPS]):
            of_crop = [r for r in known if r.crop == candidate]
            if not of_crop:
                continue
            fitting = [r for r in of_crop if r.width <= limit]
            if not fitting:
                narrowest = min(r.width for r in of_crop)
                fitting = [r for r in of_crop if r.width == narrowest]
            chosen = _by_format(fitting)
            if chosen["fallback"]:
                return chosen
        return _by_format([])

    def _make_renditions(self, wanted):
        """Make the missing renditions of each (crop, widths) in ``wanted``."""
        known = self._known_renditions()
        missing = []
        for crop, widths in wanted:
            of_crop = [r for r in known if r.crop == crop]
            widths = self._missing_widths(of_crop, widths)
            if widths:
                missing.append((crop, widths, {(r.format, r.width) for r in of_crop}))
        if not missing:
            return []
        # The smallest fraction of the original that still covers every rendition: a
        # 40 MP JPEG whose largest rendition is 1920 wide is decoded at a quarter size.
        scale = 1.0
        if self.width and self.height:
            scale = min(
                1.0,
                max(max(widths) / _box_width(self, crop) for crop, widths, _have in missing),
            )
        with self.file.open("rb") as source:
            try:
                picture = images.open_for_renditions(source, scale)
            except (OSError, SyntaxError, ValueError, EOFError) as error:
                # Pillow's ways of saying the data is bad; a missing file fails above.
                raise images.DamagedPicture(str(error)) from error
        fallback = images.fallback_format(picture)
        stem = self.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        made = []
        for crop, widths, have in missing:
            crop_part = crop.replace(":", "x") + "-" if crop else ""
            for width in widths:
                for image_format in ("webp", fallback):
                    if (image_format, width) in have:
                        continue
                    result = images.make_rendition(
                        picture, crop, width, image_format, (self.focal_x, self.focal_y)
                    )
                    # A random part keeps two racing processes from writing the same
                    # name, even on object storage configured to overwrite.
                    name = default_storage.save(
                        f"renditions/{stem}/{crop_part}{width}-{uuid.uuid4().hex[:8]}"
                        f".{images.RENDITION_EXTENSIONS[image_format]}",
                        ContentFile(result.content),
                    )
                    made.append(self._record_rendition(result, name, default_storage))
        known.extend(made)
        return made

    def _record_rendition(self, result, name, storage):
        try:
            with transaction.atomic():
                return Rendition.objects.create(
                    image=self,
                    crop=result.crop,
                    width=result.width,
                    format=result.format,
                    height=result.height,
                    file=name,
                )
        except IntegrityError:
            # Another request made the same rendition first: use theirs, drop ours.
            storage.delete(name)
            return Rendition.objects.get(
                image=self, crop=result.crop, width=result.width, format=result.format
            )


def _box_width(image, crop):
    box = images.crop_box((image.width, image.height), crop, image.focal_x, image.focal_y)
    return box[2] - box[0]


def _by_format(renditions):
    """Split renditions into WebP and JPEG/PNG lists, narrowest first."""
    by_format = {"webp": [], "fallback": []}
    for rendition in sorted(renditions, key=lambda r: r.width):
        by_format["webp" if rendition.format == "webp" else "fallback"].append(rendition)
    by_format["fallback_format"] = next((r.format for r in by_format["fallback"]), None)
    return by_format


def articles_using_image():
    """Return an expression counting the articles that show an image (featured or in body)."""
    from .article import Article  # Articles refer to images, so import at call time.

    using = Article.objects.filter(
        Q(featured_image=OuterRef("pk")) | Q(body_images=OuterRef("pk"))
    ).order_by()
    count = Func(F("pk"), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
    return Coalesce(
        Subquery(using.annotate(n=count).values("n")[:1], output_field=models.IntegerField()),
        0,
    )


class Rendition(models.Model):
    """One resized, re-encoded, metadata-free copy of an Image: what readers download."""

    image = models.ForeignKey(
        Image, verbose_name="image", on_delete=models.CASCADE, related_name="renditions"
    )
    crop = models.CharField("crop", max_length=10, blank=True)
    width = models.PositiveIntegerField("width")
    height = models.PositiveIntegerField("height")
    format = models.CharField("format", max_length=10)
    file = models.FileField("file", max_length=255)
    created = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image", "crop", "width", "format"], name="one_rendition_per_size"
            )
        ]

    def __str__(self):
        return f"{self.image_id} {self.crop or 'full'} {self.width}w {self.format}"

    @property
    def url(self):
        return self.file.url

    @property
    def mime_type(self):
        return images.MIME_TYPES[self.format]
