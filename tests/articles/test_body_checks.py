"""Accessibility warnings about an article's body: the checker, and the admin's message."""

import pytest
from django.contrib.messages import WARNING
from django.urls import reverse

from articles.body_checks import body_problems
from articles.editor import library_src, sanitize_html
from articles.models import Article
from tests.factories import article_form_data, inline_management_data, make_article, make_image

IMG = '<img src="/media/images/a.jpg"{}>'


@pytest.mark.parametrize(
    "body",
    [
        "",
        "<p>Plain words.</p>",
        '<p><img src="/media/images/a.jpg" alt="Boats in the harbour"></p>',
        "<h2>One</h2><h3>Two</h3><h4>Three</h4><h2>Back up</h2>",
        "<h2>One</h2><h3>Two</h3><h2>Four</h2><h3>Five</h3>",
        '<p><a href="https://example.org/report">the council\'s report</a></p>',
        '<p><a href="mailto:desk@example.org">desk@example.org</a></p>',
        '<p><a href="https://nodejs.org">Node.js</a> ships a new version.</p>',
        '<p><a href="https://example.org/here">Where to vote</a></p>',
        '<p><a href="https://example.org"><img src="/media/images/a.jpg" alt="Map"></a></p>',
        "<p>Click here to see nothing: no link.</p>",
    ],
)
def test_bodies_without_problems_give_no_warning(body):
    assert body_problems(body) == []


@pytest.mark.parametrize(
    "body,expected",
    [
        (IMG.format(""), ["The picture in the body has no alt text"]),
        (IMG.format(' alt=""'), ["The picture in the body has no alt text"]),
        (IMG.format(' alt="   "'), ["The picture in the body has no alt text"]),
        (
            IMG.format(' alt="Boats"') + IMG.format(""),
            ["The 2nd picture in the body has no alt text"],
        ),
        (
            IMG.format("") + IMG.format(' alt="x"') + IMG.format(""),
            ["The 1st picture", "The 3rd picture"],
        ),
        ("<h3>Starts too deep</h3>", ["“Starts too deep” is a level 3 heading after a level 1"]),
        ("<h2>Top</h2><h4>Skipped</h4>", ["“Skipped” is a level 4 heading after a level 2 one"]),
        (
            "<h2>A</h2><h3>B</h3><h2>C</h2><h4>D</h4>",
            ["“D” is a level 4 heading after a level 2 one: use level 3"],
        ),
        ('<a href="https://example.org">click here</a>', ["The link “click here”"]),
        ('<a href="https://example.org">Click Here.</a>', ["The link “Click Here.”"]),
        ('<a href="https://example.org">here</a>', ["The link “here” (to https://example.org)"]),
        ('<a href="https://example.org">Read more…</a>', ["The link “Read more…”"]),
        ('<a href="https://example.org">(here)</a>', ["The link “(here)”"]),
        (
            '<a href="https://example.org/a/b">https://example.org/a/b</a>',
            ["“https://example.org/a/b” is a bare address"],
        ),
        ('<a href="https://www.example.org">www.example.org</a>', ["is a bare address"]),
        ('<a href="https://example.org/x">example.org/x</a>', ["is a bare address"]),
        ('<a href="https://example.org">example.org</a>', ["is a bare address"]),
        ('<a href="https://example.org"></a>', ["A link to https://example.org has no text"]),
        (
            '<a href="https://example.org">' + IMG.format("") + "</a>",
            ["has no alt text", "has no text"],
        ),
        (
            "<h2>x</h2><h4>Long " + "word " * 30 + "</h4>",
            ["“Long word word"],
        ),
    ],
)
def test_each_problem_is_named(body, expected):
    problems = body_problems(body)
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert start in problem


