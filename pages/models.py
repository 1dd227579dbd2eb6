"""Static pages (About, Contact, Terms…) and the site settings editors change without a deploy."""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from articles.editor import body_image_names, sanitize_html
from articles.models import Image


class PageQuerySet(models.QuerySet):
    def published(self):
        """Return the pages readers may see."""
        return self.filter(status=Page.Status.PUBLISHED)


class Page(models.Model):
    """A page that is not news: About, Contact, Advertise, Corrections policy, Terms."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="The page's address: /slug/. Lower-case letters, digits and hyphens.",
    )
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two sentences search engines and link previews show. Optional.",
    )
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    show_in_navigation = models.BooleanField(
        "show in the navigation",
        default=False,
        help_text="Published pages are always listed in the footer; this lists it at the top too.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first in the navigation and the footer."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED

    def fetch_pictures(self):
        """Fetch the library pictures the body shows, with their renditions: two queries.

        None when the body shows no picture. Sets ``body_pictures``, by storage name.
        """
        names = body_image_names(self.body) if "<img" in self.body else []
        if not names:
            self.body_pictures = {}
            return
        images = Image.objects.filter(file__in=names).prefetch_related("renditions")
        self.body_pictures = {image.file.name: image for image in images}


def section_model():
    """Return the model of the site's sections, or None while the project has none.

    Found by name, so site settings need no import from the app that defines it.
    """
    for model in apps.get_models():
        if model.__name__ == "Section":
            return model
    return None


class SiteSettings(models.Model):
    """The one row of settings editors change in the admin; blank fields use the defaults.

    Read through ``pages.furniture``, which caches it: a page render costs no query for
    it once per page cache generation.
    """

    SINGLETON_PK = 1

    site_name = models.CharField(
        max_length=100, blank=True, help_text="Blank: the SITE_NAME setting of the server."
    )
    tagline = models.CharField(
        max_length=200, blank=True, help_text="Blank: the SITE_TAGLINE setting of the server."
    )
    logo = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            "A picture from the library shown in place of the site name at the top of every "
            "page (the name stays its text alternative). A wide picture works best."
        ),
    )
    contact_email = models.EmailField(blank=True, help_text="Shown in the footer. Optional.")
    footer_text = models.TextField(
        max_length=500,
        blank=True,
        help_text="A short plain-text note in the footer: publisher, address, registration.",
    )
    default_section_slug = models.SlugField(
        "default section",
        max_length=80,
        blank=True,
        help_text="The slug of the section articles without one are listed under.",
    )
    # The organisation's postal address, for search engines (structured data on the
    # front page, articles/seo.py). Optional; blank parts are left out.
    street_address = models.CharField("street address", max_length=200, blank=True)
    locality = models.CharField("town or city", max_length=100, blank=True)
    region = models.CharField("region", max_length=100, blank=True)
    postal_code = models.CharField("postcode", max_length=20, blank=True)
    country = models.CharField(
        "country", max_length=2, blank=True, help_text="Two-letter code, e.g. GB, US, NZ."
    )
    mastodon_url = models.URLField("Mastodon", blank=True)
    bluesky_url = models.URLField("Bluesky", blank=True)
    facebook_url = models.URLField("Facebook", blank=True)
    instagram_url = models.URLField("Instagram", blank=True)
    x_url = models.URLField("X (Twitter)", blank=True)
    youtube_url = models.URLField("YouTube", blank=True)
    linkedin_url = models.URLField("LinkedIn", blank=True)

    SOCIAL_FIELDS = (
        "mastodon_url",
        "bluesky_url",
        "facebook_url",
        "instagram_url",
        "x_url",
        "youtube_url",
        "linkedin_url",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        # One row, whatever a form or a script asks for.
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def clean(self):
        section = section_model()
        if self.default_section_slug and section is not None:
            if not section.objects.filter(slug=self.default_section_slug).exists():
                raise ValidationError(
                    {"default_section_slug": "There is no section with this slug."}
                )

    @classmethod
    def load(cls):
        """Return the stored settings with the logo's renditions, or unsaved blank ones."""
        stored = (
            cls.objects.filter(pk=cls.SINGLETON_PK)
            .select_related("logo")
            .prefetch_related("logo__renditions")
            .first()
        )
        return stored or cls(pk=cls.SINGLETON_PK)

    @property
    def name(self):
        return self.site_name or settings.SITE_NAME

    @property
    def effective_tagline(self):
        return self.tagline or settings.SITE_TAGLINE

    ADDRESS_FIELDS = {
        "street_address": "streetAddress",
        "locality": "addressLocality",
        "region": "addressRegion",
        "postal_code": "postalCode",
        "country": "addressCountry",
    }

    def postal_address(self):
        """Return the filled-in parts of the address as schema.org names them."""
        return {
            name: getattr(self, field).strip()
            for field, name in self.ADDRESS_FIELDS.items()
            if getattr(self, field).strip()
        }

    def social_links(self):
        """Return ``(label, url)`` for each social profile filled in, in a fixed order."""
        return [
            (self._meta.get_field(field).verbose_name, getattr(self, field))
            for field in self.SOCIAL_FIELDS
            if getattr(self, field)
        ]
