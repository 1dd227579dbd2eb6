from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from newsroom import pagecache

        from . import moderation, views

        # The impersonation check keeps the staff's names in the cache; a changed
        # account empties it. Cache upkeep, not domain logic, hence a signal.
        user_model = get_user_model()
        post_save.connect(
            moderation.forget_staff_names, sender=user_model, dispatch_uid="comments.staff.save"
        )
        post_delete.connect(
            moderation.forget_staff_names, sender=user_model, dispatch_uid="comments.staff.delete"
        )

        # What differs per reader on a cached article page: the reply form's saved name,
        # email, website and tick, and its signed key (see views.form_prefill).
        pagecache.register_placeholder("comments.saved_author", views.fill_saved_author)
        pagecache.register_placeholder("comments.saved_consent", views.fill_saved_consent)
        pagecache.register_placeholder("comments.form_key", views.fill_form_key)
        # A reader with comments awaiting moderation sees them, so their pages are theirs.
        pagecache.register_personal_cookie(views.OWN_COMMENTS_COOKIE)
        # A reader who may still edit their comment sees its Edit and Delete links.
        pagecache.register_personal_cookie(views.EDITABLE_COOKIE)

        # The newsdesk's front page and an article's change page show comments.
        from .desk import register_panels

        register_panels()
