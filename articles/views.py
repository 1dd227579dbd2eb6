from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from comments.views import comment_context
from newsroom import pagecache

from . import preview
from .frontpage import build_front_page
from .models import Article, Correction, Tag
from .pagination import authored, listing_paginator, tagged
from .sections import find_section


class PublishedArticlesMixin:
    """Show readers only published articles, with what cards need fetched up front."""

    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ListingMixin:
    """Paginate a long, newest-first list with ``ListingPaginator`` (articles/pagination.py).

    ``get_queryset`` returns the list without annotations; ``prepare`` adds them to the
    page's rows only; ``listing_name`` names the list's cached count.
    """

    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published()

    def prepare(self, rows):
        return rows.for_listing()

    def listing_name(self):
        raise NotImplementedError

    def get_paginator(self, queryset, per_page, **kwargs):
        return listing_paginator(
            queryset, self.listing_name(), self.prepare, per_page=per_page, **kwargs
        )


class HomeView(ListingMixin, ListView):
    """The front page: the lead, top stories, a block per section, then the latest.

    Template: ``articles/home.html``. Context, on the first page only: ``lead`` (pinned
    by an editor, or the newest article), ``top_stories`` (pinned, in order) and
    ``section_blocks`` (each a ``section`` and its newest ``articles``); on every page
    ``page_obj`` and ``article_list`` (the latest, less what shows above). See
    ``articles.frontpage``.
    """

    template_name = "articles/home.html"

    def listing_name(self):
        return "home"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            front = build_front_page(list(context["article_list"]))
            context.update(
                lead=front.lead,
                top_stories=front.top_stories,
                section_blocks=front.section_blocks,
                article_list=front.latest,
            )
        return context


