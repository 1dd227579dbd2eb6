"""The article cards' markup, written out by ``articles.cards`` rather than templates.

The cards replaced three templates (card, section label, date line); these tests hold the
markup those templates gave, escaping included, and the pages that show cards.
"""

import zoneinfo
from datetime import datetime

import pytest

from articles.cards import card_html, cards_html, meta_html, section_label_html
from articles.models import Article
from tests.factories import make_article, make_comment, make_image, make_section, make_user

pytestmark = pytest.mark.django_db

# 23:30 UTC on 4 July is already 5 July in Auckland: the date is the site's, not UTC's.
PUBLISHED = datetime(2026, 7, 4, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))


def listed(article):
    """The article as list pages fetch it (picture, section, byline, comment count)."""
    return Article.objects.for_listing().get(pk=article.pk)


def test_a_card_has_the_markup_the_template_had(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    sport = make_section(name="Sport & Leisure", slug="sport")
    author = make_user(username="ann", first_name="Ann", last_name="O'Hara")
    article = make_article(
        headline="A by-election <b>shock</b>",
        slug="by-election",
        standfirst='Votes "counted" & recounted',
        section=sport,
        published_at=PUBLISHED,
        authors=[author],
    )
    make_comment(article)
    card = card_html(listed(article), heading_level=3)
    url = article.get_absolute_url()
    assert url.startswith("/2026/07/05/")
    assert card == (
        '<article class="card">'
        '<p class="kicker section-label"><a href="/section/sport/">Sport &amp; Leisure</a></p>'
        f'<h3 class="card-headline"><a href="{url}">A <span class="nowrap">by-election</span> '
        "&lt;b&gt;shock&lt;/b&gt;</a></h3>"
        '<p class="card-standfirst">Votes &quot;counted&quot; &amp; recounted</p>'
        '<p class="meta"><time datetime="2026-07-05T11:30:00+12:00">5 July 2026</time>'
        f' · Ann O&#x27;Hara · <a href="{url}#comments">1 comment</a></p>'
        "</article>"
    )


def test_the_date_line_counts_comments_and_joins_a_byline():
    authors = [make_user(username=name, first_name=name.title()) for name in ("ann", "bo", "cy")]
    article = make_article(authors=authors, published_at=PUBLISHED)
    for _ in range(2):
        make_comment(article)
    make_comment(article, status="pending")
    meta = meta_html(listed(article))
    assert " · Ann, Bo and Cy · " in meta
    assert '#comments">2 comments</a></p>' in meta


def test_a_byline_override_wins_and_no_comments_means_no_link():
    article = make_article(byline="Reuters <staff>", published_at=PUBLISHED)
    meta = meta_html(listed(article))
    assert meta.endswith(" · Reuters &lt;staff&gt;</p>")
    assert "#comments" not in meta


def test_an_article_without_a_section_shows_the_default_one_or_none():
    news = make_section(name="News", slug="news")
    article = listed(make_article())
    assert section_label_html(article, news) == (
        '<p class="kicker section-label"><a href="/section/news/">News</a></p>'
    )
    assert section_label_html(article, None) == ""


def test_a_card_draws_the_16_9_picture_and_only_when_it_has_renditions():
    with_renditions = make_article(featured_image=make_image(alt_text="A harbour"))
    waiting = make_article(featured_image=make_image(renditions=False))
    drawn = card_html(listed(with_renditions), show_section=False)
    assert '<a class="card-picture" href="' in drawn
    assert 'tabindex="-1" aria-hidden="true"><picture>' in drawn
    # The picture only decorates the link beside the headline: its alt is empty.
    assert 'alt=""' in drawn and "A harbour" not in drawn
    # Renditions still being made: no picture, and no empty link in its place.
    assert "card-picture" not in card_html(listed(waiting), show_section=False)


def test_a_search_snippet_keeps_its_highlighting_and_a_plain_one_is_escaped():
    from django.utils.safestring import mark_safe

    article = listed(make_article())
    article.search_snippet = mark_safe("the <mark>council</mark> met")
    assert '<p class="card-snippet">the <mark>council</mark> met</p>' in card_html(article)
    article.search_snippet = "<script>x</script>"
    assert '<p class="card-snippet">&lt;script&gt;x&lt;/script&gt;</p>' in card_html(article)


def test_cards_follow_the_order_given_at_the_level_given():
    first, second = make_article(headline="First"), make_article(headline="Second")
    html = cards_html([listed(second), listed(first)], heading_level=2, show_section=False)
    assert html.count('<h2 class="card-headline">') == 2
    assert html.index("Second") < html.index("First")
    assert "section-label" not in html


def test_list_pages_show_the_cards(client):
    sport = make_section(name="Sport", slug="sport")
    article = make_article(headline="Cup final tonight", section=sport)
    make_article(headline="Newer, so the lead")
    page = client.get("/").content.decode()
    assert '<h3 class="card-headline"><a href="' + article.get_absolute_url() in page
    # Under its own section's heading, a card does not name the section again.
    section_page = client.get("/section/sport/").content.decode()
    assert '<h2 class="card-headline">' in section_page
    assert "Cup final tonight" in section_page
    assert 'class="kicker section-label"' not in section_page.split('<div class="cards">')[1]
