from django.contrib import admin
from django.utils import timezone

from .models import BreakingNews


@admin.register(BreakingNews)
class BreakingNewsAdmin(admin.ModelAdmin):
    # Saving here starts a new page cache generation (InvalidateOnStaffWriteMiddleware),
    # so readers see the change on their next page.
    list_display = ["text", "showing_now", "starts_at", "expires_at", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["text"]
    date_hierarchy = "starts_at"
    fields = ["text", "link", "starts_at", "expires_at", "is_active"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("expires_at", BreakingNews.default_expiry())
        return initial

    @admin.display(description="showing now", boolean=True)
    def showing_now(self, banner):
        now = timezone.now()
        return banner.is_active and banner.starts_at <= now < banner.expires_at
