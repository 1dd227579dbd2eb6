from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy on every page outside the admin.

    The admin is left alone because CKEditor 4 needs inline script and style to run;
    the editor is staff-only, and what it produces is sanitised before any reader sees
    it, so a strict policy on public pages is what keeps a stray payload inert.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.admin_prefix):
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
