from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import BaseInlineFormSet, ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe

from . import revisions
from .editor import body_widget, sanitize_html
from .images import read_embedded_credit
from .models import Article, ArticleAuthor, Correction, FrontPagePin, Image
from .models.article import HEADLINE_LENGTH, SNIPPET_LENGTH, person_name

# The slug a new article's address shows until the headline gives it one.
SLUG_PLACEHOLDER = "your-headline"


def name_split_datetime(field, what):
    """Name the date and time boxes of the admin's split date/time ``field``.

    The admin prints "Date:" and "Time:" beside them as plain text, not labels: screen
    readers (and axe) find two unnamed boxes.
    """
    widgets = getattr(field.widget, "widgets", ())
    for widget, part in zip(widgets, ("date", "time"), strict=False):
        widget.attrs["aria-label"] = f"{what}: {part}"


def slug_address_help(root, article, slug):
    """Return the slug's help text: the full address ``slug`` gives ``article``.

    ``root`` is the site's scheme and host. A draft shows the address it gets when
    published today; a scheduled or published article, the one of its publication date.
    The script (static/js/admin-counters.js) keeps it in step with the slug as it is typed.
    """
    placeholder = "--slug--"
    dated = article.published_at if article.published_at else None
    prefix, suffix = Article.address_for(dated, placeholder).split(placeholder)
    if article.is_public:
        when = "The article's address"
    elif article.status == Article.Status.PUBLISHED:
        when = "The address it will have when it goes live"
    else:
        when = "The address it will have if published today"
    return format_html(
        "The last part of the article's address; filled in from the headline.<br>"
        '{}: <span class="slug-address" data-prefix="{}" data-suffix="{}" '
        'data-placeholder="{}">{}</span>',
        when,
        root + prefix,
        suffix,
        SLUG_PLACEHOLDER,
        f"{root}{prefix}{slug or SLUG_PLACEHOLDER}{suffix}",
    )


