from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from .models import Comment
from .moderation import decide_for
from .notices import queue_announcements_for


def count_label(queryset, counted=None):
    """Return how many comments ``queryset`` holds, in words: exact, "1,000+" or "about N"."""
    cap = settings.COMMENTS_MODERATION_COUNT_CAP
    if counted is None:
        counted = queryset.count_up_to(cap)
    if counted <= cap:
        return f"{counted:,}"
    estimate = queryset.estimated_count() if hasattr(queryset, "estimated_count") else None
    if estimate and estimate > cap:
        return f"about {estimate:,}"
    return f"{cap:,}+"


class ModerationPaginator(Paginator):
    """Page through the newest ``COMMENTS_MODERATION_COUNT_CAP`` comments, counting no more.

    Past the cap, narrow the list (status, date, search) to reach older comments; the
    screen says so. ``label`` is what the screen shows for the number. The admin also
    pages a comment's history (log entries) with it.
    """

    @cached_property
    def counted(self):
        cap = settings.COMMENTS_MODERATION_COUNT_CAP
        return self.object_list.order_by()[: cap + 1].count()

    @cached_property
    def count(self):
        return min(self.counted, settings.COMMENTS_MODERATION_COUNT_CAP)

    @property
    def capped(self):
        return self.counted > settings.COMMENTS_MODERATION_COUNT_CAP

    @cached_property
    def label(self):
        return count_label(self.object_list, self.counted)


