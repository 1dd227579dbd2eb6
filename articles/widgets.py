"""The picture chooser: the widget for any ForeignKey to ``Image`` in the admin.

The form sees a plain text input holding the picture's number, so without JavaScript
the field still works (find the picture in the library page, which shows each number,
and type it in). ``static/js/admin-chooser.js`` hides that box behind "Choose another"
and "Clear" buttons and opens the library (``ImageAdmin.chooser_view``) in a dialog,
where a picture is searched for, chosen or uploaded.

A model admin shows it for a field with ``PictureChooserAdminMixin`` and the field's name
in ``picture_chooser_fields``.
"""

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Image
from .templatetags.articles_tags import picture


def picture_thumbnail(image, sizes="160px"):
    """Return a square thumbnail of ``image`` from the renditions that already exist.

    Never made in the request: a missing one is queued for the task worker
    (``articles.renditions``) and nothing is shown meanwhile.
    """
    return picture(image, crop="1:1", max_width=320, sizes=sizes, alt="")


class PictureChooser(forms.TextInput):
    """A picture's number, shown as its thumbnail, alt text, caption and credit."""

    template_name = "admin/widgets/picture_chooser.html"
    input_type = "text"

    class Media:
        js = ["js/admin-chooser.js"]
        css = {"all": ["css/admin-pictures.css"]}

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "size": 8, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = None
        if value not in (None, "") and str(value).isdigit():
            chosen = Image.objects.prefetch_related("renditions").filter(pk=value).first()
        context["picture"] = chosen
        context["thumbnail"] = picture_thumbnail(chosen) if chosen else ""
        context["chooser_url"] = reverse("admin:articles_image_choose")
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template folders, where the admin's own overrides live too; the
        # default form renderer would look only in the apps' folders.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


class PictureChooserAdminMixin:
    """Show the picture chooser for the ForeignKeys to Image in ``picture_chooser_fields``."""

    picture_chooser_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.picture_chooser_fields:
            # Set before the admin picks its own widget (autocomplete, select).
            kwargs["widget"] = PictureChooser()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.picture_chooser_fields and isinstance(
            formfield.widget, RelatedFieldWidgetWrapper
        ):
            # The chooser has its own buttons; the add/change links around a select
            # would open the Image admin in pop-ups the chooser replaces.
            formfield.widget = formfield.widget.widget
        return formfield
