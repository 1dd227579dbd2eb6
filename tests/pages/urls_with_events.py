"""The project's URLconf with two addresses added later, for the slug check's tests."""

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as project_patterns


def _stub(request, **kwargs):
    return HttpResponse("")


# Before the pages' catch-all, as the project's own patterns are.
urlpatterns = [
    path("events/<slug:slug>/", _stub),
    path("calendar/", _stub),
    *project_patterns,
]
