from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from .editor import body_widget
from .images import read_embedded_credit
from .models import Article, ArticleAuthor, FrontPagePin, Image


class ArticleAdminForm(forms.ModelForm):
    """The newsdesk's article form; ``can_publish`` is set per request by the admin."""

    can_publish = False

    minor_edit = forms.BooleanField(
        label="Minor edit: don't show “Updated”",
        required=False,
        help_text="For a typo or a broken link: readers are not told the article changed.",
    )

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "standfirst",
            "body",
            "featured_image",
            "byline",
            "section",
            "tags",
            "status",
            "published_at",
            "allow_comments",
        ]
        widgets = {"body": body_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.can_publish and "status" in self.fields:
            self.fields["status"].choices = [
                (value, label)
                for value, label in Article.Status.choices
                if value != Article.Status.PUBLISHED
            ]
            self.fields["status"].help_text = "Set “In review” when the article is ready."

    def clean_status(self):
        # The choices above already leave "published" out for reporters; this refuses
        # it however the value arrives, and says why.
        status = self.cleaned_data["status"]
        if status == Article.Status.PUBLISHED and not self.can_publish:
            raise forms.ValidationError(
                "Only editors can publish or schedule articles: set “In review” instead."
            )
        return status


class ImageForm(forms.ModelForm):
    """Add a picture to the library; used by the admin and the editor's upload.

    The file is checked by the model field's validators (articles/images.py), so the
    admin, the editor's upload and any other path refuse the same files with the same
    messages, next to the field.
    """

    # A plain file field: Django's ImageField would run its own Pillow check first and
    # answer every refusal with one generic message instead of ours.
    file = forms.FileField(
        label="File",
        help_text="A JPEG, PNG, WebP or GIF picture. Readers get resized copies without "
        "the photo's hidden data (location, camera).",
    )

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "focal_x", "focal_y"]
        help_texts = {
            "credit": "Who took the picture, e.g. Reuters. Left empty, the credit written "
            "in the photo itself (IPTC/XMP) is used when there is one."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The file of a saved picture is not replaced: article bodies name it, and
            # a new file would leave them pointing at one the library no longer knows.
            del self.fields["file"]
        # Most pictures need no focal point: left empty, it stays in the middle. The
        # admin leaves out fields its user may only view (a Reporter's view of a picture).
        for name in ("focal_x", "focal_y"):
            if name in self.fields:
                self.fields[name].required = False

    def clean_focal_x(self):
        return self._focal_or_default("focal_x")

    def clean_focal_y(self):
        return self._focal_or_default("focal_y")

    def _focal_or_default(self, name):
        value = self.cleaned_data.get(name)
        if value is None:
            return Image._meta.get_field(name).default
        return value

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        if not cleaned_data.get("credit") and isinstance(upload, UploadedFile):
            cleaned_data["credit"] = read_embedded_credit(upload)
        return cleaned_data


class PictureUploadForm(ImageForm):
    """Upload a picture from the picture chooser: the Image admin's checks, fewer fields.

    The focal point stays in the middle; it is set on the picture's own page.
    """

    # The admin's stylesheet sets required fields' labels in bold.
    required_css_class = "required"

    class Meta(ImageForm.Meta):
        fields = ["file", "alt_text", "caption", "credit"]


class PictureSearchForm(forms.Form):
    """The picture chooser's search box and its page (the last number of the page before)."""

    q = forms.CharField(label="Search pictures", required=False, max_length=100)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ArticleAuthorForm(forms.ModelForm):
    """One row of the byline: an author and their place in it."""

    class Meta:
        model = ArticleAuthor
        fields = ["author", "position"]

    def validate_unique(self):
        # Inline forms skip model constraints that include the article, so an author
        # already on the article would reach the database as an IntegrityError; check
        # it here and say so next to the field instead.
        super().validate_unique()
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions())
        except ValidationError:
            self.add_error("author", "This author is already in the byline.")


class FrontPagePinForm(forms.ModelForm):
    """Pin a story to the front page: one lead at a time, and an expiry still to come."""

    class Meta:
        model = FrontPagePin
        fields = ["article", "kind", "position", "expires_at"]

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at is not None and expires_at <= timezone.now():
            raise ValidationError(
                "The unpin time has already passed: choose a time still to come, or leave "
                "it empty to keep the story pinned until you remove it."
            )
        return expires_at

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("kind") == FrontPagePin.Kind.LEAD:
            other_leads = FrontPagePin.objects.unexpired().filter(kind=FrontPagePin.Kind.LEAD)
            if self.instance.pk:
                other_leads = other_leads.exclude(pk=self.instance.pk)
            current = other_leads.select_related("article").first()
            if current is not None:
                self.add_error(
                    "kind",
                    f"“{current.article}” is already pinned as the lead story. Make that pin a "
                    "top story or remove it first: the front page has one lead.",
                )
        return cleaned_data
