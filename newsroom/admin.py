from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.template.defaultfilters import pluralize


@admin.register(AccessAttempt)
class LoginFailureAdmin(AccessAttemptAdmin):
    """Failed admin logins by username and address; deleting a row unlocks it.

    Editors may view and delete (articles.roles.ROLES); nobody adds or edits rows.
    """

    actions = ["unlock"]

    @admin.action(description="Unlock: forget these failed logins", permissions=["delete"])
    def unlock(self, request, queryset):
        names = sorted({attempt.username or attempt.ip_address or "?" for attempt in queryset})
        count, _ = queryset.delete()
        self.message_user(
            request,
            f"Unlocked {', '.join(names)}: forgot {count} failed-login record{pluralize(count)}.",
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None):
        return False
