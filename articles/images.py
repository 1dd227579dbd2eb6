"""Checking that an uploaded file is a real picture, and naming it safely in storage."""

import uuid
import warnings

from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image as PILImage

# Formats readers' browsers show and Pillow decodes fully. Anything else Pillow could
# open (EPS, PSD, ICO, …) is refused rather than passed on.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def inspect_image(file):
    """Decode ``file`` fully and return its Pillow format name.

    Raise ValidationError with a message for editors when the file is not a complete
    JPEG, PNG, WebP or GIF, or would decode to more pixels than Pillow considers safe.
    """
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # A decompression bomb is a small file that decodes to gigabytes.
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(file, formats=ACCEPTED_FORMATS) as picture:
                image_format = picture.format
                picture.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValidationError(
            "This picture has too many pixels to process safely.", code="too_many_pixels"
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
    return image_format


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
