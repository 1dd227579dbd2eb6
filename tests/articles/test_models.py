from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from articles.models import Article, Image
from tests.factories import make_article, make_image, make_tag, make_upload, make_user

pytestmark = pytest.mark.django_db


def test_published_includes_past_published_articles():
    article = make_article(published_at=timezone.now() - timedelta(minutes=1))
    assert list(Article.objects.published()) == [article]


def test_draft_article_is_not_published():
    make_article(status=Article.Status.DRAFT)
    assert not Article.objects.published().exists()


def test_future_article_is_scheduled_not_published():
    article = make_article(published_at=timezone.now() + timedelta(minutes=1))
    assert not Article.objects.published().exists()
    assert not article.is_public


def test_scheduled_article_appears_when_its_time_comes(time_machine):
    at = timezone.now() + timedelta(hours=2)
    article = make_article(published_at=at)
    time_machine.move_to(at - timedelta(seconds=1))
    assert not Article.objects.published().exists()
    time_machine.move_to(at + timedelta(seconds=1))
    assert list(Article.objects.published()) == [article]


def test_publishing_without_a_date_sets_it_to_now():
    article = make_article(status=Article.Status.PUBLISHED, published_at=None)
    assert article.published_at is not None
    assert article.published_at <= timezone.now()


def test_permalink_uses_local_date(settings):
    settings.TIME_ZONE = "America/New_York"
    # 02:30 UTC on 5 March is still 4 March in New York.
    when = datetime(2026, 3, 5, 2, 30, tzinfo=UTC)
    article = make_article(slug="late-night", published_at=when)
    assert article.get_absolute_url() == "/2026/03/04/late-night/"


def test_editing_a_published_article_marks_it_updated():
    article = make_article()
    assert article.updated_at is None
    article.body = "<p>Corrected figure.</p>"
    article.save()
    assert article.updated_at is not None


def test_editing_a_draft_does_not_mark_it_updated():
    article = make_article(status=Article.Status.DRAFT)
    article.body = "<p>Still drafting.</p>"
    article.save()
    assert article.updated_at is None


def test_saving_without_changes_does_not_mark_it_updated():
    article = make_article()
    article.save()
    assert article.updated_at is None


def test_body_is_sanitised_on_save():
    article = make_article(body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    article.refresh_from_db()
    assert article.body == "<p>Hi</p>"


def test_featured_image_cannot_be_deleted_while_used():
    image = make_image()
    make_article(featured_image=image)
    with pytest.raises(ProtectedError):
        image.delete()


def test_image_records_its_dimensions():
    image = make_image(file=make_upload(size=(120, 80)))
    assert (image.width, image.height) == (120, 80)


def test_image_is_stored_under_a_generated_name():
    image = make_image(file=make_upload(name="../../etc/passwd.jpg"))
    assert image.file.name.startswith("images/")
    assert "passwd" not in image.file.name
    assert image.file.name.endswith(".jpg")


def test_image_extension_follows_its_real_format():
    png = make_upload(name="graphic.jpg", image_format="PNG", content_type="image/png")
    image = make_image(file=png)
    assert image.file.name.endswith(".png")


def test_image_that_is_not_a_picture_is_refused():
    with pytest.raises(ValidationError):
        Image(file=make_upload(content=b"not a picture"), alt_text="x").full_clean()


def test_byline_joins_authors_names():
    authors = [
        make_user(first_name="Ana", last_name="Ruiz"),
        make_user(first_name="Ben", last_name="Okafor"),
        make_user(first_name="Chi", last_name="Lam"),
    ]
    article = make_article(authors=authors)
    assert article.display_byline == "Ana Ruiz, Ben Okafor and Chi Lam"


def test_byline_override_wins_over_authors():
    article = make_article(authors=[make_user()], byline="Reuters")
    assert article.display_byline == "Reuters"


def test_str_and_urls():
    tag = make_tag(name="Politics", slug="politics")
    image = make_image(caption="The square at dawn")
    article = make_article(headline="Council votes", slug="council-votes")
    assert str(tag) == "Politics"
    assert tag.get_absolute_url() == "/tag/politics/"
    assert str(image) == "The square at dawn"
    assert not hasattr(image, "get_absolute_url"), "originals have no public address"
    assert str(article) == "Council votes"
    assert article.get_absolute_url().endswith("/council-votes/")


def test_bulk_publish_keeps_a_scheduled_date():
    later = timezone.now() + timedelta(days=1)
    scheduled = make_article(status=Article.Status.DRAFT, published_at=later)
    undated = make_article(status=Article.Status.DRAFT)
    Article.objects.filter(pk__in=[scheduled.pk, undated.pk]).publish()
    scheduled.refresh_from_db()
    undated.refresh_from_db()
    assert scheduled.published_at == later
    assert undated.published_at <= timezone.now()
    assert Article.objects.published().get() == undated
