"""Pictures: checking uploads, naming them safely, reading credits, and making renditions.

Nothing here touches the database; ``articles.models`` decides when renditions are made
and records them. Files are read and written only through Django's storage API (by the
callers), so the same code serves a local folder and S3-compatible object storage.
"""

import io
import math
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageCms, IptcImagePlugin

# Formats readers' browsers show and Pillow decodes fully. Anything else Pillow could
# open (EPS, PSD, ICO, …) is refused rather than passed on.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}

# Widths readers' browsers choose from with srcset: phones, tablets, laptops, 2x screens.
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
# Crops templates may ask for, as width:height. "" keeps the picture's own shape.
CROPS = {"": None, "16:9": (16, 9), "4:3": (4, 3), "1:1": (1, 1)}
# Encoder settings tuned for news photos: below 80 skin and skies band visibly, above
# 85 files grow fast for no difference a reader sees.
WEBP_OPTIONS = {"quality": 80, "method": 4}
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}
PNG_OPTIONS = {"optimize": True}
RENDITION_FORMATS = {"webp": ("WEBP", WEBP_OPTIONS), "jpeg": ("JPEG", JPEG_OPTIONS)}
RENDITION_FORMATS["png"] = ("PNG", PNG_OPTIONS)
RENDITION_EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}
MIME_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}

# What templates show, made on upload so the first reader does not wait: the article
# page (full shape), the lead and cards (16:9), the admin's thumbnails (square, small).
STANDARD_RENDITIONS = (("", None), ("16:9", None), ("1:1", 320))
# The pictures search engines show for an article (structured data, articles/seo.py):
# one rendition in each of these shapes, 1280 wide (Google asks for at least 1200) or the
# crop's own width when the original is narrower. One width each, not a srcset.
SHARE_CROPS = ("16:9", "4:3", "1:1")
SHARE_WIDTH = 1280

# What the multipart parser names an upload whose own name cannot be a file name
# (such as ".."), so the form can say so instead of the file vanishing; see uploads.py.
UNUSABLE_NAME = "unusable-file-name"

_SRGB = ImageCms.createProfile("sRGB")

# Uploads with more pixels than this (all frames counted) are checked more cheaply in
# the request, and decoded whole only by the task worker (see _check_pixels).
REQUEST_DECODE_PIXELS = 12_000_000


class DamagedPicture(Exception):
    """The original could not be decoded: its data is damaged."""


def max_upload_bytes():
    return settings.IMAGE_MAX_UPLOAD_MB * 1024 * 1024


