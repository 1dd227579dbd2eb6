"""newsroom.panels: apps add panels to a page the page's template knows nothing about."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from newsroom import panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    name = "test_place"
    yield name
    panels._registry.pop(name, None)


def _render(place, obj=None):
    request = RequestFactory().get("/")
    template = Template("{% load newsroom_panels %}{% admin_panels place obj %}")
    return template.render(Context({"request": request, "place": place, "obj": obj}))


def test_panels_render_in_order_and_none_is_left_out(place, settings, tmp_path):
    (tmp_path / "panel.html").write_text("[{{ name }}:{{ obj }}]")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    panels.register(place, "b", "panel.html", lambda request, obj: {"name": "b", "obj": obj}, 20)
    panels.register(place, "a", "panel.html", lambda request, obj: {"name": "a", "obj": obj}, 10)
    panels.register(place, "hidden", "panel.html", lambda request, obj: None, 5)
    assert _render(place, obj="x") == "[a:x][b:x]"


def test_registering_a_name_again_replaces_it(place, settings, tmp_path):
    (tmp_path / "panel.html").write_text("[{{ name }}]")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    panels.register(place, "one", "panel.html", lambda request, obj: {"name": "old"})
    panels.register(place, "one", "panel.html", lambda request, obj: {"name": "new"})
    assert _render(place) == "[new]"


def test_values_are_escaped(place, settings, tmp_path):
    (tmp_path / "panel.html").write_text("{{ name }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    panels.register(place, "x", "panel.html", lambda request, obj: {"name": "<script>"})
    assert _render(place) == "&lt;script&gt;"


def test_an_unknown_place_renders_nothing():
    assert _render("nowhere") == ""


def test_the_apps_register_their_panels_without_importing_each_other():
    desk = [panel.name for panel in panels.panels("desk")]
    assert desk == [
        "my_drafts",
        "in_review",
        "scheduled_today",
        "latest_published",
        "comments_awaiting_moderation",
        "corrections",
    ]
    assert [panel.name for panel in panels.panels("article_change")] == ["article_comments"]
