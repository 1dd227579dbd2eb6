from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat, pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from newsroom import pagecache

from . import body_checks, editor, presence, preview, renditions, revisions
from .desk import local_day_bounds
from .forms import (
    ArticleAdminForm,
    ArticleAuthorForm,
    AuthorChoiceField,
    BylineFormSet,
    CorrectionForm,
    FrontPagePinForm,
    ImageForm,
    PictureSearchForm,
    PictureUploadForm,
    RestoreRevisionForm,
)
from .models import (
    Article,
    ArticleAuthor,
    AuthorProfile,
    Correction,
    FrontPagePin,
    Image,
    Redirect,
    Section,
    Tag,
    articles_using_image,
)
from .models.article import READING_WORDS_PER_MINUTE, person_name
from .pagination import CappedCountPaginator
from .roles import can_publish
from .storage import originals_storage
from .templatetags.articles_tags import picture
from .widgets import PictureChooserAdminMixin, picture_thumbnail

# Pictures on one page of the picture chooser: four rows of six at 1280 pixels.
CHOOSER_PAGE_SIZE = 24


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Every old address the site answers with a 301: slug changes and imports alike."""

    list_display = ["old_path", "destination", "origin", "created"]
    list_filter = ["origin"]
    # A prefix search ("^"), which the unique index serves; no scan of the table.
    search_fields = ["^old_path"]
    autocomplete_fields = ["article"]
    list_select_related = ["article"]
    fields = ["old_path", "article", "target"]

    @admin.display(description="leads to")
    def destination(self, redirect):
        return redirect.destination_display()


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    ordering = ["name"]
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=Count("articles"))

    @admin.display(description="articles", ordering="num_articles")
    def article_count(self, tag):
        # The article list's tag filter is reached from here: it lists no tags itself.
        url = reverse("admin:articles_article_changelist")
        return format_html('<a href="{}?tag={}">{}</a>', url, tag.slug, tag.num_articles)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    """The site's sections; editors only (articles/roles.py), reporters may look."""

    list_display = ["name", "slug", "order", "show_in_navigation", "is_default"]
    list_editable = ["order", "show_in_navigation"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "order", "show_in_navigation"]

    @admin.display(description="default", boolean=True)
    def is_default(self, section):
        # Articles with no section show under it: NEWS_DEFAULT_SECTION in settings.
        return section.is_default


