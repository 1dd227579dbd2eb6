from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request):
    """Send browsers that ask for /favicon.ico (the admin names no icon) to ours."""
    # Resolved per request: the static manifest may not exist when URLs are imported.
    return HttpResponsePermanentRedirect(static("favicon.svg"))
