from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html

from .forms import ArticleAdminForm, ImageForm
from .models import Article, Image, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=Count("articles"))

    @admin.display(description="articles", ordering="num_articles")
    def article_count(self, tag):
        return tag.num_articles


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "alt_text", "caption", "credit", "dimensions", "created"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["preview", "dimensions", "uploaded_by", "created"]
    date_hierarchy = "created"
    list_select_related = ["uploaded_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="picture")
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="" width="80" height="{}" style="object-fit:cover">',
            image.file.url,
            round(80 * image.height / image.width) if image.width else 80,
        )

    @admin.display(description="preview")
    def preview(self, image):
        if not image.file:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" style="max-width:480px;height:auto">',
            image.file.url,
            image.alt_text,
        )

    @admin.display(description="size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}" if image.width else "—"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["headline", "status_label", "published_at", "author_names"]
    list_filter = ["status", "published_at", "tags"]
    search_fields = ["headline", "standfirst", "body", "byline"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["featured_image", "tags"]
    list_select_related = ["featured_image"]
    readonly_fields = ["updated_at", "created_at", "modified_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        ("Picture", {"fields": ["featured_image"]}),
        ("Bylines and tags", {"fields": ["authors", "byline", "tags"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "allow_comments", "updated_at", "created_at"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Only newsroom staff write articles; a plain list also spares editors the
        # permission to browse user accounts that an autocomplete would need.
        if db_field.name == "authors":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.authors.exists():
            form.instance.authors.add(request.user)

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        if article.status == Article.Status.PUBLISHED and article.published_at > timezone.now():
            return f"Scheduled for {timezone.localtime(article.published_at):%Y-%m-%d %H:%M}"
        return article.get_status_display()

    @admin.display(description="authors")
    def author_names(self, article):
        return article.display_byline

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.publish()
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected articles", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish()
        self.message_user(request, f"Moved {count} article(s) back to draft.", messages.SUCCESS)
