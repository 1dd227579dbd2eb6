from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import DetailView, ListView

from comments.views import comment_context

from .models import Article, Tag


class PublishedArticlesMixin:
    """Show readers only published articles, with what cards need fetched up front."""

    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().for_listing()


class HomeView(PublishedArticlesMixin, ListView):
    """The front page: the lead story, then the latest articles.

    Template: ``articles/home.html``. Context: ``lead`` (the newest article, on the
    first page only), ``page_obj`` and ``article_list`` (the rest).
    """

    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = list(context["article_list"])
        if context["page_obj"].number == 1 and articles:
            context["lead"], articles = articles[0], articles[1:]
        context["article_list"] = articles
        return context


class TagView(PublishedArticlesMixin, ListView):
    """A tag's published articles, newest first. Template: ``articles/tag_detail.html``."""

    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArticleDetailView(DetailView):
    """One published article at its date permalink. Template: ``articles/article_detail.html``."""

    def get_queryset(self):
        return Article.objects.published().for_listing().with_body_images()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # The date in the address is the local publication date; another date for the
        # same slug is an old or mistyped link, so send readers to the right one.
        local_date = timezone.localtime(self.object.published_at).date()
        try:
            requested = (int(kwargs["year"]), int(kwargs["month"]), int(kwargs["day"]))
        except ValueError:
            raise Http404("No such date.") from None
        if requested != (local_date.year, local_date.month, local_date.day):
            return redirect(self.object, permanent=True)
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(comment_context(self.request, self.object))
        return context
