"""Panels that apps add to admin pages, so no app imports another to show its part.

Why: the newsdesk's front page shows articles and comments side by side, and an
article's change page shows its comments; ``articles`` must not import ``comments``
(they already lean on each other more than they should). Each app registers what it
shows in its ``AppConfig.ready()`` with ``register(place, …)``; the page's template
asks for its place with ``{% admin_panels "place" obj %}`` (``newsroom_panels``) and
knows nothing of the apps.

A panel is a template and a function ``context(request, obj)`` returning the template's
context, or None to show nothing (the user may not see it, or there is nothing to say).
Each panel's function runs a fixed number of queries; the pages' tests count them.

Places: ``"desk"`` (the admin index) and ``"article_change"`` (an article's change
page; ``obj`` is the article, None on the add page).
"""

from dataclasses import dataclass
from typing import Any

_registry: dict[str, dict[str, "Panel"]] = {}


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Any
    order: int


def register(place, name, template, context, order=100):
    """Show ``template`` with ``context(request, obj)`` in ``place``, sorted by ``order``.

    Registering the same name again replaces the panel (``ready()`` may run twice in tests).
    """
    _registry.setdefault(place, {})[name] = Panel(name, template, context, order)


def panels(place):
    """Return the panels registered for ``place``, in order."""
    return sorted(_registry.get(place, {}).values(), key=lambda panel: (panel.order, panel.name))
