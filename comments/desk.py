"""What the comments app shows on the newsdesk's pages (see ``newsroom.panels``).

The desk's front page: how many comments wait, and the newest three quoted. An article's
change page: its latest comments with their statuses, quick approve / spam / trash
buttons for moderators, and a link to reply on the site. Registered from
``CommentsConfig.ready()``: the articles app knows nothing of comments.
"""

from django.conf import settings
from django.urls import reverse

from newsroom import panels

from .admin import count_label
from .models import Comment
from .moderation import comments_open

# The desk quotes this many of the newest comments waiting for a moderator.
QUOTED = 3
# An article's change page lists this many of its latest comments.
ARTICLE_PANEL_SIZE = 10
# Quotes are cut to this many characters; the full text is on the comment's page.
EXCERPT_CHARS = 140
# The quick buttons: (the value posted, the button's words). The view is CommentAdmin's.
QUICK_ACTIONS = [("approve", "Approve"), ("spam", "Spam"), ("trash", "Trash")]
QUICK_STATUS = {
    "approve": Comment.Status.APPROVED,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
}


def may_view(user):
    return user.has_perm("comments.view_comment") or user.has_perm("comments.change_comment")


def may_moderate(user):
    """Return True if ``user`` may change a comment's status: the quick buttons' rule."""
    return user.has_perm("comments.change_comment") and user.has_perm("comments.can_moderate")


def awaiting_moderation(request, obj=None):
    """The pending queue's (capped) size and its newest comments, for the desk."""
    if not may_view(request.user):
        return None
    cap = settings.COMMENTS_MODERATION_COUNT_CAP
    waiting = Comment.objects.in_moderation()
    counted = waiting.count_up_to(cap)
    newest = []
    if counted:
        # comment_status_idx, read backwards from the newest.
        newest = list(
            waiting.select_related("article")
            .only("name", "text", "created", "article__headline")
            .order_by("-created", "-pk")[:QUOTED]
        )
    return {
        "count": min(counted, cap),
        "more": counted > cap,
        "newest": newest,
        "excerpt_chars": EXCERPT_CHARS,
        "url": reverse("admin:comments_comment_changelist") + "?status=pending",
    }


def latest_for_article(article, number=ARTICLE_PANEL_SIZE):
    """Return ``article``'s ``number`` latest comments, whatever their status, newest first.

    One query a status, each the newest few of comment_article_idx (article, status,
    created): an ORDER BY over all statuses would sort every comment of a busy article.
    """
    shown = ["article", "status", "name", "text", "created", "parent"]
    latest = []
    for status in Comment.Status.values:
        latest += (
            Comment.objects.filter(article=article, status=status)
            .only(*shown)
            .order_by("-created", "-pk")[:number]
        )
    latest.sort(key=lambda comment: (comment.created, comment.pk), reverse=True)
    return latest[:number]


def article_comments(request, article):
    """An article's latest comments, for its change page; buttons for moderators."""
    if article is None or article.pk is None or not may_view(request.user):
        return None
    comments = latest_for_article(article)
    for comment in comments:
        # The buttons for the statuses it could move to, not the one it has.
        comment.quick_actions = [
            (value, label)
            for value, label in QUICK_ACTIONS
            if QUICK_STATUS[value] != comment.status
        ]
    total = count_label(Comment.objects.filter(article=article)) if comments else "0"
    can_reply = article.is_public and comments_open(article)
    return {
        "article": article,
        "comments": comments,
        "total": total,
        "all_url": reverse("admin:comments_comment_changelist")
        + f"?article={article.pk}&status=all",
        "can_moderate": may_moderate(request.user),
        "quick_actions": QUICK_ACTIONS,
        "can_reply": can_reply,
        "article_url": article.get_absolute_url() if can_reply else "",
        "back": request.get_full_path(),
        "excerpt_chars": EXCERPT_CHARS,
    }


def register_panels():
    panels.register(
        "desk",
        "comments_awaiting_moderation",
        "comments/admin/_moderation_panel.html",
        awaiting_moderation,
        50,
    )
    panels.register(
        "article_change",
        "article_comments",
        "comments/admin/_article_comments.html",
        article_comments,
        50,
    )