def test_problems_come_pictures_then_headings_then_links_in_body_order():
    body = (
        '<h2>A</h2><p><a href="https://example.org">here</a></p><h4>B</h4>'
        + IMG.format("")
        + '<p><a href="https://example.org/x">click here</a></p>'
    )
    problems = body_problems(body)
    assert [problem.split(" ")[1] for problem in problems] == [
        "picture",
        "heading",
        "link",
        "link",
    ]
    assert "“here”" in problems[2] and "“click here”" in problems[3]


def test_long_quotes_are_cut():
    (problem,) = body_problems(
        '<a href="https://example.org/' + "a" * 200 + '">https://example.org/' + "a" * 200 + "</a>"
    )
    assert "…”" in problem and len(problem) < 250


def test_checks_read_the_sanitised_body_as_stored():
    # What the editor posts is sanitised first; what readers get is what is checked.
    stored = sanitize_html(
        '<h2>A</h2><h5>B</h5><p onclick="x()"><a href="javascript:x()">here</a></p>'
    )
    problems = body_problems(stored)
    assert any("has no text" in p or "“here”" in p for p in problems)


def test_markup_in_the_body_is_not_echoed_raw():
    (problem,) = body_problems("<h2>A</h2><h4>&lt;script&gt;alert(1)&lt;/script&gt;</h4>")
    # Plain text: the admin escapes it when it builds the message (format_html).
    assert "“<script>alert(1)</script>”" in problem


# --- The admin -----------------------------------------------------------------------


def _warnings(response):
    return [m for m in response.context["messages"] if m.level == WARNING]


@pytest.mark.django_db
def test_saving_a_body_with_problems_warns_and_still_saves(admin_client):
    image = make_image()
    body = (
        f'<h2>Traffic</h2><h4>Detours</h4><p><img src="{library_src(image.file.name)}"></p>'
        '<p>Details <a href="https://example.org/roads">click here</a>.</p>'
        '<p><a href="https://example.org/plan">https://example.org/plan</a></p>'
        "<h3><script>alert(1)</script>&lt;b&gt;</h3>"
    )
    response = admin_client.post(
        reverse("admin:articles_article_add"), article_form_data(body=body), follow=True
    )
    assert response.status_code == 200
    article = Article.objects.get(slug="bridge-reopens")
    assert "<h4>Detours</h4>" in article.body
    (warning,) = _warnings(response)
    text = str(warning)
    assert text.startswith("Saved, but the body has 4 problems")
    assert text.count("<br>") == 4 and "<br>4. " in text
    assert "has no alt text" in text
    assert "“Detours” is a level 4 heading after a level 2 one" in text
    assert "“click here”" in text
    assert "“https://example.org/plan” is a bare address" in text
    html = response.content.decode()
    assert 'class="warning"' in html and "has no alt text" in html
    assert "<script>alert(1)" not in html


@pytest.mark.django_db
def test_an_edit_keeps_warning_until_the_body_is_fixed(admin_client):
    article = make_article(body="<p><a href='https://example.org'>here</a></p>", status="draft")
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form_data(
        headline=article.headline,
        slug=article.slug,
        body=article.body,
        **inline_management_data(article=article, authors=list(article.authors.all())),
    )
    response = admin_client.post(change, data, follow=True)
    assert len(_warnings(response)) == 1
    # The second save is the same editor's next one, from the form the first gave back.
    article.refresh_from_db()
    data["version"] = article.version
    data["body"] = '<p><a href="https://example.org">the organisers\' site</a></p>'
    response = admin_client.post(change, data, follow=True)
    assert _warnings(response) == []
    article.refresh_from_db()
    assert "organisers" in article.body


@pytest.mark.django_db
def test_a_clean_body_saves_without_warning(admin_client):
    image = make_image()
    body = f'<h2>Traffic</h2><p><img src="{library_src(image.file.name)}" alt="The bridge"></p>'
    response = admin_client.post(
        reverse("admin:articles_article_add"), article_form_data(body=body), follow=True
    )
    assert Article.objects.filter(slug="bridge-reopens").exists()
    assert _warnings(response) == []
