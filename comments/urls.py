from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/post/<int:article_id>/", views.post_comment, name="post"),
    path("comments/<int:comment_id>/edit/", views.edit_comment, name="edit"),
    path("comments/<int:comment_id>/delete/", views.delete_comment, name="delete"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
