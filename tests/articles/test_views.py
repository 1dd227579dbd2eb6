from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editor import library_src
from articles.models import Article
from tests.factories import make_article, make_image, make_tag, make_user

pytestmark = pytest.mark.django_db


def test_home_shows_lead_story_with_picture_and_latest(client):
    older = make_article(headline="Older story", published_at=timezone.now() - timedelta(days=2))
    lead = make_article(headline="Newest story", featured_image=make_image())
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["lead"] == lead
    assert list(response.context["article_list"]) == [older]
    html = response.content.decode()
    assert 'id="lead-headline"' in html
    lead_rendition = lead.featured_image.renditions.filter(crop="16:9", format="webp").first()
    assert lead_rendition.url in html
    assert lead.featured_image.file.name not in html


def test_home_paginates(client, settings):
    for day in range(12):
        make_article(published_at=timezone.now() - timedelta(days=day + 1))
    first = client.get("/")
    second = client.get("/?page=2")
    assert first.context["page_obj"].paginator.num_pages == 2
    assert second.status_code == 200
    assert "lead" not in second.context
    assert len(second.context["article_list"]) == 2


def test_home_out_of_range_page_is_404(client):
    make_article()
    assert client.get("/?page=9").status_code == 404


def test_home_hides_drafts_and_scheduled(client):
    make_article(headline="Secret draft", status=Article.Status.DRAFT)
    make_article(headline="Tomorrow's news", published_at=timezone.now() + timedelta(days=1))
    html = client.get("/").content.decode()
    assert "Secret draft" not in html
    assert "Tomorrow" not in html


