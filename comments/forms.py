"""The "Leave a Reply" form: its fields, WordPress's limits and messages, and its spam guards."""

import functools
import re
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.utils.crypto import salted_hmac

from newsroom import pagecache

from .models import Comment
from .text import BIDI_CONTROLS, clean_comment_text, clean_single_line

TEXT_MAX_LENGTH = 65525
SIGNING_SALT = "comments.form"
# What sign_form signs: the article's id, the time in milliseconds (base 62), the token.
FORM_KEY = re.compile(
    r"(?P<article>[0-9]{1,18})\.(?P<issued>[0-9A-Za-z]{1,12})\.(?P<token>[A-Za-z0-9_-]{1,64})"
)

# Line and paragraph separators as well as CR/LF: any of them splits a one-line field.
LINE_BREAKS = re.compile("[\r\n\v\f\x85\u2028\u2029]")
# Fields the form shows no error beside (hidden, or a box whose value is never stored).
UNSHOWN_ERROR_FIELDS = ("honeypot", "security", "cookies_consent")
TAMPERED_MESSAGE = "The form was changed or damaged. Please post your comment again."


def sign_form(article_pk, token=None):
    """Return the signed key that dates a form, names its article and holds its one-time token.

    A compact "article.issued.token" string under Django's signer: as tamper-proof as
    ``signing.dumps``, without the JSON and zlib, because every reader of a cached
    article page is given a fresh one.
    """
    issued = signing.b62_encode(int(time.time() * 1000))
    value = f"{article_pk}.{issued}.{token or secrets.token_urlsafe(24)}"
    # What signing.Signer(salt=SIGNING_SALT).sign(value) returns, from a MAC whose key
    # is derived once per process rather than once per reader.
    mac = _form_key_mac(settings.SECRET_KEY).copy()
    mac.update(value.encode())
    return f"{value}:{signing.b64_encode(mac.digest()).decode()}"


@functools.lru_cache(maxsize=4)
def _form_key_mac(secret_key):
    """Return the HMAC Signer uses for form keys, before any message is added to it."""
    signer = signing.Signer(key=secret_key, salt=SIGNING_SALT)
    return salted_hmac(signer.salt + "signer", "", signer.key, algorithm=signer.algorithm)


def read_form_key(value, max_age):
    """Return the article id, one-time token and issue time (seconds) of a signed form key.

    Raise ``signing.BadSignature`` when this site did not make it as ``sign_form`` does,
    and ``signing.SignatureExpired`` when it is older than ``max_age`` seconds.
    """
    match = FORM_KEY.fullmatch(signing.Signer(salt=SIGNING_SALT).unsign(value))
    if match is None:
        raise signing.BadSignature("Not a form key.")
    issued = signing.b62_decode(match["issued"]) / 1000
    if time.time() - issued > max_age:
        raise signing.SignatureExpired("The form key is too old.")
    return int(match["article"]), match["token"], issued


class PerReaderCheckbox(forms.CheckboxInput):
    """A checkbox that a cached page ticks for each reader.

    Given a page cache placeholder as its value, it renders the placeholder where
    ``checked`` would be, for the reader's value ("checked" or nothing) to replace.
    """

    def get_context(self, name, value, attrs):
        if isinstance(value, pagecache.Placeholder):
            attrs, value = {**(attrs or {}), value: True}, False
        return super().get_context(name, value, attrs)


class SingleLineMixin:
    """Drop invisible characters and tall stacks of marks; refuse line breaks and
    direction controls, which have no place in a one-line field.

    Invisible characters would let two names that read alike differ, or hide one
    inside another (a soft hyphen in "admin"); none is needed in a name or an address.
    """

    def to_python(self, value):
        if isinstance(value, str):
            value = clean_single_line(value, settings.COMMENTS_MAX_COMBINING_MARKS)
            stripped = value.strip()
            if LINE_BREAKS.search(stripped):
                raise ValidationError("Line breaks are not allowed here.", code="line_break")
            if any(character in BIDI_CONTROLS for character in stripped):
                raise ValidationError(
                    "Text direction control characters are not allowed here.", code="bidi"
                )
        return super().to_python(value)


class NameField(SingleLineMixin, forms.CharField):
    pass


class SingleLineEmailField(SingleLineMixin, forms.EmailField):
    pass


class SingleLineURLField(SingleLineMixin, forms.URLField):
    default_validators = [URLValidator(schemes=["http", "https"])]


def clean_text_field(form, name):
    """Return a comment's text as stored: sanitised as ``comments.text`` does, and not blank."""
    text = clean_comment_text(
        form.cleaned_data[name], settings.COMMENTS_MAX_COMBINING_MARKS
    ).strip()
    if not text:
        raise ValidationError(form.fields[name].error_messages["required"], "required")
    return text


def comment_text_field():
    return forms.CharField(
        label="Comment",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45, "maxlength": TEXT_MAX_LENGTH}),
        error_messages={
            "required": "Please type your comment text.",
            "max_length": "Your comment is too long.",
        },
    )


