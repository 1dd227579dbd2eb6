from django import template

from ..models import Comment

register = template.Library()


@register.simple_tag
def comments_awaiting_moderation():
    """Return how many comments wait for a moderator (shown on the admin index)."""
    return Comment.objects.in_moderation().count()