def test_article_page_shows_everything_readers_need(client):
    tags = [make_tag(name="Council"), make_tag(name="Budget")]
    image = make_image(alt_text="Councillors at the vote", caption="The vote", credit="Reuters")
    article = make_article(
        headline="Council passes budget",
        standfirst="The vote was close.",
        body="<p>First paragraph with <strong>bold</strong>.</p>",
        featured_image=image,
        tags=tags,
        authors=[make_user(first_name="Ana", last_name="Ruiz")],
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Council passes budget</h1>" in html
    assert "The vote was close." in html
    author = article.ordered_authors[0]
    assert f'By <a href="/author/{author.username}/" rel="author">Ana Ruiz</a>' in html
    assert "<figure" in html and "<figcaption>The vote" in html
    assert 'alt="Councillors at the vote"' in html
    assert "Photo: Reuters" in html
    assert "<strong>bold</strong>" in html
    for tag in tags:
        assert f'href="{tag.get_absolute_url()}"' in html
    assert 'id="comments"' in html
    assert "Updated" not in html


def test_article_page_says_updated_after_an_edit(client):
    article = make_article()
    article.standfirst = "A corrected standfirst."
    article.save()
    assert "Updated" in client.get(article.get_absolute_url()).content.decode()


def test_draft_article_is_404(client):
    article = make_article(status=Article.Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_article_is_404_until_its_time(client):
    article = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_wrong_date_in_address_redirects_to_the_permalink(client):
    article = make_article(slug="the-story")
    response = client.get("/2001/01/01/the-story/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_impossible_date_is_404(client):
    make_article(slug="the-story")
    assert client.get("/2001/ab/01/the-story/").status_code == 404


def test_tag_page_lists_only_its_published_articles(client):
    tag = make_tag(name="Sport", slug="sport", description="Matches and results.")
    mine = make_article(headline="Derby result", tags=[tag])
    make_article(headline="Unrelated story")
    make_article(headline="Draft match report", tags=[tag], status=Article.Status.DRAFT)
    response = client.get("/tag/sport/")
    assert response.status_code == 200
    assert list(response.context["article_list"]) == [mine]
    html = response.content.decode()
    assert "<h1>Sport</h1>" in html and "Matches and results." in html
    assert "Draft match report" not in html


def test_unknown_tag_is_404(client):
    assert client.get("/tag/nothing-here/").status_code == 404


def test_404_page_is_styled(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"/static/css/site.css" in response.content


def test_500_page_is_styled(client, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html


def test_public_pages_send_a_content_security_policy(client):
    article = make_article()
    for url in ["/", article.get_absolute_url()]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "object-src 'none'" in policy


def _many_articles(count, tags_each):
    tags = [make_tag() for _ in range(tags_each)]
    author = make_user()
    for day in range(count):
        make_article(
            featured_image=make_image(),
            tags=tags,
            authors=[author],
            published_at=timezone.now() - timedelta(days=day + 1),
        )


@pytest.mark.parametrize("count,tags_each", [(1, 1), (10, 8), (30, 3)])
def test_home_query_count_is_fixed(client, django_assert_num_queries, count, tags_each):
    _many_articles(count, tags_each)
    client.get("/")  # The first view makes the pictures' renditions; later views reuse them.
    # count, page of articles with pictures (and approved-comment counts, a subquery in the
    # same query), their authors, the pictures' renditions (one prefetch, however many
    # pictures and sizes), the front page's pins; cards show no tags, so none are
    # fetched. With no sections there are no section blocks to read
    # (tests/articles/test_front_page.py counts them).
    with django_assert_num_queries(5):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("tags_each", [1, 12])
def test_article_query_count_is_fixed(client, django_assert_num_queries, tags_each):
    tags = [make_tag() for _ in range(tags_each)]
    authors = [make_user() for _ in range(3)]
    pictures = [make_image() for _ in range(tags_each)]
    body = "".join(
        f'<p><img src="{library_src(image.file.name)}" alt="In the body"></p>' for image in pictures
    )
    article = make_article(featured_image=make_image(), tags=tags, authors=authors, body=body)
    client.get(article.get_absolute_url())  # Makes the renditions once.
    # the article with its picture and approved-comment and correction counts
    # (subqueries), its tags, its authors (in byline order), its visible comments (all
    # of them, in one query: comments/views.py), the library pictures in the body, and
    # the renditions of every picture, featured or in the body, in one query; the
    # related stories (one query: tests/articles/test_related.py)
    with django_assert_num_queries(7):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_article_without_body_pictures_skips_the_body_picture_query(
    client, django_assert_num_queries
):
    article = make_article(featured_image=make_image(), body="<p>Words only.</p>")
    client.get(article.get_absolute_url())  # Makes the renditions once.
    # the article, its tags, its authors, its comments, the featured picture's renditions
    with django_assert_num_queries(5):
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_tag_page_query_count_is_fixed(client, django_assert_num_queries, count):
    tag = make_tag(slug="busy")
    for _ in range(count):
        make_article(tags=[tag, make_tag()], featured_image=make_image())
    client.get("/tag/busy/")  # Makes the renditions once.
    # the tag, count, page of articles, their authors, the pictures' renditions
    with django_assert_num_queries(5):
        assert client.get("/tag/busy/").status_code == 200


def test_staff_see_an_edit_link_readers_do_not(client, admin_client):
    article = make_article()
    edit_url = f"/admin/articles/article/{article.pk}/change/"
    assert (
        f'href="{edit_url}">Edit</a>'
        in admin_client.get(article.get_absolute_url()).content.decode()
    )
    assert edit_url not in client.get(article.get_absolute_url()).content.decode()


def test_article_page_tells_link_previews_what_to_show(client):
    image = make_image(alt_text="The harbour at dawn")
    article = make_article(
        headline="Ferry returns", standfirst="Crossings resume.", featured_image=image
    )
    html = client.get(article.get_absolute_url()).content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Ferry returns">' in html
    assert '<meta property="og:description" content="Crossings resume.">' in html
    assert '<meta property="og:image" content="http://testserver/media/renditions/' in html
    assert '<meta property="og:image:alt" content="The harbour at dawn">' in html


def test_page_cache_keeps_hosts_apart(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.ALLOWED_HOSTS = ["news.example.com", "www.news.example.com"]
    article = make_article()
    client.get(article.get_absolute_url(), HTTP_HOST="news.example.com")
    html = client.get(article.get_absolute_url(), HTTP_HOST="www.news.example.com").content
    assert b'href="http://www.news.example.com/' in html
    assert b"http://news.example.com/" not in html


def test_pictures_on_another_host_are_allowed_by_the_policy(client, settings):
    settings.MEDIA_URL = "https://media.example.net/newsroom/"
    policy = client.get("/")["Content-Security-Policy"]
    assert "img-src 'self' https://media.example.net;" in policy


@pytest.mark.parametrize(
    "path",
    ["/2026/1_1/27/{slug}/", "/2026/+1/27/{slug}/", "/2026/٠١/27/{slug}/", "/26/01/27/{slug}/"],
)
def test_permalinks_have_one_spelling(client, path):
    article = make_article(slug="one-address")
    assert client.get(path.format(slug=article.slug)).status_code == 404
