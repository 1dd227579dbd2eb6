from django import template
from django.urls import reverse

from articles.models import Article
from articles.roles import can_publish

register = template.Library()


@register.inclusion_tag("admin/articles/_needs_review.html", takes_context=True)
def needs_review(context):
    """Show editors how many articles wait for review, linking to them."""
    user = context["request"].user
    if not can_publish(user):
        return {"show": False}
    return {
        "show": True,
        "count": Article.objects.filter(status=Article.Status.IN_REVIEW).count(),
        "url": reverse("admin:articles_article_changelist") + "?workflow=review",
    }
