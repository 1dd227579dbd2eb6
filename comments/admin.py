from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from .models import Comment
from .moderation import decide_for


class StatusFilter(admin.SimpleListFilter):
    """Filter by status, with counts, opening on the pending queue as WordPress does."""

    title = "status"
    parameter_name = "status"
    show_all = "all"

    def lookups(self, request, model_admin):
        counts = dict(Comment.objects.order_by().values_list("status").annotate(total=Count("pk")))
        return [
            (status, f"{label} ({counts.get(status, 0)})")
            for status, label in Comment.Status.choices
        ] + [(self.show_all, f"All ({sum(counts.values())})")]

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
    list_filter = [StatusFilter, "created"]
    search_fields = ["name", "email", "text", "ip_address"]
    date_hierarchy = "created"
    list_select_related = ["article", "user"]
    list_per_page = 50
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

    @admin.action(description="Approve", permissions=["moderate"])
    def approve(self, request, queryset):
        self._moderate(request, queryset.approve(), "Approved")

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
            Comment.objects.filter(pk__in=ids).update(status=status)
        summary = ", ".join(
            f"{len(ids)} {Comment.Status(status).label.lower()}"
            for status, ids in decisions.items()
        )
        message = f"Checked again: {summary or 'nothing to check'}."
        if kept:
            message += f" {kept} approved comment(s) left as they are."
        self.message_user(request, message)
