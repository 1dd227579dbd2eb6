from datetime import timedelta
from urllib.parse import quote, unquote

from django.conf import settings
from django.core import signing
from django.core.paginator import EmptyPage, Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from newsroom import pagecache

from . import notices, posting
from .forms import CommentEditForm, CommentForm, sign_form
from .models import Comment
from .moderation import comments_open
from .threads import arrange_threads

# What the "Save my name…" box keeps, for a year, and nothing else personal.
AUTHOR_COOKIES = {
    "author": "comment_author",
    "email": "comment_author_email",
    "url": "comment_author_url",
}
AUTHOR_COOKIE_AGE = 365 * 24 * 60 * 60
# The ids of the reader's own held comments, signed so no one can claim another's.
OWN_COMMENTS_COOKIE = "comments_own"
OWN_COMMENTS_SALT = "comments.own"
OWN_COMMENTS_AGE = 30 * 24 * 60 * 60
OWN_COMMENTS_KEPT = 20
# The ids of the comments this browser posted in the last COMMENTS_EDIT_MINUTES, which
# it may still edit or delete. It lives no longer than that window, so the browser is
# back on cached pages soon after its last post.
EDITABLE_COOKIE = "comments_editable"
EDITABLE_SALT = "comments.editable"


def _as_id(value):
    """Return ``value`` as an id, or None when it is not a short run of ASCII digits.

    ``str.isdigit()`` alone lets "²" through, which ``int()`` refuses, and ``int()`` refuses
    more than 4300 digits: either would be a 500.
    """
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def own_comment_ids(request):
    """Return the ids of the comments this browser posted that may still wait."""
    value = request.get_signed_cookie(
        OWN_COMMENTS_COOKIE, default="", salt=OWN_COMMENTS_SALT, max_age=OWN_COMMENTS_AGE
    )
    return [pk for pk in map(_as_id, value.split(".")) if pk is not None]


def edit_window():
    return timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)


def editable_comment_ids(request):
    """Return the ids of the comments this browser posted that it may still change.

    Each comment's own posting time is checked where it is used (``can_still_edit``):
    the cookie only says which browser posted it.
    """
    if not settings.COMMENTS_EDIT_MINUTES:
        return set()
    value = request.get_signed_cookie(
        EDITABLE_COOKIE,
        default="",
        salt=EDITABLE_SALT,
        max_age=settings.COMMENTS_EDIT_MINUTES * 60,
    )
    return {pk for pk in map(_as_id, value.split(".")) if pk is not None}


def can_still_edit(comment, now=None):
    return (now or timezone.now()) - comment.created <= edit_window()


def saved_author(request):
    """Return the name, email and website the reader asked the browser to remember."""
    return {
        field: unquote(request.COOKIES[cookie])
        for field, cookie in AUTHOR_COOKIES.items()
        if request.COOKIES.get(cookie)
    }


def _comment_page_number(request):
    """Return the page of threads asked for (1 without ``cpage``); 404 for any other."""
    value = request.GET.get("cpage")
    if value is None:
        return 1
    number = _as_id(value)
    # Past 2**31 thread starts no article has a page, and the OFFSET would overflow.
    if not number or (number - 1) * settings.COMMENTS_PER_PAGE >= 2**31:
        raise Http404("No such page of comments.")
    return number


def form_prefill(request, article):
    """Return the reply form's initial values: what this reader saved, or their account's.

    On a page rendered for the page cache they are placeholders (the saved name, email
    and website, the box's tick, the signed form key), filled in for each reader the
    page is served to (``fill_*`` below, registered in ``CommentsConfig.ready``).
    """
    if pagecache.rendering_for_cache():
        initial = {
            field: pagecache.placeholder("comments.saved_author", field) for field in AUTHOR_COOKIES
        }
        initial["cookies_consent"] = pagecache.placeholder("comments.saved_consent")
        initial["security"] = pagecache.placeholder("comments.form_key", article.pk)
        return initial
    initial = saved_author(request)
    if initial:
        initial["cookies_consent"] = True
    elif request.user.is_authenticated:
        initial = {"author": request.user.get_full_name(), "email": request.user.email}
    return initial


def fill_saved_author(request, field):
    """Return the reader's saved ``field``, escaped for the input's value attribute."""
    value = request.COOKIES.get(AUTHOR_COOKIES[field])
    # Anyone can set their own cookies to anything: escaped, they stay text.
    return escape(unquote(value)) if value else ""


def fill_saved_consent(request, argument):
    """Return "checked" for the "Save my name…" box of a reader who ticked it."""
    return "checked" if saved_author(request) else ""


def fill_form_key(request, article_pk):
    """Return a fresh signed form key for the article."""
    return sign_form(int(article_pk))