class TagView(ListingMixin, ListView):
    """A tag's published articles, newest first. Template: ``articles/tag_detail.html``."""

    template_name = "articles/tag_detail.html"

    def listing_name(self):
        return f"tag:{self.tag.pk}"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return tagged(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SectionView(ListingMixin, ListView):
    """A section's front: its published articles, newest first.

    Template: ``articles/section_detail.html``. Context: ``section``, ``page_obj`` and
    ``article_list``. The default section also lists the articles that have none.
    """

    template_name = "articles/section_detail.html"

    def listing_name(self):
        return f"section:{self.section.pk}"

    def get_queryset(self):
        # From the sections every page reads anyway (cached), not a query of its own.
        self.section = find_section(self.kwargs["slug"])
        return super().get_queryset().in_section(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class SearchView(PublishedArticlesMixin, ListView):
    """Published articles matching ``?q=`` (websearch syntax), best match first.

    Template: ``articles/search.html``. Context: ``query``, ``page_obj``, ``paginator``
    (counting at most ``articles.search.MAX_RESULTS``), ``more_results`` (the search
    stopped there), ``estimated_matches`` (PostgreSQL's estimate then, or None) and
    ``article_list``, each with ``search_snippet``. A page past the
    last is a 404.
    """

    template_name = "articles/search.html"
    context_object_name = "article_list"
    max_query_length = 200

    def get_queryset(self):
        # Control characters (NUL among them, which PostgreSQL refuses) are never words.
        words = "".join(c for c in self.request.GET.get("q", "") if c.isprintable() or c == " ")
        self.query = " ".join(words.split())[: self.max_query_length]
        return super().get_queryset().search(self.query)

    def paginate_queryset(self, queryset, page_size):
        """Fetch one page of results; its count comes with it, so no query counts them all."""
        try:
            number = int(self.request.GET.get("page") or 1)
        except ValueError:
            raise Http404("No such page of results.") from None
        articles = queryset.page(number, page_size) if number >= 1 else []
        paginator = Paginator(range(queryset.total), page_size)
        try:
            page = paginator.page(number)
        except InvalidPage:
            raise Http404("No such page of results.") from None
        page.object_list = articles
        return paginator, page, articles, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        # Known once the page is fetched, which the call above does.
        context["more_results"] = self.object_list.more
        context["estimated_matches"] = self.object_list.rounded_estimate
        return context


class ArticleDetailView(DetailView):
    """One published article at its date permalink. Template: ``articles/article_detail.html``."""

    def get_queryset(self):
        return Article.objects.published().for_page()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        # An old slug's 404 becomes a 301 in articles.redirects, on the way out.
        self.object = self.get_object()
        # The date in the address is the local publication date; another date for the
        # same slug is an old or mistyped link, so send readers to the right one.
        local_date = timezone.localtime(self.object.published_at).date()
        # The URL's converters let only digits through.
        requested = (int(kwargs["year"]), int(kwargs["month"]), int(kwargs["day"]))
        if requested != (local_date.year, local_date.month, local_date.day):
            return redirect(self.object, permanent=True)
        self.object.fetch_pictures()
        if self.object.correction_count:
            # The list and the structured data both show them: fetched once.
            prefetch_related_objects([self.object], "corrections")
        context = self.get_context_data(object=self.object)
        # Readers of this page are counted for "Most read" (the mostread app), cached
        # hits included: the page cache keeps the label with the page.
        pagecache.label_page(("article", self.object.pk))
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(comment_context(self.request, self.object))
        # One query; none for an article without tags.
        context["related_articles"] = Article.objects.published().related_to(self.object)
        return context


class AuthorView(ListingMixin, ListView):
    """An author's page: their short bio, then their published articles, newest first.

    Template: ``articles/author_detail.html``. Context: ``author``, ``bio``,
    ``page_obj`` and ``article_list``. Authors with nothing published have no page,
    so the site does not list staff accounts.
    """

    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(
            get_user_model().objects.select_related("author_profile"),
            username=self.kwargs["username"],
            is_active=True,
        )
        return authored(self.author)

    def listing_name(self):
        # The name authored() counts the list under: one cached count for both.
        return f"author:{self.author.pk}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(author=self.author, **kwargs)
        if not context["paginator"].count:
            raise Http404("This author has no published articles.")
        profile = getattr(self.author, "author_profile", None)
        context["bio"] = profile.bio if profile else ""
        return context


class CorrectionsView(ListingMixin, ListView):
    """Every correction and clarification on a published article, newest first.

    Template: ``articles/correction_list.html``.
    """

    paginate_by = settings.ARTICLES_PER_PAGE * 2

    def get_queryset(self):
        # A probe per correction, newest first, rather than the list of every published
        # article's id that ``article__in`` makes SQLite build.
        published = Article.objects.published().filter(pk=OuterRef("article_id"))
        return Correction.objects.filter(Exists(published)).order_by("-created", "-pk")

    def prepare(self, rows):
        return rows.select_related("article")

    def listing_name(self):
        return "corrections"


def _render_preview(request, article, **context):
    article.fetch_pictures()
    response = render(
        request,
        "articles/article_detail.html",
        {"article": article, "object": article, "preview": True, **context},
    )
    # A draft must never reach a search engine or a shared cache.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@staff_member_required
def preview_article(request, pk):
    """Show staff any article they may open in the newsdesk, exactly as readers will see it.

    Template: ``articles/article_detail.html`` with ``preview`` set.
    """
    queryset = Article.objects.visible_to(request.user).for_page()
    if not request.user.has_perm("articles.view_article"):
        raise Http404("No such article.")
    return _render_preview(request, get_object_or_404(queryset, pk=pk))


@never_cache
def preview_shared(request, token):
    """Show an article to anyone holding a share link until the link expires."""
    try:
        article_id = preview.article_id_from_token(token)
    except signing.SignatureExpired:
        response = render(
            request,
            "articles/preview_expired.html",
            {"hours": preview.link_hours()},
            status=410,
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    except signing.BadSignature:
        raise Http404("No such preview.") from None
    article = get_object_or_404(Article.objects.for_page(), pk=article_id)
    return _render_preview(request, article, shared=True)
