"""The newsdesk's front page: the articles' panels (see ``newsroom.panels``).

Each panel is one short list read from an index, in a fixed number of queries however
big the archive: the newest few rows of one status (``article_listing_idx``), a range of
publication times, or the author's own bylines (``articleauthor_author_idx``). None
counts more than ``REVIEW_COUNT_CAP`` rows. Each links to the article list filtered to
the same rows (the filters are ``articles.admin``'s).
"""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from newsroom import panels

from .models import Article, Correction
from .roles import can_publish

# How many rows each panel lists; the link shows the rest.
PANEL_SIZE = 5
# The review queue's count stops here ("100+"): a desk that far behind needs the list.
REVIEW_COUNT_CAP = 100
# Fields a panel's row shows: never the body.
ROW_FIELDS = ("headline", "slug", "status", "published_at", "created_at", "modified_at")


def _changelist(query):
    return f"{reverse('admin:articles_article_changelist')}?{query}"


def _may_see_articles(user):
    return user.has_perm("articles.view_article") or user.has_perm("articles.change_article")


def local_day_bounds(now=None):
    """Return (now, the next local midnight): what is left of today in TIME_ZONE."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return now, datetime.combine(tomorrow, time(), tzinfo=timezone.get_current_timezone())


def review_rows():
    """Return the newest articles in review: article_listing_idx, in the list's own order."""
    return (
        Article.objects.filter(status=Article.Status.IN_REVIEW)
        .only(*ROW_FIELDS)
        .order_by("-published_at", "-pk")[:PANEL_SIZE]
    )


def scheduled_today_rows(articles):
    """Return the first of ``articles`` going live before local midnight, soonest first.

    A range of article_listing_idx (status, published_at).
    """
    now, midnight = local_day_bounds()
    return (
        articles.filter(
            status=Article.Status.PUBLISHED, published_at__gt=now, published_at__lt=midnight
        )
        .only(*ROW_FIELDS)
        .order_by("published_at", "pk")[:PANEL_SIZE]
    )


def my_drafts(request, obj=None):
    """The user's own drafts, last saved first."""
    user = request.user
    if not (user.has_perm("articles.add_article") or user.has_perm("articles.change_article")):
        return None
    drafts = (
        Article.objects.filter(authorships__author=user, status=Article.Status.DRAFT)
        .only(*ROW_FIELDS)
        .order_by("-modified_at", "-pk")[:PANEL_SIZE]
    )
    return {"articles": list(drafts), "more_url": _changelist("workflow=draft&author=mine")}


def in_review(request, obj=None):
    """For editors: what waits for review, newest first, with how many wait."""
    if not can_publish(request.user):
        return None
    waiting = Article.objects.filter(status=Article.Status.IN_REVIEW)
    counted = waiting.order_by()[: REVIEW_COUNT_CAP + 1].count()
    rows = review_rows()
    return {
        "articles": list(rows) if counted else [],
        "count": min(counted, REVIEW_COUNT_CAP),
        "more": counted > REVIEW_COUNT_CAP,
        "url": _changelist("workflow=review"),
    }


def scheduled_today(request, obj=None):
    """What goes live between now and local midnight, soonest first, with its time."""
    if not _may_see_articles(request.user):
        return None
    rows = scheduled_today_rows(Article.objects.visible_to(request.user))
    return {"articles": list(rows), "more_url": _changelist("workflow=today")}


def latest_published(request, obj=None):
    """The newest live articles (the user's own, for reporters)."""
    if not _may_see_articles(request.user):
        return None
    rows = (
        Article.objects.visible_to(request.user)
        .published()
        .only(*ROW_FIELDS)
        .order_by("-published_at", "-pk")[:PANEL_SIZE]
    )
    return {"articles": list(rows), "more_url": _changelist("workflow=live")}


def corrections_this_week(request, obj=None):
    """Corrections and clarifications added in the past 7 days, newest first."""
    if not _may_see_articles(request.user):
        return None
    since = timezone.now() - timedelta(days=7)
    corrections = Correction.objects.filter(created__gte=since)
    if not can_publish(request.user):
        corrections = corrections.filter(article__authorships__author=request.user)
    rows = (
        corrections.select_related("article")
        .only("kind", "text", "created", "article__headline")
        .order_by("-created", "-pk")[:PANEL_SIZE]
    )
    return {"corrections": list(rows), "more_url": _changelist("corrected=7d")}


def register_panels():
    panels.register("desk", "my_drafts", "admin/articles/desk/_my_drafts.html", my_drafts, 10)
    panels.register("desk", "in_review", "admin/articles/desk/_in_review.html", in_review, 20)
    panels.register(
        "desk", "scheduled_today", "admin/articles/desk/_scheduled.html", scheduled_today, 30
    )
    panels.register(
        "desk", "latest_published", "admin/articles/desk/_published.html", latest_published, 40
    )
    panels.register(
        "desk",
        "corrections",
        "admin/articles/desk/_corrections.html",
        corrections_this_week,
        60,
    )
