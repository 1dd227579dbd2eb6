"""Old addresses of the site: each answers 301 with the page that lives elsewhere now.

One table for every kind of old address: an article's slug the newsdesk changed, and
everything an import from another system brings (an old permalink, ``/?p=123``, an old
category archive or feed). Served by ``articles.redirects.RedirectFallbackMiddleware``
only on the way to a 404, so normal pages never query it.
"""

from django.core.exceptions import ValidationError
from django.db import models


class RedirectQuerySet(models.QuerySet):
    def destination_of(self, path):
        """Return the address ``path`` now leads to, or None.

        An article's current address is asked of the article, so later slug changes
        and date fixes never leave a chain of hops; an article readers may not see
        (a draft, scheduled, unpublished) leads nowhere.
        """
        redirect = self.filter(old_path=path).select_related("article").first()
        if redirect is None:
            return None
        if redirect.article_id is None:
            return redirect.target or None
        return redirect.article.get_absolute_url() if redirect.article.is_public else None


class Redirect(models.Model):
    class Origin(models.TextChoices):
        SLUG_CHANGE = "slug", "Slug changed on the newsdesk"
        WORDPRESS = "wordpress", "Imported from WordPress"
        NEWSDESK = "newsdesk", "Added by hand"

    old_path = models.CharField(
        "old address",
        max_length=500,
        unique=True,
        help_text="The path readers and search engines still ask for, starting with “/”, "
        "e.g. /2019/03/05/harbour-opens/ or /?p=123.",
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name="article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="redirects",
        help_text="Leads to this article's current address, wherever it moves later.",
    )
    target = models.CharField(
        "new address",
        max_length=500,
        blank=True,
        help_text="When no article is chosen: the path it leads to, e.g. /section/sport/.",
    )
    origin = models.CharField(
        "origin", max_length=20, choices=Origin.choices, default=Origin.NEWSDESK, editable=False
    )
    created = models.DateTimeField("created", auto_now_add=True)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_path"]
        verbose_name = "old address"
        verbose_name_plural = "old addresses"

    def __str__(self):
        return self.old_path

    def clean(self):
        if not self.old_path.startswith("/") or self.old_path.startswith("//"):
            raise ValidationError({"old_path": "Give a path on this site, starting with one “/”."})
        if bool(self.article_id) == bool(self.target):
            raise ValidationError("Choose an article or give a new address, not both.")
        if self.target and (not self.target.startswith("/") or self.target.startswith("//")):
            raise ValidationError({"target": "Give a path on this site, starting with one “/”."})
        if self.target == self.old_path:
            raise ValidationError({"target": "An address cannot lead to itself."})

    def destination_display(self):
        return self.article.get_absolute_url() if self.article_id else self.target
