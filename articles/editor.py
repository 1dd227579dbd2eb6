"""The one seam between Newsroom and its rich-text editor.

Everything that knows about CKEditor starts here: its configuration (``EDITOR_CONFIG``),
the widget the admin asks ``body_widget()`` for, the editor's URLs (``urls()``, mounted by
newsroom/urls.py, served by admin_views.py), the Content-Security-Policy of the page that
runs it (``allow_editor_on_page()``), and ``sanitize_html()``, which every stored body
goes through. Its scripts and the picture library's template are static/articles/editor-*
and templates/articles/editor_image_browser.html. Swapping the editor means changing
these and nothing else.

CKEditor 4 is end-of-life, so nothing it produces is trusted: the allow-list below is
what a reader's browser can ever receive, whatever the editor (or a forged POST) sends.
"""

import html
import re

import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "caption", "code", "em", "figcaption", "figure",
    "h2", "h3", "h4", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def library_src(name):
    """Return how a stored body names the library picture ``name``: its ``<img src>``.

    Only an identifier: no URL serves it (originals are private), and readers get
    ``<picture>`` markup from renditions in its place (``{% article_body %}``).
    """
    return settings.MEDIA_URL + name


def _editor_picture_prefix():
    from django.urls import reverse

    return reverse("editor-picture", args=["images/"]).removesuffix("images/")


def editor_picture_url(name):
    """Return the staff-only address the editor shows the library picture ``name`` at.

    Originals have no public address (articles/storage.py), so inside the editor a
    picture is shown through a staff-only view (its largest rendition). A stored body
    names the picture by ``MEDIA_URL`` + its name, as it always has: the editor's
    address is swapped for that on save (``sanitize_html``) and back for editing
    (``body_widget``).
    """
    return _editor_picture_prefix() + name


def _keep_attribute(tag, attribute, value):
    if tag == "img" and attribute == "src":
        prefix = _editor_picture_prefix()
        if value.startswith(prefix) and value[len(prefix) :].startswith("images/"):
            return library_src(value[len(prefix) :])
        # Pictures come from the library only: an image from another site would be a
        # request to a third party on every page view (and the CSP would block it).
        if not value.startswith(settings.MEDIA_URL):
            return None
    return value


def sanitize_html(html):
    """Return ``html`` reduced to the tags, attributes and URL schemes readers may get.

    Scripts, styles and iframes are dropped with their content; event handlers and
    ``style`` attributes are not on the allow-list; ``javascript:`` and ``data:`` URLs
    are removed because only http, https and mailto (and relative URLs) are allowed;
    pictures keep their address only when it is in the picture library (``MEDIA_URL``).
    """
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def body_text(body):
    """Return the words of a sanitised body without its markup, for search."""
    # A space before every tag keeps words of neighbouring paragraphs apart.
    text = nh3.clean((body or "").replace("<", " <"), tags=set())
    return " ".join(html.unescape(text).split())