@admin.register(FrontPagePin)
class FrontPagePinAdmin(admin.ModelAdmin):
    """What leads the front page: a pinned lead and ordered top stories, each may expire.

    Editors only: every permission of the articles app is theirs (articles/roles.py);
    reporters have none of this model's.
    """

    form = FrontPagePinForm
    list_display = ["article", "kind", "position", "expires_at", "showing", "pinned_by_name"]
    list_editable = ["position"]
    list_filter = ["kind"]
    list_select_related = ["article", "pinned_by"]
    ordering = ["kind", "position", "-pk"]
    autocomplete_fields = ["article"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.pinned_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="pinned by", ordering="pinned_by__first_name")
    def pinned_by_name(self, pin):
        return person_name(pin.pinned_by) if pin.pinned_by else "—"

    @admin.display(description="on the front page now")
    def showing(self, pin):
        # Said with the rule the front page itself uses (Article.is_public_state).
        if pin.expires_at is not None and pin.expires_at <= timezone.now():
            return "No: expired"
        if pin.article.is_public:
            return "Yes"
        if pin.article.is_scheduled:
            return "Not yet: the article is scheduled"
        return "No: the article is not published"


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = [
        "thumbnail",
        "alt_or_missing",
        "caption",
        "credit",
        "dimensions",
        "size_on_disk",
        "usage",
        "created",
    ]
    list_display_links = ["thumbnail", "alt_or_missing"]
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

    def get_urls(self):
        return [
            path(
                "choose/",
                self.admin_site.admin_view(self.chooser_view),
                name="articles_image_choose",
            ),
        ] + super().get_urls()

    def chooser_view(self, request):
        """Search and page through the library, or upload a picture into it.

        Template: ``admin/articles/image/chooser.html``, a normal admin page (every
        picture shows its number, for the chooser's field without JavaScript), whose
        ``[data-picture-library]`` part admin-chooser.js shows in a dialog on the form.
        Context: ``pictures`` (pairs of picture and thumbnail), ``search_form``,
        ``next_before`` (the next page's key), ``searched`` (the lowest and highest
        picture numbers a search looked through), ``upload_form`` (None without the add
        permission) and ``uploaded`` (the picture just added, to choose it at once).
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        can_upload = self.has_add_permission(request)
        upload_form = PictureUploadForm() if can_upload else None
        if request.method == "POST":
            if not can_upload:
                raise PermissionDenied
            upload_form = PictureUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                image = upload_form.save(commit=False)
                self.save_model(request, image, upload_form, change=False)
                self.log_addition(request, image, [{"added": {}}])
                choose_url = reverse("admin:articles_image_choose")
                return redirect(f"{choose_url}?uploaded={image.pk}")
        search_form = PictureSearchForm(request.GET)
        search = search_form.cleaned_data if search_form.is_valid() else {}
        page = Image.objects.chooser_page(
            search.get("q", ""), search.get("before"), size=CHOOSER_PAGE_SIZE
        )
        uploaded = None
        if request.GET.get("uploaded", "").isdigit():
            uploaded_pk = int(request.GET["uploaded"])
            uploaded = next((p for p in page.pictures if p.pk == uploaded_pk), None)
        context = {
            **self.admin_site.each_context(request),
            "title": "Choose a picture",
            "opts": self.opts,
            "pictures": [(image, picture_thumbnail(image)) for image in page.pictures],
            "search_form": search_form,
            "query": search.get("q", ""),
            "next_before": page.next_before,
            "searched": page.searched,
            "is_first_page": not search.get("before"),
            "upload_form": upload_form,
            "uploaded": uploaded,
        }
        return TemplateResponse(request, "admin/articles/image/chooser.html", context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        # A saved picture keeps its file (ImageForm): replacing it would leave articles
        # pointing at a file the library no longer knows. A new picture is a new upload.
        (name, options), *rest = fieldsets
        fields = [field for field in options["fields"] if field != "file"]
        return [(name, {**options, "fields": fields}), *rest]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            # The task worker makes them after the upload commits: a 40 MP picture
            # takes seconds and hundreds of megabytes, which no request may spend.
            renditions.queue([obj.pk], again=True)
        elif {"focal_x", "focal_y"} & set(form.changed_data):
            obj.discard_crops()
            renditions.queue([obj.pk], again=True)

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
        self.delete_queryset(request, Image.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        images = list(queryset)
        originals = [image.file.name for image in images]
        rendition_names = [name for image in images for name in image.rendition_file_names()]
        super().delete_queryset(request, queryset)

        def delete_files():
            # Originals live in private storage, renditions in public (articles/storage.py).
            for name in originals:
                originals_storage().delete(name)
            for name in rendition_names:
                default_storage.delete(name)

        transaction.on_commit(delete_files)

    @admin.display(description="picture")
    def thumbnail(self, image):
        return self._status(image) or picture(
            image, crop="1:1", max_width=320, sizes="80px", alt=""
        )

    @admin.display(description="preview")
    def preview(self, image):
        if not image.pk or not image.file:
            return "—"
        status = self._status(image)
        if status:
            return status
        # The original's size: admin-focal-point.js works out the crops from it with
        # the rule images.crop_box uses, and shows them on this (full-shape) preview.
        return format_html(
            '<div class="focal-point-picture" data-focal-point data-width="{}" data-height="{}">'
            "{}</div>",
            image.width,
            image.height,
            picture(image, sizes="480px"),
        )

    @staticmethod
    def _status(image):
        """Say why a picture shows no copy: damaged, or still being made by the worker."""
        if image.damaged:
            return format_html(
                "<strong>{}</strong>",
                "This file is damaged and cannot be shown: upload the picture again.",
            )
        if not image.renditions.all():
            # Renditions are prefetched (get_queryset): this costs no query.
            return "Waiting for the task worker to make the copies readers get…"
        return ""

    @admin.display(description="alt text", ordering="alt_text")
    def alt_or_missing(self, image):
        # Pictures uploaded from the editor start without one (admin_views.py); the list
        # says so rather than showing an empty link.
        return image.alt_text or "(no alt text yet)"

    @admin.display(description="size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}" if image.width else "—"

    @admin.display(description="file size", ordering="file_size")
    def size_on_disk(self, image):
        return filesizeformat(image.file_size) if image.file_size else "—"

    @admin.display(description="used in", ordering="num_articles")
    def usage(self, image):
        # get_queryset annotates every saved image; only the add form's new one has none.
        count = getattr(image, "num_articles", 0)
        if not count:
            return "not used"
        return f"used in {count} article{pluralize(count)}"


class WorkflowFilter(admin.SimpleListFilter):
    """Where articles are in the newsdesk's workflow, including "scheduled"."""

    title = "workflow"
    parameter_name = "workflow"

    def lookups(self, request, model_admin):
        return [
            ("review", "Needs review"),
            ("draft", "Drafts"),
            ("scheduled", "Scheduled"),
            ("today", "Scheduled today"),
            ("live", "Live"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status=Article.Status.IN_REVIEW)
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "today":
            # What the desk's "Scheduled today" panel lists: from now to local midnight.
            now, midnight = local_day_bounds()
            return queryset.scheduled().filter(published_at__gt=now, published_at__lt=midnight)
        if self.value() == "live":
            return queryset.published()
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    """The user's own articles: the desk's "My drafts" links here."""

    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return [("mine", "Mine")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            # EXISTS on articleauthor_author_idx: no JOIN to make DISTINCT.
            return queryset.filter(
                Exists(ArticleAuthor.objects.filter(article=OuterRef("pk"), author=request.user))
            )
        return queryset


class CorrectedFilter(admin.SimpleListFilter):
    """Articles given a correction or clarification lately (the desk's corrections panel)."""

    title = "corrected"
    parameter_name = "corrected"

    def lookups(self, request, model_admin):
        return [("7d", "In the past 7 days")]

    def queryset(self, request, queryset):
        if self.value() == "7d":
            since = timezone.now() - timedelta(days=7)
            recent = Correction.objects.filter(article=OuterRef("pk"), created__gte=since)
            return queryset.filter(Exists(recent))
        return queryset


class TagFilter(admin.SimpleListFilter):
    """Articles with one tag, chosen from the tag list's "articles" links.

    Django's related filter would list every tag (500 at scale) on every load of the
    article list; this one shows only the tag being filtered on.
    """

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tag = Tag.objects.filter(slug=self.value()).first() if self.value() else None
        return [(tag.slug, tag.name)] if tag else []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


class ArticleAuthorInline(admin.TabularInline):
    """The byline's authors, in order; editable by whoever may edit the article."""

    model = ArticleAuthor
    form = ArticleAuthorForm
    formset = BylineFormSet
    fields = ["author", "position"]
    extra = 1
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order; none means you)"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            # Staff write the articles; people who have left keep their old bylines.
            # A plain list needs no permission on users, which an autocomplete would.
            # EXISTS on the authorships' author index, not a JOIN made DISTINCT: that
            # read every byline of the archive (60 ms at 100,000 articles) per form.
            has_bylines = Exists(ArticleAuthor.objects.filter(author=OuterRef("pk")))
            kwargs["queryset"] = get_user_model().objects.filter(Q(is_staff=True) | Q(has_bylines))
            # Full names in name order, usernames only for namesakes; sorted as labelled
            # by the field, so the query needs no ORDER BY.
            kwargs["form_class"] = AuthorChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # The authors are part of the article: whoever may edit the article may edit them,
    # with no separate permissions on the through model.
    def _article_admin(self):
        return self.admin_site.get_model_admin(Article)

    def has_view_permission(self, request, obj=None):
        return self._article_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        article_admin = self._article_admin()
        if obj is None:
            return article_admin.has_add_permission(request)
        return article_admin.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class CorrectionInline(admin.StackedInline):
    """Corrections and clarifications: for editors, on published articles."""

    model = Correction
    form = CorrectionForm
    fields = ["kind", "text", "created"]
    extra = 0


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "bio"]
    ordering = ["user__first_name", "user__last_name", "user__username"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "bio"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    @admin.display(description="name", ordering="user__first_name")
    def name(self, profile):
        return person_name(profile.user)


@admin.register(Article)
class ArticleAdmin(PictureChooserAdminMixin, admin.ModelAdmin):
    """The newsdesk. Reporters write and submit; editors review, schedule and publish.

    Every rule is enforced here on the server (queryset, object permissions, form
    validation, action permissions), so a hand-made POST gets no further than the
    buttons a reporter is shown.
    """

    form = ArticleAdminForm
    list_display = ["headline", "section", "status_label", "published_at", "author_names"]
    # Filtering by section reads article_section_recent_idx, in the list's own order.
    list_filter = [
        WorkflowFilter,
        "status",
        AuthorFilter,
        "section",
        "published_at",
        CorrectedFilter,
        TagFilter,
    ]
    # Rendering a row costs the admin about 1 ms here: 50 keep the list inside its budget.
    list_per_page = 50
    # Searched through ArticleQuerySet.search (get_search_results), not one LIKE per field.
    search_fields = ["headline", "standfirst", "body_text"]
    # At 100,000 articles the list must not count them all on every load: the paginator
    # counts up to its cap, there is no "N total" link, filters show no counts, and there
    # is no date_hierarchy (its top level is a DISTINCT over every article's year); the
    # publication date filter ("Past 7 days", "This month"…) is its cheap stand-in.
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags"]
    # Every ForeignKey to Image on the form: a thumbnail and the library's chooser.
    picture_chooser_fields = ["featured_image", "social_image"]
    list_select_related = ["featured_image", "section"]
    readonly_fields = ["body_length", "updated_at", "created_at", "modified_at"]
    actions = ["submit_for_review", "publish", "unpublish"]

    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body", "body_length"]}),
        ("Picture", {"fields": ["featured_image"]}),
        (
            "Search and sharing",
            {
                "fields": ["seo_title", "meta_description", "social_image"],
                "description": "Optional. Left empty, search results and link previews use "
                "the headline, the standfirst and the featured picture.",
            },
        ),
        ("Section, byline and tags", {"fields": ["section", "byline", "tags"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "minor_edit",
                    "allow_comments",
                    "updated_at",
                    "created_at",
                ]
            },
        ),
    ]

    class Media:
        # Progressive enhancement only; the form works without any of them. The writing
        # aids (full-width headline and standfirst, live counts, the slug's address as it
        # is typed, names for select2's boxes), then the locking ones (the presence mark
        # kept fresh, the form's text kept in the browser until it is saved).
        css = {"all": ["css/admin-writing.css", "css/admin-locking.css"]}
        js = [
            "js/admin-counters.js",
            "js/admin-labels.js",
            "js/admin-locking.js",
            "js/admin-drafts.js",
        ]

    # --- Who may do what -------------------------------------------------------------

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def _is_own(self, request, article):
        return article.authorships.filter(author=request.user).exists()

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("authorships__author")
        return queryset.visible_to(request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if not allowed or obj is None or self.has_publish_permission(request):
            return allowed
        return self._is_own(request, obj)

    def get_search_results(self, request, queryset, search_term):
        # The readers' search, on its full-text index (articles/search.py), over every
        # article whatever its status; the list's own filters and order then apply. Like
        # readers, editors see at most search.MAX_RESULTS matches: the best, or for a
        # word in most articles the newest.
        if not search_term.strip():
            return queryset, False
        return queryset.filter(pk__in=Article.objects.search(search_term).ids()), False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or self.has_publish_permission(request):
            return allowed
        return obj.status != Article.Status.PUBLISHED and self._is_own(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields.append("published_at")
        return fields

    def get_inlines(self, request, obj):
        # The admin's only source of inlines: corrections belong to published articles.
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            return [ArticleAuthorInline, CorrectionInline]
        return [ArticleAuthorInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.can_publish = self.has_publish_permission(request)
        form.address_root = f"{request.scheme}://{request.get_host()}"
        return form

    # --- Saving ----------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        for _attempt in range(2):
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except Article.EditConflict:
                # Another save committed between the form's version check and this
                # one's UPDATE: the admin's transaction rolled everything back (inlines
                # too). Run the view again: it now reads the new version, and the form
                # refuses the save with the diff, keeping the user's text.
                continue
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.save(minor_edit=form.cleaned_data.get("minor_edit", False))
        # Warnings, not refusals: the article is saved, and the desk decides.
        problems = body_checks.body_problems(obj.body)
        if problems:
            self.message_user(
                request,
                # One line a problem: a nested list would take the admin's message
                # styling (every <li> in the message list gets an icon and a colour).
                format_html(
                    "Saved, but the body has {} that readers using a screen reader will meet:{}",
                    "a problem" if len(problems) == 1 else f"{len(problems)} problems",
                    format_html_join(
                        "",
                        "<br>{}. {}",
                        ((number, problem) for number, problem in enumerate(problems, 1)),
                    ),
                ),
                messages.WARNING,
            )

    # After a save that went through, the browser may forget the text it kept for the
    # form (static/js/admin-drafts.js reads this cookie on the next admin page).
    SAVED_DRAFT_COOKIE = "newsroom_saved_draft"

    def _forget_kept_text(self, request, response, key):
        response.set_cookie(
            self.SAVED_DRAFT_COOKIE, key, max_age=600, path="/admin/", samesite="Lax"
        )
        return response

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self._forget_kept_text(request, response, f"{request.user.pk}-new")

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return self._forget_kept_text(request, response, f"{request.user.pk}-{obj.pk}")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        # Asked of the table, not of article.authorships: the change view prefetched
        # that before the inline saved.
        if not ArticleAuthor.objects.filter(article=article).exists():
            article.authors.add(request.user)
        # Last, once tags, authors and corrections are saved, and inside the admin's
        # transaction: the revision is exactly what was stored.
        revisions.record(article, request.user)

    # --- Columns and links -----------------------------------------------------------

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        if article.is_scheduled:
            return f"Scheduled for {timezone.localtime(article.published_at):%Y-%m-%d %H:%M}"
        return article.get_status_display()

    @admin.display(description="authors")
    def author_names(self, article):
        return article.display_byline

    @admin.display(description="length")
    def body_length(self, article):
        # Counted from the stored body; the script counts what is typed (admin-counters.js).
        words = article.word_count if article and article.pk else 0
        minutes = article.reading_minutes if words else 0
        return format_html(
            '<span class="body-length" data-words-per-minute="{}">{}</span>',
            READING_WORDS_PER_MINUTE,
            f"{words:,} word{pluralize(words)}, about {minutes} minute{pluralize(minutes)} to read"
            if words
            else "No words yet.",
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            # For the object tools (templates/admin/articles/article/).
            context["preview_url"] = reverse("articles:preview", args=[obj.pk])
            context["share_url"] = request.build_absolute_uri(preview.share_path(obj))
            context["share_hours"] = preview.link_hours()
            context["revisions_url"] = reverse("admin:articles_article_revisions", args=[obj.pk])
            if request.method == "GET":
                context["others_here"] = presence.mark_open(obj.pk, request.user)
                context["presence_url"] = reverse("admin:articles_article_presence", args=[obj.pk])
            # For admin-drafts.js: whose kept text, of which article.
            context["draft_key"] = f"{request.user.pk}-{obj.pk}"
        elif add:
            context["draft_key"] = f"{request.user.pk}-new"
        response = super().render_change_form(request, context, add, change, form_url, obj)
        return editor.allow_editor_on_page(response, context["adminform"].form)

    # --- Actions ---------------------------------------------------------------------
    # Each in one transaction: a status change is never stored without its revisions.

    @admin.action(description="Submit selected drafts for review", permissions=["change"])
    @transaction.atomic
    def submit_for_review(self, request, queryset):
        submitted = 0
        for article in queryset.filter(status=Article.Status.DRAFT):
            if self.has_change_permission(request, article):
                article.status = Article.Status.IN_REVIEW
                article.save()
                revisions.record(article, request.user, note="Submitted for review")
                submitted += 1
        self.message_user(request, f"Submitted {submitted} article(s) for review.")

    @admin.action(description="Publish selected articles", permissions=["publish"])
    @transaction.atomic
    def publish(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        count = Article.objects.filter(pk__in=ids).publish()
        self._record_each(request, ids, "Published")
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    @transaction.atomic
    def unpublish(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        count = Article.objects.filter(pk__in=ids).unpublish()
        self._record_each(request, ids, "Unpublished")
        self.message_user(request, f"Moved {count} article(s) back to draft.", messages.SUCCESS)

    def _record_each(self, request, ids, note):
        articles = Article.objects.filter(pk__in=ids).select_related("featured_image")
        for article in articles:
            revisions.record(article, request.user, note=note)

    # --- Revisions -------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/",
                self.admin_site.admin_view(self.revision_view),
                name="articles_article_revision",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                self.admin_site.admin_view(self.restore_published_view),
                name="articles_article_restore",
            ),
            path(
                "<path:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name="articles_article_presence",
            ),
        ] + super().get_urls()

    def _article_or_403(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def revisions_view(self, request, object_id):
        """List an article's revisions: who saved it, when, and which fields changed."""
        article = self._article_or_403(request, object_id)
        history = list(article.revisions.select_related("user"))
        rows = []
        for index, revision in enumerate(history):
            previous = history[index + 1] if index + 1 < len(history) else None
            changed = revisions.changed_labels(previous.data if previous else None, revision.data)
            rows.append({"revision": revision, "changed": changed})
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revisions of “{article}”",
            "opts": self.opts,
            "original": article,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def revision_view(self, request, object_id, revision_id):
        """Show what one revision changed; on POST, restore it as a new draft."""
        article = self._article_or_403(request, object_id)
        revision = get_object_or_404(article.revisions.select_related("user"), pk=revision_id)
        can_restore = self.has_change_permission(request, article)
        if request.method == "POST":
            if not can_restore:
                raise PermissionDenied
            if article.is_published:
                # A published article is restored only after its confirmation page,
                # which keeps it published; never taken off the site from here.
                return redirect("admin:articles_article_restore", article.pk, revision.pk)
            missing = revisions.restore(article, revision, request.user)
            self.message_user(request, "Restored the revision as a draft.", messages.SUCCESS)
            if missing:
                self.message_user(
                    request,
                    "No longer in the newsdesk, so not restored: " + ", ".join(missing) + ".",
                    messages.WARNING,
                )
            return redirect("admin:articles_article_change", article.pk)
        previous = article.revisions.filter(pk__lt=revision.pk).order_by("-pk").first()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revision of “{article}”",
            "opts": self.opts,
            "original": article,
            "revision": revision,
            "previous": previous,
            "changes": revisions.diff(previous.data if previous else None, revision.data),
            "can_restore": can_restore,
            "is_published": article.is_published,
        }
        return TemplateResponse(request, "admin/articles/article/revision.html", context)

    def restore_published_view(self, request, object_id, revision_id):
        """Restore a revision of a published article, keeping it published.

        GET shows what the live text would become and asks for confirmation; POST
        (with the version the page showed) replaces the text in one save. Drafts are
        restored from the revision page itself.
        """
        article = self._article_or_403(request, object_id)
        revision = get_object_or_404(article.revisions.select_related("user"), pk=revision_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if not article.is_published:
            return redirect("admin:articles_article_revision", article.pk, revision.pk)
        form = RestoreRevisionForm(request.POST or None, article=article)
        if request.method == "POST" and form.is_valid():
            article.expected_version = form.cleaned_data["version"]
            try:
                missing = revisions.restore(
                    article,
                    revision,
                    request.user,
                    minor_edit=form.cleaned_data["minor_edit"],
                )
            except Article.EditConflict:
                # Saved by someone else between the form's check and the UPDATE.
                article = self._article_or_403(request, object_id)
                form = RestoreRevisionForm(request.POST, article=article)
                form.is_valid()
            else:
                self.message_user(
                    request,
                    "Restored the revision; the article stayed published.",
                    messages.SUCCESS,
                )
                if missing:
                    self.message_user(
                        request,
                        "No longer in the newsdesk, so not restored: " + ", ".join(missing) + ".",
                        messages.WARNING,
                    )
                return redirect("admin:articles_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Restore a revision of “{article}”",
            "opts": self.opts,
            "original": article,
            "revision": revision,
            "form": form,
            "is_live": article.is_public,
            "changes": revisions.restore_diff(article, revision),
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)

    def presence_view(self, request, object_id):
        """Keep the user's "has this article open" mark fresh (static/js/admin-locking.js)."""
        article = self._article_or_403(request, object_id)
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        presence.mark_open(article.pk, request.user)
        pagecache.nothing_public_changed(request)
        return HttpResponse(status=204)
