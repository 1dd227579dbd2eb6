"""Where pictures' files live: originals in private storage, renditions in public storage.

An uploaded original carries what readers must never get: its EXIF location, camera
serial numbers, orientation tags, and whatever bytes a polyglot hides after the picture.
So originals go to ``STORAGES["originals"]``, which no URL serves, and only renditions
(re-encoded, metadata-free) go to the default, public storage that ``MEDIA_URL`` serves.
A site on object storage points ``STORAGES["originals"]`` at a private bucket.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder outside ``MEDIA_ROOT`` (``PRIVATE_MEDIA_ROOT``) whose files have no URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        # Failing loudly beats handing out an address that leaks an original (if a web
        # server were ever pointed at this folder) or one that 404s.
        raise ValueError(
            "Originals are private and have no URL; link to a rendition "
            "(Image.renditions_for) or, for staff, the editor's picture view."
        )


def originals_storage():
    """Return the storage that keeps pictures' originals (``STORAGES["originals"]``)."""
    return storages["originals"]
