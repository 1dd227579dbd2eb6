from django import template

from ..models import MODERATION_COUNT_CAP, Comment

register = template.Library()


@register.simple_tag
def comments_awaiting_moderation():
    """Return how many comments wait for a moderator (on the admin index), up to a cap.

    ``count`` is at most the cap and ``more`` says there are more.
    """
    counted = Comment.objects.in_moderation().count_up_to(MODERATION_COUNT_CAP)
    return {"count": min(counted, MODERATION_COUNT_CAP), "more": counted > MODERATION_COUNT_CAP}
