import io
import statistics
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Image, Tag
from comments.models import Comment
from synthetic.archive import COMMON_WORD, MISSING_WORD, RARE_WORD, WORDS_FILE
from synthetic.make_words import build_words
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

ARTICLES, COMMENTS = 60, 600


def generate(*args, **options):
    """Run generate_archive; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    options.setdefault("verbosity", 0)
    call_command("generate_archive", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def archive():
    generate(articles=ARTICLES, comments=COMMENTS, seed=11)


def snapshot():
    """Return what a seed decides: the text of every article and comment, in order."""
    articles = list(
        Article.objects.order_by("pk").values_list("headline", "slug", "standfirst", "body")
    )
    tags = list(Article.objects.order_by("pk").annotate(n=Count("tags")).values_list("slug", "n"))
    comments = list(
        Comment.objects.order_by("pk").values_list(
            "name", "email", "text", "status", "article__slug"
        )
    )
    return articles, tags, comments


def test_shipped_word_list_is_the_one_its_source_builds():
    assert WORDS_FILE.read_text().split() == build_words()
    assert COMMON_WORD in build_words()
    assert RARE_WORD not in build_words() and MISSING_WORD not in build_words()


def test_archive_has_the_requested_counts(archive):
    assert Article.objects.count() == ARTICLES
    assert Comment.objects.count() == COMMENTS
    assert Image.objects.count() == 10
    assert Tag.objects.count() == 500
    assert get_user_model().objects.filter(is_staff=True, articles__isnull=False).exists()
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert Article.objects.scheduled().exists()
    assert Article.objects.published().count() >= ARTICLES - 3


def test_progress_is_reported_on_stderr_per_phase():
    out, err = generate(articles=20, comments=100, seed=3, verbosity=1)
    assert "100/100" in err and "comments" in err and "articles" in err
    assert "Generated 20 articles, 100 comments" in out
    assert f"missing {MISSING_WORD!r}" in out


def test_derived_fields_equal_what_save_produces(archive):
    for article in Article.objects.order_by("?")[:5]:
        stored_body, stored_text = article.body, article.body_text
        assert stored_text and "<" not in stored_text
        article.save()
        article.refresh_from_db()
        assert (article.body, article.body_text) == (stored_body, stored_text)
    assert not Article.body_images.through.objects.exists()
    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))


def test_bodies_are_long_paragraphs_with_subheadings(archive):
    bodies = list(Article.objects.values_list("body", "body_text"))
    words = statistics.mean(len(text.split()) for _, text in bodies)
    assert 650 < words < 1000
    assert all(body.startswith("<p>") for body, _ in bodies)
    assert sum("<h2>" in body for body, _ in bodies) > ARTICLES / 2


def test_comments_are_plausible_threads(archive):
    comments = {c.pk: c for c in Comment.objects.select_related("article")}
    statuses = Counter(c.status for c in comments.values())
    assert statuses["approved"] > statuses["pending"] > 0 and statuses["spam"] > 0
    depths = []
    for comment in comments.values():
        assert comment.email == comment.email.lower()
        assert comment.article.published_at < comment.created <= timezone.now()
        depth, node = 1, comment
        while node.parent_id is not None:
            parent = comments[node.parent_id]
            assert parent.article_id == comment.article_id and parent.created <= node.created
            assert parent.status == Comment.Status.APPROVED
            node, depth = parent, depth + 1
        depths.append(depth)
        if hasattr(comment, "thread_root_id"):
            # The approved comment heading the thread; null on the one heading it.
            assert comment.thread_root_id == (node.pk if comment.parent_id else None)
    assert max(depths) >= 3


def test_popularity_is_skewed_as_in_a_real_archive(archive):
    per_tag = list(
        Tag.objects.annotate(n=Count("articles")).filter(n__gt=0).values_list("n", flat=True)
    )
    assert max(per_tag) > 2 * statistics.mean(per_tag)
    per_article = list(
        Article.objects.published().annotate(n=Count("comments")).values_list("n", flat=True)
    )
    assert max(per_article) > 5 * max(statistics.median(per_article), 1)


def test_pictures_are_real_files_without_renditions(archive):
    for image in Image.objects.all():
        with image.file.open("rb") as stored, PILImage.open(stored) as picture:
            assert picture.size == (image.width, image.height)
        assert image.file_size == image.file.size and image.alt_text
    assert not Image.objects.filter(renditions__isnull=False).exists()


def test_published_pages_render(archive, client):
    busiest = Article.objects.published().annotate(n=Count("comments")).order_by("-n").first()
    tag = Tag.objects.annotate(n=Count("articles")).order_by("-n").first()
    author = get_user_model().objects.annotate(n=Count("articles")).order_by("-n").first()
    for url in (
        "/",
        busiest.get_absolute_url(),
        tag.get_absolute_url(),
        f"/author/{author.username}/",
        "/feed/",
        "/sitemap.xml",
    ):
        assert client.get(url).status_code == 200, url
    rare = client.get("/search/", {"q": RARE_WORD})
    missing = client.get("/search/", {"q": MISSING_WORD})
    found = Article.objects.published().filter(body_text__contains=RARE_WORD)
    assert found.exists()
    assert found.first().headline.encode() in rare.content
    assert missing.status_code == 200 and not missing.context["article_list"]


def test_same_seed_gives_the_same_archive_and_another_seed_does_not():
    generate(articles=30, comments=200, seed=5)
    first = snapshot()
    _empty_database()
    generate(articles=30, comments=200, seed=5)
    assert snapshot() == first
    _empty_database()
    generate(articles=30, comments=200, seed=6)
    assert snapshot()[0] != first[0]


def test_refuses_a_database_that_holds_real_content():
    make_article(headline="A real story")
    with pytest.raises(CommandError, match="already holds 1 articles"):
        generate(articles=10, comments=10, seed=1)
    assert list(Article.objects.values_list("headline", flat=True)) == ["A real story"]
    assert not Tag.objects.exists() and not Image.objects.exists()


def test_force_adds_an_archive_beside_existing_content():
    make_article(headline="A real story")
    generate(articles=10, comments=20, seed=1, force=True)
    assert Article.objects.count() == 11
    assert Article.objects.filter(headline="A real story").exists()
    # Rows were written with explicit ids: the sequences must have moved past them.
    highest = Article.objects.order_by("-pk")[0].pk
    assert make_article().pk > highest
    assert make_comment().pk > Comment.objects.exclude(text__startswith="Comment number")[0].pk


def _empty_database():
    Comment.objects.all().delete()
    Article.objects.all().delete()
    Image.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()