class StatusFilter(admin.SimpleListFilter):
    """Filter by status, with counts, opening on the pending queue as WordPress does."""

    title = "status"
    parameter_name = "status"
    show_all = "all"

    def lookups(self, request, model_admin):
        return [
            (status, f"{label} ({count_label(Comment.objects.filter(status=status))})")
            for status, label in Comment.Status.choices
        ] + [(self.show_all, f"All ({count_label(Comment.objects.all())})")]

    def value(self):
        return super().value() or Comment.Status.PENDING

    def queryset(self, request, queryset):
        if self.value() == self.show_all:
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        # No "All" without a value: with none, the queue of pending comments shows.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class ArticleFilter(admin.SimpleListFilter):
    """One article's comments: the link under an article's comments in the newsdesk.

    Django's related filter would list every article on every load; this one names only
    the article filtered on, and a number that names none is an empty list, not an error.
    """

    title = "article"
    parameter_name = "article"

    def _article_id(self):
        value = self.value() or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None

    def lookups(self, request, model_admin):
        if self.value() is None:
            return []
        article_id = self._article_id()
        articles = Comment.article.field.related_model.objects
        article = None
        if article_id is not None:
            article = articles.filter(pk=article_id).only("headline").first()
        # Always one choice when a value is given: a filter with none is left out of the
        # list, and its value with it, which would show every comment.
        return [(self.value(), article.headline if article else "No such article")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        article_id = self._article_id()
        if article_id is None:
            return queryset.none()
        return queryset.filter(article_id=article_id)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "author", "article_link", "status", "created", "ip_address"]
    # No date_hierarchy: its links are a DISTINCT over the dates of every comment
    # listed. The "posted" filter (today, past 7 days, this month, this year) asks
    # for nothing until used, and then is a range on the status index.
    list_filter = [StatusFilter, "created", ArticleFilter]
    # The search is get_search_results below; search_fields only shows the box.
    search_fields = ["email"]
    search_help_text = (
        "Search by a whole email address, an IP address, or the beginning of a name. "
        "The text of comments is not searched."
    )
    list_select_related = ["article"]
    list_per_page = 50
    # Newest first, on comment_status_idx; counts are capped, never a full COUNT(*).
    ordering = ["-created", "-pk"]
    paginator = ModerationPaginator
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["approve", "unapprove", "mark_spam", "move_to_trash", "check_again"]
    readonly_fields = [
        "article_link",
        "parent",
        "ip_address",
        "user_agent",
        "user",
        "created",
        "view_on_site_link",
    ]
    fields = [
        "article_link",
        "parent",
        "status",
        "name",
        "email",
        "website",
        "text",
        "ip_address",
        "user_agent",
        "user",
        "created",
        "view_on_site_link",
    ]

    # The quick buttons under an article's comments in the newsdesk (comments/desk.py):
    # each runs the admin action of the same effect on the one comment.
    QUICK_ACTIONS = {"approve": "approve", "spam": "mark_spam", "trash": "move_to_trash"}

    def get_urls(self):
        return [
            path(
                "<path:object_id>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name="comments_comment_moderate",
            ),
        ] + super().get_urls()

    def moderate_view(self, request, object_id):
        """Approve, spam or trash one comment (POST only), then go back to where it was asked.

        The same moderation as the list's actions (the queryset's ``set_status``); the
        page cache starts a new generation after it, as after every staff change
        (``InvalidateOnStaffWriteMiddleware``).
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_change_permission(request) and self.has_moderate_permission(request)):
            raise PermissionDenied
        comment = self.get_object(request, object_id)
        if comment is None:
            raise Http404("No such comment.")
        action = self.QUICK_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            return HttpResponseBadRequest(
                "Unknown action: choose approve, spam or trash.", content_type="text/plain"
            )
        getattr(self, action)(request, Comment.objects.filter(pk=comment.pk))
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:articles_article_change", args=[comment.article_id])
        return HttpResponseRedirect(back)

    def has_add_permission(self, request):
        # Comments come from readers through the form, never from the admin.
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_moderate_permission(request):
            fields.append("status")
        return fields

    def get_queryset(self, request):
        # Each row shows its article by headline: the body and its text copy (some 25 KB
        # a row at archive sizes) stay in the database.
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            .defer("article__body", "article__body_text")
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.moderator_search(search_term), False

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.text).chars(120)

    @admin.display(description="author", ordering="name")
    def author(self, comment):
        return format_html("{}<br><small>{}</small>", comment.name, comment.email)

    @admin.display(description="article", ordering="article__headline")
    def article_link(self, comment):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[comment.article_id]),
            comment.article.headline,
        )

    @admin.display(description="on the site")
    def view_on_site_link(self, comment):
        if not comment.pk:
            return "—"
        if not comment.is_approved:
            return "Not shown to readers until approved."
        return format_html('<a href="{}">Show on the site</a>', comment.get_absolute_url())

    def _moderate(self, request, updated, verb):
        self.message_user(request, f"{verb} {updated} comment(s).", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        newly_approved = obj.is_approved and "status" in form.changed_data
        super().save_model(request, obj, form, change)
        if newly_approved:
            queue_announcements_for(request, [obj.pk])

    @admin.action(description="Approve", permissions=["moderate"])
    def approve(self, request, queryset):
        # Announced to whoever asked (comments/notices.py); the worker passes over the
        # ones that were approved already.
        ids = list(queryset.exclude(status=Comment.Status.APPROVED).values_list("pk", flat=True))
        self._moderate(request, queryset.approve(), "Approved")
        queue_announcements_for(request, ids)

    @admin.action(description="Unapprove", permissions=["moderate"])
    def unapprove(self, request, queryset):
        self._moderate(request, queryset.unapprove(), "Unapproved")

    @admin.action(description="Mark as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset.mark_spam(), "Marked as spam")

    @admin.action(description="Move to trash", permissions=["moderate"])
    def move_to_trash(self, request, queryset):
        self._moderate(request, queryset.move_to_trash(), "Moved to trash")

    @admin.action(
        description="Check again against the moderation rules (skips approved comments)",
        permissions=["moderate"],
    )
    def check_again(self, request, queryset):
        # A moderator's approval stands: re-checked, a first-time author's approved
        # comment would go back to pending, since it cannot vouch for itself.
        decisions = {}
        kept = 0
        for comment in queryset.select_related("user"):
            if comment.status == Comment.Status.APPROVED:
                kept += 1
                continue
            decisions.setdefault(decide_for(comment), []).append(comment.pk)
        for status, ids in decisions.items():
            Comment.objects.filter(pk__in=ids).set_status(status)
        queue_announcements_for(request, decisions.get(Comment.Status.APPROVED, []))
        summary = ", ".join(
            f"{len(ids)} {Comment.Status(status).label.lower()}"
            for status, ids in decisions.items()
        )
        message = f"Checked again: {summary or 'nothing to check'}."
        if kept:
            message += f" {kept} approved comment(s) left as they are."
        self.message_user(request, message)