def inspect_image(file):
    """Check ``file`` and return its Pillow format name.

    Raise ValidationError with a message for editors when the file is too big, is not a
    JPEG, PNG, WebP or GIF, is damaged (as far as ``_check_pixels`` can tell in a
    request), has more pixels than IMAGE_MAX_PIXELS, or is an animation with more than
    IMAGE_MAX_FRAMES frames.
    """
    if getattr(file, "_inspected_format", None):
        return file._inspected_format  # Already checked by the form's validation.
    size = getattr(file, "size", None)
    if size is not None and size > max_upload_bytes():
        raise ValidationError(
            "This file is %(size).1f MB; pictures may be at most %(limit)s MB.",
            code="file_too_big",
            params={"size": size / 1024 / 1024, "limit": settings.IMAGE_MAX_UPLOAD_MB},
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # A decompression bomb is a small file that decodes to gigabytes.
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(file, formats=ACCEPTED_FORMATS) as picture:
                image_format = picture.format
                _refuse_too_many_pixels(picture.width, picture.height)
                frames = getattr(picture, "n_frames", 1)
                if frames > settings.IMAGE_MAX_FRAMES:
                    raise ValidationError(
                        "This animation has %(frames)s frames; at most %(limit)s are accepted.",
                        code="too_many_frames",
                        params={"frames": frames, "limit": settings.IMAGE_MAX_FRAMES},
                    )
                _check_pixels(picture, image_format, frames)
    except ValidationError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValidationError(
            "This picture has too many pixels to process safely (more than %(limit).1f "
            "megapixels). Resize it and upload it again.",
            code="too_many_pixels",
            params={"limit": min(settings.IMAGE_MAX_PIXELS, PILImage.MAX_IMAGE_PIXELS) / 1e6},
        ) from None
    except Exception:
        # Pillow raises many exception types for bad data (OSError, SyntaxError,
        # ValueError, struct.error…); all of them mean the same thing to an editor.
        raise ValidationError(
            "Upload a valid image: a JPEG, PNG, WebP or GIF file that is not damaged.",
            code="invalid_image",
        ) from None
    finally:
        file.seek(0)
    file._inspected_format = image_format
    return image_format


def _check_pixels(picture, image_format, frames):
    """Raise if the picture's data is damaged, within the time an upload request has.

    A picture of up to REQUEST_DECODE_PIXELS (every frame counted) is decoded whole:
    that takes a fraction of a second. A bigger one would take seconds (a 40 MP RGBA PNG
    takes 1 to 3 s to inflate on a busy two-core machine, a 40 MP WebP 2 s), so: a JPEG
    is still decoded completely, every byte of its compressed data, but into an eighth
    of its size, in about 0.3 s and a few megabytes; a PNG has every chunk's checksum
    verified up to its end (damage in transit, a cut-off file), in about 0.05 s; a WebP
    or GIF has its structure and frame count read. The task worker decodes every pixel
    when it makes the renditions, and marks a picture it cannot decode as damaged
    (``Image.damaged``), which the picture library then shows the editor.
    """
    if picture.width * picture.height * frames <= REQUEST_DECODE_PIXELS:
        # Every frame: a file damaged after its first frame is damaged.
        for frame in range(frames):
            picture.seek(frame)
            picture.load()
    elif image_format == "JPEG":
        picture.draft(None, (picture.width // 8 + 1, picture.height // 8 + 1))
        picture.load()
    elif image_format == "PNG":
        picture.verify()


def _refuse_too_many_pixels(width, height):
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            "This picture is %(width)s × %(height)s pixels (%(mp).1f megapixels); "
            "the most accepted is %(limit).1f megapixels. Resize it and upload it again.",
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "mp": width * height / 1e6,
                "limit": settings.IMAGE_MAX_PIXELS / 1e6,
            },
        )


def upright_size(file):
    """Return (width, height) as readers see the picture, after its EXIF orientation.

    Return (None, None) for a file that is not a picture, as Django's own check does.
    """
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(file, formats=ACCEPTED_FORMATS) as picture:
                width, height = picture.size
                # Orientations 5 to 8 turn the picture a quarter: width and height swap.
                if orientation(picture) in (5, 6, 7, 8):
                    width, height = height, width
    except Exception:
        return None, None
    finally:
        file.seek(0)
    return width, height


def orientation(picture):
    """Return the EXIF orientation (1 to 8) of an opened, not yet decoded picture, or None.

    Pillow's ``getexif()`` on a PNG decodes every pixel to look for an EXIF chunk after
    the image data (seconds for 40 megapixels, in the upload request); only the EXIF a
    PNG carries before its pixels, where writers put it, is read here instead, the same
    way for the recorded size and for the renditions.
    """
    if picture.format == "PNG":
        data = picture.info.get("exif")
        if not data:
            return None
        exif = PILImage.Exif()
        exif.load(data)
        return exif.get(0x0112)
    return picture.getexif().get(0x0112)


def image_upload_to(instance, filename):
    """Store uploads under a generated name; a name sent by a browser never becomes a path."""
    image_format = getattr(instance, "_detected_format", None) or "JPEG"
    now = timezone.now()
    return f"images/{now:%Y/%m}/{uuid.uuid4().hex}.{EXTENSIONS[image_format]}"


def validate_image_file(value):
    """Model-field validator: refuse a new upload that is not a complete, safe picture."""
    if getattr(value, "_committed", False):
        return  # Already in storage, so it was checked when it arrived.
    inspect_image(value)


def validate_upload_name(value):
    """Refuse an upload whose name could not be a file name (see articles/uploads.py)."""
    # A model field hands over a FieldFile wrapping the upload; a form, the upload itself.
    upload = getattr(value, "file", value) if not hasattr(value, "unusable_name") else value
    if getattr(upload, "unusable_name", False):
        raise ValidationError(
            "This file's name cannot be used (it is empty or only dots). Rename the file, "
            "for example to photo.jpg, and upload it again.",
            code="unusable_name",
        )


# Credits -------------------------------------------------------------------------------


def read_embedded_credit(file):
    """Return the credit a photo carries in its IPTC or XMP fields, or "".

    News agencies write "Credit" (IPTC 2:110, photoshop:Credit) and the photographer's
    "By-line" (IPTC 2:80, dc:creator); with both, the result reads "Byline/Credit", the
    way wire pictures are credited.
    """
    file.seek(0)
    try:
        # Only metadata is read here; pixels are checked by inspect_image.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with PILImage.open(file, formats=ACCEPTED_FORMATS) as picture:
                iptc = IptcImagePlugin.getiptcinfo(picture) or {}
                xmp = picture.getxmp() if "xmp" in picture.info else {}
    except Exception:
        # A photo with unreadable metadata simply has no embedded credit.
        return ""
    finally:
        file.seek(0)
    description = _find_key(xmp, "Description")
    credit = _iptc_text(iptc.get((2, 110))) or _xmp_text(_find_key(description, "Credit"))
    byline = _iptc_text(iptc.get((2, 80))) or _xmp_text(_find_key(description, "creator"))
    parts = [part for part in (byline, credit) if part]
    if len(parts) == 2 and parts[0].casefold() == parts[1].casefold():
        parts = parts[:1]
    return "/".join(parts)[:250]


def _iptc_text(value):
    if isinstance(value, list):
        value = value[0] if value else None
    if not value:
        return ""
    return value.decode("utf-8", "replace").strip()


def _find_key(tree, key):
    """Return the first value under ``key`` anywhere in Pillow's nested XMP dict."""
    if isinstance(tree, dict):
        if key in tree:
            return tree[key]
        children = tree.values()
    elif isinstance(tree, list):
        children = tree
    else:
        return None
    for child in children:
        found = _find_key(child, key)
        if found is not None:
            return found
    return None


def _xmp_text(value):
    """Flatten an XMP value (text, rdf:Seq/Alt/Bag of li) into one line."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return ", ".join(filter(None, (_xmp_text(item) for item in value)))
    if isinstance(value, dict):
        for key in ("Seq", "Alt", "Bag", "li", "text"):
            if key in value:
                return _xmp_text(value[key])
    return ""


# Renditions ----------------------------------------------------------------------------


@dataclass
class RenditionFile:
    crop: str
    width: int
    height: int
    format: str
    content: bytes


# What an EXIF orientation (2 to 8) asks for, as Pillow's transpose methods.
_ORIENTATION_TRANSPOSE = {
    2: PILImage.Transpose.FLIP_LEFT_RIGHT,
    3: PILImage.Transpose.ROTATE_180,
    4: PILImage.Transpose.FLIP_TOP_BOTTOM,
    5: PILImage.Transpose.TRANSPOSE,
    6: PILImage.Transpose.ROTATE_270,
    7: PILImage.Transpose.TRANSVERSE,
    8: PILImage.Transpose.ROTATE_90,
}
# Modes Image.reduce() averages correctly; a palette's indices cannot be averaged.
_REDUCIBLE_MODES = ("L", "LA", "RGB", "RGBA", "CMYK")


def open_for_renditions(file, scale=1.0):
    """Return the picture in ``file`` upright, in sRGB, as RGB or RGBA, with no metadata.

    ``scale`` (at most 1) is the smallest fraction of the original's size the renditions
    need. Memory stays bounded by decoding no more than that: a JPEG is decoded at 1/2,
    1/4 or 1/8 of its size straight from its compressed data (Pillow's ``draft``), so a
    40-megapixel photo whose largest rendition is 1920 pixels wide never exists at full
    size. Other formats cannot be decoded smaller; they are reduced by a whole factor
    (``Image.reduce``) as soon as they are decoded, so orientation and colour conversion
    work on the small copy, and the big one is released.
    """
    file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        source = PILImage.open(file, formats=ACCEPTED_FORMATS)
        source.seek(0)  # The first frame of an animation stands for it.
        turn = orientation(source)
        icc = source.info.get("icc_profile")
        wanted = (
            max(1, math.ceil(source.width * scale)),
            max(1, math.ceil(source.height * scale)),
        )
        if scale < 1 and source.format == "JPEG":
            source.draft(None, wanted)
        source.load()
    picture = source
    if picture.mode not in _REDUCIBLE_MODES:
        picture = _to_srgb(picture, icc)
        icc = None
    factor = min(picture.width // wanted[0], picture.height // wanted[1])
    if factor > 1:
        picture = _reduce(picture, factor)
    if picture is not source:
        source.close()  # Releases the full-size pixels before the smaller copies are made.
    if icc or picture.mode not in ("RGB", "RGBA"):
        picture = _to_srgb(picture, icc)
    if turn in _ORIENTATION_TRANSPOSE:
        picture = picture.transpose(_ORIENTATION_TRANSPOSE[turn])
    picture.info = {}
    return picture


def _reduce(picture, factor):
    """Return ``picture`` shrunk by a whole ``factor``, averaging each block of pixels.

    Pillow premultiplies the alpha of an RGBA picture on a full-size copy before it
    reduces it: 160 MB more for 40 megapixels. Reducing strips of rows (a multiple of
    ``factor`` high, so the blocks are the same) keeps that copy one strip big.
    """
    if picture.mode not in ("LA", "RGBA"):
        return picture.reduce(factor)
    width, height = picture.size
    reduced = PILImage.new(picture.mode, (-(-width // factor), -(-height // factor)))
    strip = 128 * factor
    for top in range(0, height, strip):
        rows = picture.crop((0, top, width, min(top + strip, height)))
        reduced.paste(rows.reduce(factor), (0, top // factor))
    return reduced


def _to_srgb(picture, icc):
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    )
    if picture.mode in ("P", "PA", "1", "I", "I;16", "F"):
        picture = picture.convert("RGBA" if has_alpha else "RGB")
    if icc:
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            output_mode = "RGBA" if has_alpha and picture.mode in ("RGBA", "LA") else "RGB"
            if picture.mode == "LA":
                picture = picture.convert("RGBA")
            converted = ImageCms.profileToProfile(
                picture, source_profile, _SRGB, outputMode=output_mode
            )
            if converted is not None:
                picture = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken profile: keep the pixels as they are rather than fail.
    target = "RGBA" if has_alpha else "RGB"
    if picture.mode != target:
        picture = picture.convert(target)
    return picture


def has_transparency(picture):
    """Return True if any pixel of an RGBA picture is not fully opaque."""
    return picture.mode == "RGBA" and picture.getchannel("A").getextrema()[0] < 255


def crop_box(size, crop, focal_x=0.5, focal_y=0.5):
    """Return the largest box of the ``crop`` shape that keeps the focal point in frame."""
    width, height = size
    ratio = CROPS[crop]
    if ratio is None:
        return (0, 0, width, height)
    target = ratio[0] / ratio[1]
    if width / height > target:
        box_width, box_height = max(1, round(height * target)), height
    else:
        box_width, box_height = width, max(1, round(width / target))
    left = _clamp(round(focal_x * width - box_width / 2), 0, width - box_width)
    top = _clamp(round(focal_y * height - box_height / 2), 0, height - box_height)
    return (left, top, left + box_width, top + box_height)


def _clamp(value, low, high):
    return max(low, min(value, high))


def rendition_widths(available_width, max_width=None):
    """Return the widths to make for a picture ``available_width`` pixels wide.

    Never wider than the picture itself: a picture narrower than the largest standard
    width also gets a rendition at its own width, so it is never blurred or upscaled.
    """
    limit = min(available_width, max_width or RENDITION_WIDTHS[-1])
    widths = [width for width in RENDITION_WIDTHS if width <= limit]
    if not widths or (widths[-1] < limit and limit == available_width):
        widths.append(limit)
    return widths


def fallback_format(picture):
    """PNG for graphics with transparency, JPEG for everything else (photos)."""
    return "png" if has_transparency(picture) else "jpeg"


def make_rendition(picture, crop, width, image_format, focal=(0.5, 0.5)):
    """Return a RenditionFile: ``picture`` cropped, resized to ``width`` and re-encoded."""
    box = crop_box(picture.size, crop, *focal)
    box_width, box_height = box[2] - box[0], box[3] - box[1]
    height = max(1, round(box_height * width / box_width))
    resized = picture.resize((width, height), PILImage.Resampling.LANCZOS, box=box)
    pillow_format, options = RENDITION_FORMATS[image_format]
    if pillow_format == "JPEG" and resized.mode != "RGB":
        resized = resized.convert("RGB")
    # Metadata is never passed on: no EXIF, GPS, XMP, IPTC or ICC reaches readers.
    resized.info = {}
    buffer = io.BytesIO()
    resized.save(buffer, format=pillow_format, **options)
    return RenditionFile(crop, width, height, image_format, buffer.getvalue())
