from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse

from articles import editor

from .forms import PageAdminForm
from .models import Page, SiteSettings


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    """About, Contact, Terms…: editors write them in the articles' editor.

    Saving moves the page cache to a new generation (any staff write does), so the
    footer, the navigation and the page itself change at once.
    """

    form = PageAdminForm
    list_display = ["title", "address", "status", "show_in_navigation", "order", "updated_at"]
    list_editable = ["order"]
    list_filter = ["status", "show_in_navigation"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "body"]}),
        ("Publishing", {"fields": ["status", "show_in_navigation", "order"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="address", ordering="slug")
    def address(self, page):
        return page.get_absolute_url()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            # For the object tools (templates/admin/pages/page/).
            context["preview_url"] = reverse("pages:preview", args=[obj.pk])
        response = super().render_change_form(request, context, add, change, form_url, obj)
        return editor.allow_editor_on_page(response, context["adminform"].form)


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """The one row of site settings: never a second, never deleted; no list, the form."""

    # Editors paste "mastodon.social/@paper" as often as a full address.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    autocomplete_fields = ["logo"]
    fieldsets = [
        ("Masthead", {"fields": ["site_name", "tagline", "logo"]}),
        ("Footer", {"fields": ["footer_text", "contact_email"]}),
        (
            "Address",
            {
                "fields": ["street_address", "locality", "region", "postal_code", "country"],
                "description": "The organisation's address, as search engines are told it.",
            },
        ),
        (
            "Social profiles",
            {
                "fields": list(SiteSettings.SOCIAL_FIELDS),
                "description": "Full addresses of the site's profiles; blank ones are not shown.",
            },
        ),
        ("Sections", {"fields": ["default_section_slug"]}),
    ]

    def has_add_permission(self, request):
        # The row is made by the migration, and by the change form if it was removed.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        """Return the row, or blank settings the form's save will store as the row."""
        if str(object_id) != str(SiteSettings.SINGLETON_PK):
            return None
        return SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).first() or SiteSettings(
            pk=SiteSettings.SINGLETON_PK
        )

    def changelist_view(self, request, extra_context=None):
        # A list of one row is a click for nothing: go straight to the form.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect("admin:pages_sitesettings_change", SiteSettings.SINGLETON_PK)
