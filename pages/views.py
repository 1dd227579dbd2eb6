from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .models import Page


@require_safe
def page_detail(request, slug):
    """Show a published page at its top-level address. Template: ``pages/page_detail.html``.

    One query, two more when the body shows library pictures; the site's furniture comes
    from the cache (pages/furniture.py).
    """
    page = get_object_or_404(Page.objects.published(), slug=slug)
    page.fetch_pictures()
    return render(request, "pages/page_detail.html", {"page": page})


@never_cache
@staff_member_required
def preview_page(request, pk):
    """Show staff who may open pages in the admin any page, draft or not, as readers will see it."""
    if not request.user.has_perm("pages.view_page"):
        raise Http404("No such page.")
    page = get_object_or_404(Page, pk=pk)
    page.fetch_pictures()
    response = render(request, "pages/page_detail.html", {"page": page, "preview": True})
    # A draft must never reach a search engine or a shared cache.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
