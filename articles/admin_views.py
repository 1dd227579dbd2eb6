"""Admin-side views that are not ModelAdmin pages."""

import os

from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .forms import ImageForm


@staff_member_required
@require_POST
def editor_image_upload(request):
    """Receive a picture from the rich-text editor and add it to the image library.

    This replaces django-ckeditor's own upload view, which is CSRF-exempt and accepts
    any file: this one is staff-only, CSRF-protected and takes only real pictures,
    validated exactly as in the Image admin. It answers in the JSON CKEditor 4 reads.
    """
    upload = request.FILES.get("upload")
    # The editor sends no alt text; start from the file's name so the library entry is
    # findable, and the editor sets the real alt text in the image dialog.
    stem = os.path.splitext(os.path.basename(upload.name))[0] if upload else ""
    form = ImageForm(
        data={"alt_text": stem.replace("_", " ").replace("-", " ")[:250] or "Picture"},
        files={"file": upload} if upload else {},
    )
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return JsonResponse({"uploaded": 0, "error": {"message": message}}, status=400)
    image = form.save(commit=False)
    image.uploaded_by = request.user
    image.save()
    return JsonResponse({"uploaded": 1, "fileName": image.file.name, "url": image.file.url})
