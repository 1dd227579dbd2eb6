from django import forms

from .editor import body_widget
from .models import Article, Image


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "standfirst",
            "body",
            "featured_image",
            "authors",
            "byline",
            "tags",
            "status",
            "published_at",
            "allow_comments",
        ]
        widgets = {"body": body_widget()}


class ImageForm(forms.ModelForm):
    """Add a picture to the library; used by the admin and the editor's upload."""

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]
