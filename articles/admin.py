from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.template.defaultfilters import filesizeformat, pluralize
from django.utils import timezone
from django.utils.html import format_html

from .forms import ArticleAdminForm, ImageForm
from .models import Article, Image, Tag, articles_using_image
from .templatetags.articles_tags import picture


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
    list_display = [
        "thumbnail",
        "alt_text",
        "caption",
        "credit",
        "dimensions",
        "size_on_disk",
        "usage",
        "created",
    ]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["preview", "dimensions", "size_on_disk", "usage", "uploaded_by", "created"]
    date_hierarchy = "created"
    list_select_related = ["uploaded_by"]
    fieldsets = [
        (None, {"fields": ["file", "preview", "alt_text", "caption", "credit"]}),
        ("Focal point", {"fields": ["focal_x", "focal_y"]}),
        (
            "About the file",
            {"fields": ["dimensions", "size_on_disk", "usage", "uploaded_by", "created"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(num_articles=articles_using_image())
            .prefetch_related("renditions")
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if "file" in form.changed_data:
            if change:
                obj.discard_renditions()
            # Made after the upload commits, so readers never wait for them.
            transaction.on_commit(obj.create_renditions)
        elif {"focal_x", "focal_y"} & set(form.changed_data):
            obj.discard_renditions(crops_only=True)
            transaction.on_commit(obj.create_renditions)

    def get_deleted_objects(self, objs, request):
        # Featured images are protected by the database (on_delete=PROTECT); an image in
        # an article's body is protected here, since deleting it would break the article.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_bodies = Article.objects.filter(body_images__in=list(objs)).distinct()
        protected = list(protected) + [
            format_html("Article (picture in the body): {}", article) for article in in_bodies
        ]
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        names = obj.stored_file_names()
        super().delete_model(request, obj)
        self._delete_files_after_commit(names)

    def delete_queryset(self, request, queryset):
        names = [name for image in queryset for name in image.stored_file_names()]
        super().delete_queryset(request, queryset)
        self._delete_files_after_commit(names)

    def _delete_files_after_commit(self, names):
        storage = Image._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])

    @admin.display(description="picture")
    def thumbnail(self, image):
        return picture(image, crop="1:1", max_width=320, sizes="80px", alt="")

    @admin.display(description="preview")
    def preview(self, image):
        if not image.pk or not image.file:
            return "—"
        return picture(image, sizes="480px")

    @admin.display(description="size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}" if image.width else "—"

    @admin.display(description="file size", ordering="file_size")
    def size_on_disk(self, image):
        return filesizeformat(image.file_size) if image.file_size else "—"

    @admin.display(description="used in", ordering="num_articles")
    def usage(self, image):
        count = getattr(image, "num_articles", None)
        if count is None:
            count = (
                image.pk
                and Image.objects.filter(pk=image.pk).values_list(
                    articles_using_image(), flat=True
                )[0]
            )
        if not count:
            return "not used"
        return f"used in {count} article{pluralize(count)}"


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
