from django import template
from django.conf import settings

from ..models import Comment

register = template.Library()


@register.simple_tag
def comments_awaiting_moderation():
    """Return how many comments wait for a moderator (on the admin index), up to a cap.

    ``count`` is at most the cap and ``more`` says there are more.
    """
    cap = settings.COMMENTS_MODERATION_COUNT_CAP
    counted = Comment.objects.in_moderation().count_up_to(cap)
    return {"count": min(counted, cap), "more": counted > cap}
