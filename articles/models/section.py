"""Sections (News, Sport…): each article's one primary home, and the site's navigation."""

from django.db import models
from django.urls import reverse


class Section(models.Model):
    name = models.CharField("name", max_length=60, unique=True)
    slug = models.SlugField(
        "slug", max_length=60, unique=True, help_text="The section's address: /section/<slug>/."
    )
    description = models.CharField(
        "short description",
        max_length=300,
        blank=True,
        help_text="One sentence shown at the top of the section's page and in its feed.",
    )
    order = models.PositiveSmallIntegerField(
        "order",
        default=0,
        help_text="Position in the navigation and on the front page: lower comes first.",
    )
    show_in_navigation = models.BooleanField(
        "show in navigation",
        default=True,
        help_text="Listed in the masthead and given a block on the front page.",
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})

    @property
    def is_default(self):
        """Return True for the section articles without one show under (site settings)."""
        from ..sections import default_section_slug  # sections.py builds on this model

        return self.slug == default_section_slug()