# nh3 serialises every tag the same way: lower-case names, double-quoted attributes.
_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def _img_attributes(tag):
    return {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def _library_name(src):
    """Return the storage name of a picture the library serves at ``src``, or None."""
    prefix = settings.MEDIA_URL
    if src.startswith(prefix) and src[len(prefix) :].startswith("images/"):
        return src[len(prefix) :]
    return None


def body_image_names(body):
    """Return the storage names of the library pictures a sanitised body shows."""
    names = (_library_name(_img_attributes(tag).get("src", "")) for tag in _IMG.findall(body))
    return sorted({name for name in names if name})


def replace_body_images(body, replacement):
    """Return ``body`` with each library ``<img>`` swapped for ``replacement(name, attrs)``.

    ``replacement`` returns markup to put in its place ("" drops the tag), or None to
    keep it. The body was sanitised on save, and what replaces a tag is built by our own
    templates, so the result keeps the sanitiser's guarantees.
    """

    def swap(match):
        attributes = _img_attributes(match.group(0))
        name = _library_name(attributes.get("src", ""))
        if name is None:
            return match.group(0)
        markup = replacement(name, attributes)
        return match.group(0) if markup is None else markup

    return _IMG.sub(swap, body)


# CKEditor's configuration: what django-ckeditor would read from CKEDITOR_CONFIGS.
EDITOR_CONFIG = {
    "toolbar": "Newsroom",
    "toolbar_Newsroom": [
        ["Format", "Bold", "Italic", "Strike", "Subscript", "Superscript", "RemoveFormat"],
        ["NumberedList", "BulletedList", "Blockquote", "HorizontalRule"],
        ["Link", "Unlink", "Image", "Table"],
        ["Undo", "Redo", "Source", "Maximize"],
    ],
    "format_tags": "p;h2;h3;h4;pre",
    "height": 420,
    "width": "100%",
    # Keep the editor from producing what the sanitiser would strip anyway, so editors
    # see what readers will see.
    "allowedContent": (
        "p h2 h3 h4 pre blockquote ul ol li strong em s sub sup hr br figure figcaption"
        " code caption thead tbody tfoot tr;"
        " table th td[colspan,rowspan];"
        " a[!href,title];"
        " img[!src,alt,width,height]"
    ),
    "removePlugins": "exportpdf,flash,iframe,forms,smiley,scayt,wsc",
    "extraPlugins": "uploadimage",
    "filebrowserUploadMethod": "xhr",
    "versionCheck": False,
}


def for_editing(body):
    """Return a sanitised ``body`` with its library pictures at the editor's addresses."""

    def to_editor(match):
        tag = match.group(0)
        src = _img_attributes(tag).get("src", "")
        name = _library_name(src)
        if name is None:
            return tag
        return tag.replace(f'src="{html.escape(src)}"', f'src="{editor_picture_url(name)}"')

    return _IMG.sub(to_editor, body or "")


def body_widget():
    """Return the form widget editors write article bodies in."""
    # Imported here, so that only code building the admin's article form imports the
    # editor's package.
    from ckeditor.widgets import CKEditorWidget, Script
    from django.forms.widgets import Media
    from django.urls import reverse_lazy

    class NewsroomEditorWidget(CKEditorWidget):
        def format_value(self, value):
            return for_editing(super().format_value(value))

        @property
        def media(self):
            # django-ckeditor's files, with CKEditor's base path given outright (left to
            # itself it asks static() for a folder, which the production manifest cannot
            # name), then editor-csrf.js, which hands uploads the CSRF token. One list,
            # so Django keeps the order: it must run after ckeditor.js. editor-aids.js asks
            # for alt text and tells the form what the body says (for its word count);
            # editor-text.js lets the admin's other scripts read and set the body
            # (admin-drafts.js).
            base_path = settings.STATIC_URL + "ckeditor/ckeditor/"
            return Media(
                css={"all": ["ckeditor/ckeditor.css"]},
                js=[
                    Script(
                        "ckeditor/ckeditor-init.js",
                        id="ckeditor-init-script",
                        **{"data-ckeditor-basepath": base_path},
                    ),
                    "ckeditor/ckeditor/ckeditor.js",
                    "ckeditor/fixups.js",
                    "articles/editor-csrf.js",
                    "articles/editor-aids.js",
                    "articles/editor-text.js",
                ],
            )

    widget = NewsroomEditorWidget()
    widget.config.update(EDITOR_CONFIG)
    # Uploads go to our own view, never django-ckeditor's csrf-exempt one.
    upload_url = reverse_lazy("editor-image-upload")
    widget.config["filebrowserUploadUrl"] = upload_url
    widget.config["uploadUrl"] = upload_url
    # The image button's "Browse Server" lists the picture library (staff only).
    browse_url = reverse_lazy("editor-image-browser")
    widget.config["filebrowserBrowseUrl"] = browse_url
    widget.config["filebrowserImageBrowseUrl"] = browse_url
    return widget


def urls():
    """Return the editor's own URLs (upload, picture library), to mount under /admin/editor/.

    Django-ckeditor's URLs are never mounted: these views replace them (admin_views.py).
    """
    from django.urls import path

    from .admin_views import editor_image_browser, editor_image_upload, editor_picture

    return [
        path("upload/", editor_image_upload, name="editor-image-upload"),
        path("images/", editor_image_browser, name="editor-image-browser"),
        path("pictures/<path:name>", editor_picture, name="editor-picture"),
    ]


# What CKEditor 4 needs beyond the admin's Content-Security-Policy, found by running it in
# Chromium under an enforced policy and reading the violations it reports
# (tests/browser/test_editor_csp.py). Its toolbar, menus and dialogs are built as HTML
# with inline event handlers (onclick="CKEDITOR.tools.callFunction(42,this)") and
# javascript: links, which only 'unsafe-inline' allows (a nonce or hash in the policy
# would switch 'unsafe-inline' off, and the handlers' numbers change with the plugins);
# its skin, dialogs and editing frame are styled with <style> elements and style
# attributes. It needs no eval and nothing from another host. Only the page that shows
# the editor gets this; what it produces is sanitised on save (sanitize_html).
EDITOR_POLICY_ADDITIONS = {
    "script-src": "'unsafe-inline'",
    "style-src": "'unsafe-inline'",
}


def editor_content_security_policy(policy):
    """Return ``policy`` (the admin's) with what the editor needs added."""
    directives = [part.strip() for part in policy.split(";") if part.strip()]
    names = [directive.split()[0] for directive in directives]
    for name, sources in EDITOR_POLICY_ADDITIONS.items():
        if name in names:
            index = names.index(name)
            directives[index] = f"{directives[index]} {sources}"
        else:
            directives.append(f"{name} 'self' {sources}")
    return "; ".join(directives)


def allow_editor_on_page(response, form):
    """Send the editor's policy with ``response`` if ``form`` shows the editor.

    The rest of the admin keeps its stricter policy (newsroom/middleware.py); a form
    whose body is read-only shows no editor and keeps it too.
    """
    from ckeditor.widgets import CKEditorWidget

    from newsroom.middleware import admin_content_security_policy

    if any(isinstance(field.widget, CKEditorWidget) for field in form.fields.values()):
        response["Content-Security-Policy"] = editor_content_security_policy(
            admin_content_security_policy()
        )
    return response