def comment_context(request, article, form=None):
    """Return what the article page needs to show its comments and the reply form.

    Only the page's threads are fetched (``CommentQuerySet.page_of_threads``), so the
    page costs the same however many comments the article has; they are arranged
    into threads here. A page past the last one is a 404, not the last page.
    """
    number = _comment_page_number(request)
    per_page = settings.COMMENTS_PER_PAGE
    comments, thread_count = Comment.objects.page_of_threads(
        article, number, per_page, own_comment_ids(request)
    )
    try:
        page = Paginator(range(thread_count), per_page).page(number)
    except EmptyPage:
        raise Http404("No such page of comments.") from None
    page.object_list = arrange_threads(comments, settings.COMMENTS_THREAD_DEPTH)
    by_id = {comment.pk: comment for comment in comments}

    def reply_target(value):
        # The comment replied to may be on another page than the one shown.
        pk = _as_id(value or "")
        if pk is None:
            return None
        if pk in by_id:
            return by_id[pk] if by_id[pk].is_approved else None
        return Comment.objects.approved().filter(article=article, pk=pk).first()

    is_open = comments_open(article)
    reply_to = None
    if form is None and is_open:
        initial = form_prefill(request, article)
        candidate = reply_target(request.GET.get("replyto"))
        if candidate is not None:
            reply_to = candidate
            initial["parent"] = candidate.pk
        form = CommentForm(article, initial=initial)
    elif form is not None and form.is_bound:
        reply_to = reply_target(form.data.get("parent"))
    if reply_to is None and "replyto" in request.GET:
        # Only a reply to a visible comment is a page worth keeping; any other number is
        # a variant strangers could mint without end.
        pagecache.do_not_store()
    editable = editable_comment_ids(request)
    if editable:
        now = timezone.now()
        editable = {
            comment.pk
            for comment in comments
            if comment.pk in editable
            and comment.status != Comment.Status.TRASH
            and can_still_edit(comment, now)
        }
    return {
        "comment_page": page,
        "editable_comment_ids": editable,
        "comment_count": getattr(article, "comment_count", None),
        "comments_open": is_open,
        "comment_form": form,
        "reply_to": reply_to,
    }


@require_POST
def post_comment(request, article_id):
    """Post a comment from the "Leave a Reply" form.

    Success redirects to the comment; a refusal re-renders the article page with the
    reason beside the form, the reader's text still in it, and the status code that
    says why (see ``comments.posting.post_comment``).
    """
    article = get_object_or_404(Article.objects.published().for_page(), pk=article_id)
    outcome = posting.post_comment(article, request.POST, request)
    if not outcome.ok:
        article.fetch_pictures()
        context = {"article": article, "object": article}
        context.update(comment_context(request, article, form=outcome.form))
        response = render(
            request, "articles/article_detail.html", context, status=outcome.status_code
        )
        for header, value in outcome.headers.items():
            response[header] = value
        return response
    comment = outcome.comment
    response = redirect(_comment_url(article, comment))
    if comment.status == Comment.Status.APPROVED:
        # Everyone sees it now: cached copies of the page must go.
        transaction.on_commit(pagecache.invalidate)
    else:
        _remember_own_comment(request, response, comment)
    _remember_editable_comment(request, response, comment)
    _save_or_forget_author(request, response, outcome.form)
    return response


class EditClosed(Exception):
    """The comment is past its edit window: nobody may change it now."""

    def __init__(self, comment):
        self.comment = comment


def _own_comment_or_404(request, comment_id):
    """Return this browser's comment ``comment_id`` while it may still change it.

    Raise ``EditClosed`` for a comment past COMMENTS_EDIT_MINUTES, whoever asks: by then
    the browser has dropped its cookie, and the reader is owed the reason, not a 404.
    Within the window, another browser's comment is a 404: the page says nothing of
    whether a comment exists that is not the reader's.
    """
    comment = (
        Comment.objects.select_related("article", "user")
        .exclude(status=Comment.Status.TRASH)
        .filter(pk=comment_id, article__in=Article.objects.published())
        .first()
    )
    if comment is None or not settings.COMMENTS_EDIT_MINUTES:
        raise Http404("No comment of yours to change here.")
    if not can_still_edit(comment):
        raise EditClosed(comment)
    if comment.pk not in editable_comment_ids(request):
        raise Http404("No comment of yours to change here.")
    return comment


def _edit_closed(request, comment):
    """Answer a change asked for after the edit window: 403, saying why."""
    return render(
        request,
        "comments/comment_edit_closed.html",
        {"comment": comment, "article": comment.article, "minutes": settings.COMMENTS_EDIT_MINUTES},
        status=403,
    )


