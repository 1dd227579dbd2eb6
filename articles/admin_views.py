"""Admin-side views that are not ModelAdmin pages: the editor's picture upload and browser.

They replace django-ckeditor's own views, which are CSRF-exempt, accept any file and echo
the ``CKEditorFuncNum`` parameter into a script. These are staff-only, need the image
permission the Image admin would (add to upload, view to browse; 403 without), are
CSRF-protected, take only real pictures (validated exactly as in the Image admin), and
accept ``CKEditorFuncNum`` only as digits.
"""

import base64
import hashlib
import json
import mimetypes
import os

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from . import renditions
from .editor import editor_picture_url
from .forms import ImageForm
from .models import Image
from .templatetags.articles_tags import picture

BROWSER_PAGE_SIZE = 40


def _callback_number(request):
    """Return CKEditor's callback number, "" when absent, or None when it is not digits."""
    number = request.GET.get("CKEditorFuncNum", request.POST.get("CKEditorFuncNum", ""))
    if number and not (number.isascii() and number.isdigit() and len(number) <= 10):
        return None
    return number


def _callback_script(number, url="", message=""):
    """Return the page CKEditor's form-based upload expects, with nothing echoed raw."""
    arguments = json.dumps([int(number), url, message])
    # json.dumps leaves "<" alone; escaping it keeps "</script>" out of the page.
    arguments = arguments.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    script = f"window.parent.CKEDITOR.tools.callFunction({arguments[1:-1]});"
    response = HttpResponse(f"<script>{script}</script>", content_type="text/html; charset=utf-8")
    # This page's one script, allowed by its hash; the admin's policy allows none inline.
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    response["Content-Security-Policy"] = f"default-src 'none'; script-src 'sha256-{digest}'"
    return response


@staff_member_required
@permission_required("articles.add_image", raise_exception=True)
@require_POST
def editor_image_upload(request):
    """Receive a picture from the rich-text editor and add it to the image library.

    Drag, paste and the image dialog all post here. The answer is the JSON CKEditor 4
    reads, or, for its older form-based protocol (``CKEditorFuncNum`` without
    ``responseType=json``), the callback script that protocol needs.
    """
    number = _callback_number(request)
    if number is None:
        return HttpResponseBadRequest("CKEditorFuncNum must be a number.")
    answer_with_script = bool(number) and request.GET.get("responseType") != "json"
    upload = request.FILES.get("upload")
    # No alt text is invented: a file name ("inline", "IMG_2041") read out to a reader
    # who cannot see the picture is worse than none. The editor asks for it in the
    # image dialog (static/articles/editor-alt.js), the article's save warns while the
    # body lacks it (body_checks.py), and the file's name goes to the newsdesk's notes.
    name = "" if not upload or getattr(upload, "unusable_name", False) else upload.name
    form = ImageForm(data={"alt_text": ""}, files={"file": upload} if upload else {})
    form.fields["alt_text"].required = False
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        if answer_with_script:
            return _callback_script(number, message=message)
        return JsonResponse({"uploaded": 0, "error": {"message": message}}, status=400)
    image = form.save(commit=False)
    image.uploaded_by = request.user
    if name:
        image.description = f"Uploaded from the article editor as “{os.path.basename(name)[:200]}”."
    image.save()
    # The worker makes the renditions after commit; the editor shows the picture through
    # editor_picture meanwhile, so the upload answers in well under a second.
    renditions.queue([image.pk], again=True)
    url = editor_picture_url(image.file.name)
    if answer_with_script:
        return _callback_script(number, url=url)
    return JsonResponse({"uploaded": 1, "fileName": image.file.name, "url": url})


@staff_member_required
@permission_required("articles.view_image", raise_exception=True)
@require_GET
def editor_picture(request, name):
    """Show the library picture stored as ``name`` inside the editor (staff only).

    Redirect to its largest rendition. Until the worker has made one (the seconds after
    an upload), send the original itself: only to staff who may view pictures, never
    cached, and marked so that no browser treats it as anything but a picture. Readers
    never reach this view (articles/editor.py swaps its address out of saved bodies).
    """
    image = get_object_or_404(Image.objects.prefetch_related("renditions"), file=name)
    shown = image.renditions_for("", make_missing=False)["fallback"]
    if shown:
        response = redirect(shown[-1].url)
    else:
        content_type = mimetypes.guess_type(image.file.name)[0] or "application/octet-stream"
        response = FileResponse(image.file.open("rb"), content_type=content_type)
        # A polyglot's trailing bytes stay inert: no sniffing (a global header), no
        # script, and no page of its own.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response


@staff_member_required
@permission_required("articles.view_image", raise_exception=True)
@require_GET
def editor_image_browser(request):
    """List the picture library for the editor's "Browse Server" window.

    Template: ``articles/editor_image_browser.html``. Context: ``page_obj`` (pictures,
    newest first, with renditions fetched), ``thumbnails`` (triples of picture, its
    thumbnail markup and the address the editor shows it at), ``query`` and
    ``callback`` (CKEditor's callback number).
    """
    number = _callback_number(request)
    if number is None:
        return HttpResponseBadRequest("CKEditorFuncNum must be a number.")
    query = request.GET.get("q", "").strip()
    pictures = Image.objects.prefetch_related("renditions").order_by("-created", "-pk")
    if query:
        pictures = pictures.filter(
            Q(alt_text__icontains=query) | Q(caption__icontains=query) | Q(credit__icontains=query)
        )
    page_obj = Paginator(pictures, BROWSER_PAGE_SIZE).get_page(request.GET.get("page"))
    thumbnails = [
        (
            image,
            picture(image, crop="1:1", max_width=320, sizes="160px", alt=""),
            editor_picture_url(image.file.name),
        )
        for image in page_obj
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Picture library",
        "is_popup": True,
        "page_obj": page_obj,
        "thumbnails": thumbnails,
        "query": query,
        "callback": number,
    }
    return render(request, "articles/editor_image_browser.html", context)