class CommentForm(forms.Form):
    comment = comment_text_field()
    author = NameField(
        label="Name",
        max_length=245,
        widget=forms.TextInput(attrs={"autocomplete": "name", "size": 30}),
        error_messages={
            "required": "Please enter your name.",
            "max_length": "Your name is too long.",
        },
    )
    email = SingleLineEmailField(
        label="Email",
        max_length=100,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "size": 30}),
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address.",
            "max_length": "Your email address is too long.",
        },
    )
    url = SingleLineURLField(
        label="Website",
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url", "size": 30}),
        error_messages={
            "invalid": "Please enter a web address starting with http:// or https://.",
            "max_length": "Your website address is too long.",
        },
    )
    cookies_consent = forms.BooleanField(
        label="Save my name, email, and website in this browser for the next time I comment.",
        required=False,
        widget=PerReaderCheckbox,
    )
    # Unticked on every page: no address is written to unless its owner asks, each time.
    notify_followups = forms.BooleanField(
        label="Notify me of follow-up comments by email",
        required=False,
    )
    notify_approval = forms.BooleanField(
        label="Notify me when my comment is approved",
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    security = forms.CharField(widget=forms.HiddenInput, required=False)
    # Hidden from people by CSS; a bot that fills every field fills this one too.
    honeypot = forms.CharField(
        label="If you are a human, leave this field empty.",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, article, *args, user=None, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.article = article
        self.user = user
        self.token = None
        self.honeypot_filled = False
        if not self.is_bound and "security" not in self.initial:
            self.initial["security"] = sign_form(article.pk)

    def clean_comment(self):
        return clean_text_field(self, "comment")

    def clean_author(self):
        name = self.cleaned_data["author"]
        if not name:
            raise ValidationError(self.fields["author"].error_messages["required"], "required")
        return name

    def clean_email(self):
        # Addresses are compared for the flood, duplicate and known-author rules.
        return self.cleaned_data["email"].lower()

    def clean_parent(self):
        """Return the comment replied to, moved up to the deepest level threads may reach."""
        parent_id = self.cleaned_data["parent"]
        if not parent_id:
            return None
        max_depth = settings.COMMENTS_THREAD_DEPTH
        parent = Comment.objects.approved().filter(article=self.article, pk=parent_id)
        if max_depth > 1:
            # Fetch the whole ancestry of a thread within the limit in one query.
            parent = parent.select_related("__".join(["parent"] * (max_depth - 1)))
        parent = parent.first()
        if parent is None:
            raise ValidationError(
                "You can only reply to a published comment on this article.", code="bad_parent"
            )
        ancestors = [parent]
        while ancestors[-1].parent_id:
            ancestors.append(ancestors[-1].parent)
        depth = len(ancestors)
        if depth >= max_depth:
            # A reply to the deepest level becomes its parent's sibling, as in WordPress.
            return ancestors[depth - max_depth + 1] if max_depth > 1 else None
        return parent

    def clean(self):
        """Check the spam guards: the honeypot and the signed, dated, one-time form key."""
        cleaned = super().clean()
        # The honeypot and the form key are hidden, so an error beside them (a NUL
        # character, say) would be a 400 with no word of why: said at the top instead,
        # once, unless the form key's own check below says it.
        unshown_errors = [name for name in UNSHOWN_ERROR_FIELDS if self._errors.pop(name, None)]
        self.honeypot_filled = bool(self.data.get("honeypot"))
        try:
            article_pk, token, issued = read_form_key(
                self.data.get("security", ""), max_age=settings.COMMENTS_MAX_FORM_AGE
            )
        except signing.SignatureExpired:
            self.renew_security()
            raise ValidationError(
                "This form was open too long. Please post your comment again.", code="expired"
            ) from None
        except signing.BadSignature:
            self.renew_security()
            raise ValidationError(TAMPERED_MESSAGE, code="tampered") from None
        if article_pk != self.article.pk:
            self.renew_security()
            raise ValidationError(TAMPERED_MESSAGE, code="tampered")
        if time.time() - issued < settings.COMMENTS_MIN_SECONDS:
            raise ValidationError(
                "That was quick! Please take a moment, then post your comment again.",
                code="too_fast",
            )
        if unshown_errors:
            raise ValidationError(TAMPERED_MESSAGE, code="tampered")
        self.token = token
        return cleaned

    def has_field_errors(self):
        return any(name != NON_FIELD_ERRORS for name in self.errors)

    def renew_security(self):
        """Give the re-rendered form a fresh, valid key and a new one-time token."""
        # The re-rendered form must carry a fresh, valid key or the reader could never post.
        self.data = self.data.copy()
        self.data["security"] = sign_form(self.article.pk)


class CommentEditForm(forms.Form):
    """A reader's change to their own comment's text: the post's field, limits and cleaning.

    The moderation rules run again on the result (``comments.editing``).
    """

    comment = comment_text_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def clean_comment(self):
        return clean_text_field(self, "comment")