def _edit_context(comment, **extra):
    return {
        "comment": comment,
        "article": comment.article,
        "editable_until": comment.created + edit_window(),
        **extra,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def edit_comment(request, comment_id):
    """Change the text of a comment this browser posted, within COMMENTS_EDIT_MINUTES.

    The text goes through the post's own field and cleaning, and the comment through
    the moderation rules again (``posting.edit_own_comment``); success redirects to it.
    """
    try:
        comment = _own_comment_or_404(request, comment_id)
    except EditClosed as closed:
        return _edit_closed(request, closed.comment)
    if request.method == "POST":
        form = CommentEditForm(request.POST)
        if form.is_valid():
            was_held = comment.status != Comment.Status.APPROVED
            posting.edit_own_comment(comment, form.cleaned_data["comment"], request)
            response = redirect(_comment_url(comment.article, comment))
            if not was_held and not comment.is_approved:
                # Back in moderation: only its author still sees it, as awaiting.
                _remember_own_comment(request, response, comment)
            return response
        status = 400
    else:
        form = CommentEditForm(initial={"comment": comment.text})
        status = 200
    return render(
        request, "comments/comment_edit.html", _edit_context(comment, form=form), status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
def delete_comment(request, comment_id):
    """Ask, then move to the trash, a comment this browser posted within COMMENTS_EDIT_MINUTES."""
    try:
        comment = _own_comment_or_404(request, comment_id)
    except EditClosed as closed:
        return _edit_closed(request, closed.comment)
    if request.method == "POST":
        posting.trash_own_comment(comment)
        return redirect(f"{comment.article.get_absolute_url()}#comments")
    return render(request, "comments/comment_confirm_delete.html", _edit_context(comment))


# No CSRF token: RFC 8058's one-click unsubscribe is a POST that a mail program sends
# from the List-Unsubscribe header, with no page, cookie or token of the site. What
# CSRF protection guards, a request the reader did not mean, the signed link guards
# here: only the address it was sent to holds it, and all it can do is stop email.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Show what an emailed unsubscribe link stops (GET), and stop it (POST).

    A link this site did not sign, or one past COMMENTS_UNSUBSCRIBE_DAYS, gets a 400
    page saying so; a link whose subscription is already gone says that, with a 200.
    """
    try:
        kind, pk = notices.read_unsubscribe_token(token)
    except signing.SignatureExpired:
        return render(request, "comments/unsubscribe.html", {"problem": "expired"}, status=400)
    except signing.BadSignature:
        return render(request, "comments/unsubscribe.html", {"problem": "invalid"}, status=400)
    context = {"kind": kind, "everything": kind == notices.EVERYTHING}
    if request.method == "POST":
        context["article"] = notices.unsubscribe(kind, pk)
        context["done"] = True
    else:
        context["article"] = notices.describe(kind, pk)
        context["nothing_left"] = context["article"] is None
    response = render(request, "comments/unsubscribe.html", context)
    # The link is a key: not to be kept by a proxy, or passed on by the page's links.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _comment_url(article, comment):
    """Return the comment's address on the page of threads that shows it.

    Its thread's start, or the comment itself when it heads a thread (a held one is
    slotted into the page whose span holds its date), is counted among the article's
    thread starts on their index.
    """
    head = comment.thread_root if comment.thread_root_id else comment
    up_to = Comment.objects.filter(article=article).thread_starts_up_to(head)
    page = max(up_to - 1, 0) // settings.COMMENTS_PER_PAGE + 1
    query = f"?cpage={page}" if page > 1 else ""
    return f"{article.get_absolute_url()}{query}#comment-{comment.pk}"


def _remember_own_comment(request, response, comment):
    ids = [pk for pk in own_comment_ids(request) if pk != comment.pk] + [comment.pk]
    response.set_signed_cookie(
        OWN_COMMENTS_COOKIE,
        ".".join(str(pk) for pk in ids[-OWN_COMMENTS_KEPT:]),
        salt=OWN_COMMENTS_SALT,
        max_age=OWN_COMMENTS_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def _save_or_forget_author(request, response, form):
    if not form.cleaned_data.get("cookies_consent"):
        for cookie in AUTHOR_COOKIES.values():
            if cookie in request.COOKIES:
                response.delete_cookie(cookie, samesite="Lax")
        return
    for field, cookie in AUTHOR_COOKIES.items():
        value = form.cleaned_data.get(field) or ""
        if value:
            # Quoted: a cookie carries only ASCII, and names need not be.
            response.set_cookie(
                cookie,
                quote(value, safe="@:/."),
                max_age=AUTHOR_COOKIE_AGE,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        elif cookie in request.COOKIES:
            response.delete_cookie(cookie, samesite="Lax")


def _remember_editable_comment(request, response, comment):
    if not settings.COMMENTS_EDIT_MINUTES:
        return
    ids = sorted(editable_comment_ids(request) - {comment.pk}) + [comment.pk]
    response.set_signed_cookie(
        EDITABLE_COOKIE,
        ".".join(str(pk) for pk in ids[-OWN_COMMENTS_KEPT:]),
        salt=EDITABLE_SALT,
        max_age=settings.COMMENTS_EDIT_MINUTES * 60,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