class ArticleAdminForm(forms.ModelForm):
    """The newsdesk's article form; ``can_publish`` is set per request by the admin."""

    can_publish = False
    # The site's scheme and host, set per request by the admin like can_publish.
    address_root = ""

    minor_edit = forms.BooleanField(
        label="Minor edit: don't show “Updated”",
        required=False,
        help_text="For a typo or a broken link: readers are not told the article changed.",
    )
    # The article's version when the form was opened (Article.version): the save is
    # refused if the row has moved on since. Rendered by _locking_banner.html.
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1, required=False
    )
    # Set by clean() when someone else saved since: who, when, and the text diff.
    conflict = None

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
            "seo_title",
            "meta_description",
            "social_image",
        ]
        widgets = {
            # Full width (static/css/admin-writing.css), with a live count of the limit
            # the help text names (static/js/admin-counters.js).
            # Two wrapping lines, so a long headline is seen whole, never scrolled out of
            # its box; it stays one line of text (clean_headline, data-single-line).
            "headline": forms.Textarea(
                attrs={
                    "class": "writing-wide",
                    "rows": 2,
                    "data-count-limit": HEADLINE_LENGTH,
                    "data-single-line": "",
                }
            ),
            "standfirst": forms.Textarea(
                attrs={"class": "writing-wide", "rows": 3, "data-count-limit": SNIPPET_LENGTH}
            ),
            "seo_title": forms.TextInput(attrs={"class": "writing-wide", "data-count-limit": 60}),
            "meta_description": forms.Textarea(
                attrs={"class": "writing-wide", "rows": 2, "data-count-limit": SNIPPET_LENGTH}
            ),
            "body": body_widget(),
        }
        help_texts = {
            "headline": f"Google News shows at most {HEADLINE_LENGTH} characters of a headline: "
            "keep it within that.",
            "standfirst": "The summary shown under the headline and on cards. Search results "
            f"show about {SNIPPET_LENGTH} characters.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "published_at" in self.fields:
            name_split_datetime(self.fields["published_at"], "Publication date")
        if "slug" in self.fields:
            slug = self.data.get(self.add_prefix("slug")) if self.is_bound else None
            self.fields["slug"].help_text = slug_address_help(
                self.address_root, self.instance, slug or self.instance.slug
            )
        if not self.can_publish and "status" in self.fields:
            self.fields["status"].choices = [
                (value, label)
                for value, label in Article.Status.choices
                if value != Article.Status.PUBLISHED
            ]
            self.fields["status"].help_text = "Set “In review” when the article is ready."
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version

    def clean_headline(self):
        # The box wraps; the headline is one line (a pasted line break becomes a space).
        return " ".join(self.cleaned_data["headline"].split())

    def clean_status(self):
        # The choices above already leave "published" out for reporters; this refuses
        # it however the value arrives, and says why.
        status = self.cleaned_data["status"]
        if status == Article.Status.PUBLISHED and not self.can_publish:
            raise forms.ValidationError(
                "Only editors can publish or schedule articles: set “In review” instead."
            )
        return status

    def clean(self):
        cleaned_data = super().clean()
        if "version" not in self.fields:
            return cleaned_data
        opened_at = cleaned_data.get("version")
        if opened_at is None:
            raise forms.ValidationError(
                "This form does not say which version of the article it was opened at, so "
                "it cannot be saved safely: reload the page and make your change again.",
                code="no_version",
            )
        # self.instance still holds the stored row here: the form's values are put
        # on it after clean() (ModelForm._post_clean).
        if opened_at != self.instance.version:
            self._refuse_conflict(cleaned_data)
        # The UPDATE itself checks it too (Article._do_update): a save that lands
        # between this check and the write is refused there.
        self.instance.expected_version = opened_at
        return cleaned_data

    def _refuse_conflict(self, cleaned_data):
        theirs = {name: getattr(self.instance, name) for name in revisions.TEXT_FIELDS}
        yours = {name: cleaned_data.get(name, theirs[name]) for name in revisions.TEXT_FIELDS}
        yours["body"] = sanitize_html(yours["body"] or "")
        latest = self.instance.revisions.select_related("user").first()
        self.conflict = {
            "revision": latest,
            "changes": revisions.text_diff(theirs, yours),
        }
        # Saving again now means "mine replaces theirs": the form carries the version
        # just shown, so a second save goes through unless a third one came meanwhile.
        data = self.data.copy()
        data[self.add_prefix("version")] = str(self.instance.version)
        self.data = data
        raise forms.ValidationError(
            "Someone else saved this article after you opened it, so your changes were "
            "not saved. Your text is kept in the form below; compare it with theirs "
            "(shown above the form), then save again to replace theirs with yours.",
            code="edit_conflict",
        )


class RestoreRevisionForm(forms.Form):
    """Confirm restoring a revision of a published article (ArticleAdmin)."""

    minor_edit = forms.BooleanField(
        label="Minor change: don't show “Updated”",
        required=False,
        help_text="Leave it unticked when readers should be told the article changed.",
    )
    # The version whose text the confirmation page compared with the revision.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["version"].initial = article.version

    def clean_version(self):
        version = self.cleaned_data["version"]
        if version != self.article.version:
            # Shown again with the newest version: confirming now restores over it.
            data = self.data.copy()
            data["version"] = str(self.article.version)
            self.data = data
            raise forms.ValidationError(
                "The article was saved again since this page was shown: nothing was "
                "restored. Check the comparison below, which is now against the newest "
                "text, and confirm again."
            )
        return version


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


def author_labels(users):
    """Return ``{user id: label}``: full names, with the username where two share one."""
    names = {user.pk: person_name(user) for user in users}
    taken = Counter(name.casefold() for name in names.values())
    return {
        user.pk: f"{names[user.pk]} ({user.get_username()})"
        if taken[names[user.pk].casefold()] > 1 and names[user.pk] != user.get_username()
        else names[user.pk]
        for user in users
    }


class AuthorChoiceIterator(ModelChoiceIterator):
    """Authors by name, in name order, in the one query the field's queryset makes."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        # As Django's iterator does: no result cache kept on the field's queryset.
        users = list(queryset if queryset._prefetch_related_lookups else queryset.iterator())
        labels = author_labels(users)
        for user in sorted(users, key=lambda user: (labels[user.pk].casefold(), user.pk)):
            yield (ModelChoiceIteratorValue(self.field.prepare_value(user), user), labels[user.pk])


def _html_attributes(attrs):
    # What django/forms/widgets/attrs.html writes: True as a bare name, False left out,
    # in the given order (django.forms.utils.flatatt puts the bare names last instead).
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PeopleSelect(forms.Select):
    """A ``<select>`` written out in code, with the markup Django's templates give it.

    The byline's author box lists every member of staff, once per byline row plus the
    blank row and the row the "Add another" button copies: over a hundred ``<option>``s
    on the article form, each a template and its attributes' template, some 10 ms of
    the page (issue 9's budget for it is 100 ms at archive sizes).
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_html_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            parts += [
                f'\n  <option value="{escape(option["value"])}"'
                f"{_html_attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                for option in options
            ]
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class AuthorChoiceField(forms.ModelChoiceField):
    """Choose a person by their full name (the username only tells namesakes apart)."""

    iterator = AuthorChoiceIterator
    widget = PeopleSelect

    def label_from_instance(self, user):
        return person_name(user)


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A table row's boxes have only the column headings above them: name each.
        for name, label in (("author", "Author"), ("position", "Position in the byline")):
            if name in self.fields:
                widget = self.fields[name].widget
                # The admin wraps the select (add/change links); name the select itself.
                getattr(widget, "widget", widget).attrs["aria-label"] = label

    def validate_unique(self):
        # Inline forms skip model constraints that include the article, so an author
        # already on the article would reach the database as an IntegrityError; check
        # it here and say so next to the field instead.
        super().validate_unique()
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions())
        except ValidationError:
            self.add_error("author", "This author is already in the byline.")


class BylineFormSet(BaseInlineFormSet):
    """The byline's rows; each row's "delete" box is named, as the table shows none."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Remove from the byline"


class CorrectionForm(forms.ModelForm):
    """A correction or clarification on a published article."""

    class Meta:
        model = Correction
        fields = ["kind", "text", "created"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "created" in self.fields:
            name_split_datetime(self.fields["created"], "Time of the correction")


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
