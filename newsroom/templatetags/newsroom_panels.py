from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .. import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_panels(context, place, obj=None):
    """Render the panels the apps registered for ``place`` (see ``newsroom.panels``)."""
    request = context["request"]
    rendered = []
    for panel in panels.panels(place):
        panel_context = panel.context(request, obj)
        if panel_context is None:
            continue
        rendered.append(render_to_string(panel.template, panel_context, request=request))
    # Each part is a template rendered with autoescaping on.
    return mark_safe("".join(rendered))  # noqa: S308
