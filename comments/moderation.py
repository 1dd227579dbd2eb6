"""The moderation rules: whether comments are open, and what status a new comment gets.

The decision is a plain function of the comment's fields and two facts about its author,
so the posting view and the admin's "check again" action apply exactly the same rules.
Words and names are compared as readers read them (``comments.text``): tags, invisible
characters, styled or full-width letters and case do not hide a word, and lookalike
letters from other scripts do not hide a name.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from newsroom.caching import remembered

from .models import Comment
from .text import as_read, reading_key, tallest_stack

logger = logging.getLogger(__name__)

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
    """Return True if any word occurs in any value, ignoring case (WordPress's rule).

    Each value is searched as sent and as readers read it (``as_read``), so
    ``via<b></b>gra``, ``ｖｉａｇｒａ`` and a soft hyphen inside the word are caught too.
    """
    haystacks = []
    for value in values:
        if value:
            haystacks += [str(value).casefold(), as_read(value)]
    for word in words:
        needles = {word.strip().casefold(), as_read(word.strip())} - {""}
        if any(needle in haystack for needle in needles for haystack in haystacks):
            return True
    return False


# The staff's names, as reading keys, kept in the cache so that a post costs the same
# queries however many users the site has; emptied whenever a user is saved or deleted
# (CommentsConfig.ready), and refreshed after an hour in case a bulk update did not say.
STAFF_NAMES_CACHE_KEY = "comments:staff-name-keys"
STAFF_NAMES_CACHE_SECONDS = 60 * 60


def staff_name_keys():
    """Return the reading keys of every staff account's username and full name.

    A cache that cannot be reached costs a query, never the post.
    """
    return remembered(
        lambda: STAFF_NAMES_CACHE_KEY,
        _read_staff_name_keys,
        lambda: STAFF_NAMES_CACHE_SECONDS,
        "the staff's names",
    )


def _read_staff_name_keys():
    user_model = get_user_model()
    accounts = user_model.objects.filter(Q(is_staff=True) | Q(is_superuser=True))
    keys = set()
    for username, first_name, last_name in accounts.values_list(
        user_model.USERNAME_FIELD, "first_name", "last_name"
    ):
        keys.update(reading_key(value) for value in (username, f"{first_name} {last_name}"))
    keys.discard("")
    return keys


def forget_staff_names(sender, instance=None, update_fields=None, **kwargs):
    """Empty the cached staff names when a user changes (a login changes nothing here).

    A cache that cannot be reached must not stop the save: the names it holds then
    expire within STAFF_NAMES_CACHE_SECONDS.
    """
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    try:
        cache.delete(STAFF_NAMES_CACHE_KEY)
    except Exception:
        logger.exception("Could not forget the staff's names kept in the cache.")


def _reads_as(key, phrase):
    """Return True if reading key ``key`` holds ``phrase`` as whole words, or spells it."""
    return f" {phrase} " in f" {key} " or key.replace(" ", "") == phrase.replace(" ", "")


def impersonates_staff(name):
    """Return True if ``name`` reads like a reserved name, the site's or a staff member's.

    Reserved names (``COMMENTS_RESERVED_NAMES``, ``SITE_NAME``, the site name set in the
    admin) and staff full names of two words or more count anywhere in the name ("Jane,
    Site Admin"); a username or a one-word name only as the whole name, so a staff
    account "rita" holds back "Rita" but not "Rita Jones".
    """
    key = reading_key(name)
    if not key:
        return False
    # The name editors gave the site (pages.SiteSettings, cached) as well as the server's.
    from pages import furniture

    reserved = [
        *settings.COMMENTS_RESERVED_NAMES,
        settings.SITE_NAME,
        furniture.current().site_name,
    ]
    if any(_reads_as(key, reading_key(word)) for word in reserved if reading_key(word)):
        return True
    spelled = key.replace(" ", "")
    for staff_key in staff_name_keys():
        if spelled == staff_key.replace(" ", ""):
            return True
        if " " in staff_key and f" {staff_key} " in f" {key} ":
            return True
    return False


def has_tall_stacks(*values):
    """Return True if a character in any value carries the most combining marks allowed.

    The form trims taller stacks to the cap, so a trimmed comment still shows a stack
    at the cap: holding at the cap gives "check again" the same answer as the post.
    Everyday writing stays below it (Vietnamese uses two marks, pointed Hebrew three).
    """
    cap = settings.COMMENTS_MAX_COMBINING_MARKS
    return any(tallest_stack(value) >= cap for value in values if value)


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
    # Held even from a known author: a returning commenter may still take a staff name.
    if impersonates_staff(name) or has_tall_stacks(name, text):
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
