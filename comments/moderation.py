"""The moderation rules: whether comments are open, and what status a new comment gets.

The decision is a plain function of the comment's fields and two facts about its author,
so the posting view and the admin's "check again" action apply exactly the same rules.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Comment

# http(s):// addresses, and bare www. ones, which urlize also turns into links.
LINK_PATTERN = re.compile(r"(?i)\b(?:https?://|www\.)")


def comments_open(article, now=None):
    """Return True if readers may comment on ``article``."""
    if not article.allow_comments:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days and article.published_at is not None:
        return (now or timezone.now()) - article.published_at <= timedelta(days=days)
    return True


def count_links(text):
    return len(LINK_PATTERN.findall(text))


def _contains_any(words, values):
    """Return True if any word occurs in any value, ignoring case (WordPress's rule)."""
    haystacks = [str(value).casefold() for value in values if value]
    for word in words:
        needle = word.strip().casefold()
        if needle and any(needle in haystack for haystack in haystacks):
            return True
    return False


def decide_status(
    *,
    name,
    email,
    website,
    text,
    ip_address,
    user_agent,
    is_staff=False,
    author_previously_approved=False,
):
    """Return the status a comment with these fields gets, in WordPress's order of rules."""
    if is_staff:
        return Comment.Status.APPROVED
    fields = (name, email, website, text, ip_address, user_agent)
    if _contains_any(settings.COMMENTS_DISALLOWED_WORDS, fields):
        return Comment.Status.SPAM
    max_links = settings.COMMENTS_MAX_LINKS
    if max_links and count_links(text) >= max_links:
        return Comment.Status.PENDING
    if _contains_any(settings.COMMENTS_MODERATION_WORDS, fields):
        return Comment.Status.PENDING
    if not author_previously_approved:
        return Comment.Status.PENDING
    return Comment.Status.APPROVED


def author_previously_approved(name, email, exclude_pk=None):
    """Return True if this name and email already have an approved comment."""
    # Addresses are stored lower-case (Comment.save), so an exact match can use the
    # email index, which email__iexact cannot.
    earlier = Comment.objects.approved().filter(email=email.lower(), name__iexact=name)
    if exclude_pk is not None:
        earlier = earlier.exclude(pk=exclude_pk)
    return earlier.exists()


def decide_for(comment):
    """Return the status the rules give an existing comment (the admin's "check again").

    The admin calls it only for comments not yet approved: a moderator's approval stands.
    """
    return decide_status(
        name=comment.name,
        email=comment.email,
        website=comment.website,
        text=comment.text,
        ip_address=comment.ip_address,
        user_agent=comment.user_agent,
        is_staff=bool(comment.user_id and comment.user.is_staff),
        author_previously_approved=author_previously_approved(
            comment.name, comment.email, exclude_pk=comment.pk
        ),
    )
