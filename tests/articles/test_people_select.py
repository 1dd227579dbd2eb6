"""The byline's author box, written out in code, gives the markup Django's templates give."""

import pytest
from django import forms

from articles.forms import AuthorChoiceField, PeopleSelect
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CHOICES = [
    ("", "---------"),
    (1, "Ann <O'Hara> & co"),
    (2, 'Bo "Quotes"'),
    ("x", "Plain"),
]


@pytest.mark.parametrize("value", [None, "", 1, "2", "x", "missing"])
@pytest.mark.parametrize(
    "attrs", [{}, {"id": "id_a", "aria-label": "Author <1>", "required": True, "disabled": False}]
)
def test_the_same_markup_as_djangos_select(value, attrs):
    template = forms.Select(choices=CHOICES).render("author", value, attrs=attrs)
    code = PeopleSelect(choices=CHOICES).render("author", value, attrs=attrs)
    assert code == template


def test_option_groups_are_written_as_django_writes_them():
    grouped = [("Desk", [(1, "Ann"), (2, "Bo")]), ("", [(3, "Cy")])]
    template = forms.Select(choices=grouped).render("author", 2, attrs={"id": "id_a"})
    assert PeopleSelect(choices=grouped).render("author", 2, attrs={"id": "id_a"}) == template


def test_the_author_field_lists_people_by_name_in_its_own_box():
    ann = make_user(username="ann", first_name="Ann", last_name="Lee", is_staff=True)
    field = AuthorChoiceField(queryset=type(ann).objects.filter(is_staff=True))
    html = field.widget.render("author", ann.pk, attrs={"id": "id_author"})
    assert isinstance(field.widget, PeopleSelect)
    assert f'<option value="{ann.pk}" selected>Ann Lee</option>' in html
