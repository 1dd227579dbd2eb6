from django.conf import settings
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
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


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "author", "article_link", "status", "created", "ip_address"]
    # No date_hierarchy: its links are a DISTINCT over the dates of every comment
    # listed. The "posted" filter (today, past 7 days, this month, this year) asks
    # for nothing until used, and then is a range on the status index.
    list_filter = [StatusFilter, "created"]
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
