"""Keep uploads whose file name is unusable, so the form can refuse them out loud.

Django's multipart parser silently skips a file part whose name sanitises to nothing
(``..``, ``.``, ``/``): the form then says "This field is required" to an editor who
did choose a file. This handler runs first (FILE_UPLOAD_HANDLERS) and parses the request
itself with a parser that keeps such files under a placeholder name and marks them
``unusable_name``; ``articles.images.validate_upload_name`` turns the mark into a
message next to the field. The name is never used for storage either way.
"""

from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser

from .images import UNUSABLE_NAME


class _KeepUnusableNamesParser(MultiPartParser):
    renamed = False

    def sanitize_file_name(self, file_name):
        usable = super().sanitize_file_name(file_name)
        if usable:
            return usable
        self.renamed = True
        return UNUSABLE_NAME


class UnusableNameUploadHandler(FileUploadHandler):
    """Parse multipart bodies so that a file with an unusable name still arrives, marked."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        others = [handler for handler in self.request.upload_handlers if handler is not self]
        parser = _KeepUnusableNamesParser(META, input_data, others, encoding)
        post, files = parser.parse()
        if not parser.renamed:
            return post, files
        for uploads in files.lists():
            for upload in uploads[1]:
                if upload.name == UNUSABLE_NAME:
                    upload.unusable_name = True
        return post, files

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
