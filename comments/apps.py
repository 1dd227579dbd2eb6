from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from newsroom import pagecache

        from . import views

        # What differs per reader on a cached article page: the reply form's saved name,
        # email, website and tick, and its signed key (see views.form_prefill).
        pagecache.register_placeholder("comments.saved_author", views.fill_saved_author)
        pagecache.register_placeholder("comments.saved_consent", views.fill_saved_consent)
        pagecache.register_placeholder("comments.form_key", views.fill_form_key)
        # A reader with comments awaiting moderation sees them, so their pages are theirs.
        pagecache.register_personal_cookie(views.OWN_COMMENTS_COOKIE)
