"""What an import from WordPress remembers, so running it again takes only what is new."""

from django.db import models


class ImportedItem(models.Model):
    """One object made from a WordPress export: which site, which kind, which WordPress id.

    One table for every kind rather than a column on each model: the newsroom's own
    tables stay as they are, and a later export of the same site is matched here.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        ATTACHMENT = "attachment", "Picture"
        POST = "post", "Post"
        PAGE = "page", "Page"
        COMMENT = "comment", "Comment"

    site = models.CharField(
        "site", max_length=255, help_text="The exported site's address, without the scheme."
    )
    kind = models.CharField("kind", max_length=20, choices=Kind.choices)
    wordpress_id = models.CharField("WordPress id", max_length=100)
    object_id = models.BigIntegerField("object id")
    # For pictures, the file's path under wp-content/uploads: bodies name pictures by it.
    source = models.CharField("source", max_length=500, blank=True)
    created = models.DateTimeField("imported", auto_now_add=True)

    class Meta:
        verbose_name = "imported WordPress item"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "wordpress_id"], name="unique_imported_item"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wordpress_id} from {self.site}"
