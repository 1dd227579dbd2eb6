"""Names that read like the staff's, a reserved word or the site's wait for a moderator."""

from datetime import timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.text import reading_key, skeleton
from tests.comments.helpers import post
from tests.factories import make_article, make_comment, make_staff, make_user

pytestmark = pytest.mark.django_db

_addresses = count(1)


def _post_as_known_author(client, article, name, **fields):
    """Post as an author with an earlier approved comment under this name, and return it.

    Each post comes from its own address and IP, so the flood rule never answers.
    """
    number = next(_addresses)
    email = f"author{number}@example.com"
    earlier = make_comment(article, name=name, email=email, text=f"Earlier remark {number}.")
    Comment.objects.filter(pk=earlier.pk).update(created=timezone.now() - timedelta(hours=1))
    response = post(
        client, article, ip=f"198.51.100.{number % 250 + 1}", author=name, email=email, **fields
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Comment.objects.exclude(pk=earlier.pk).get(email=email)


@pytest.mark.parametrize(
    "name",
    [
        "Admin",
        "ADMIN",
        "\u0410dmin",  # Cyrillic capital A
        "\u0430dmin",  # Cyrillic small a
        "Ad\u00admin",  # soft hyphen
        "A\u2063dmin",  # invisible separator
        "\U0001d400\U0001d41d\U0001d426\U0001d422\U0001d427",  # mathematical bold
        "\uff41\uff44\uff4d\uff49\uff4e",  # full-width
        "A\u0301dmin",  # an accent
        "Ad min",
        "The Editor",
        "Jane, site moderator",
        "Newsroom",
        "NEWSR00M",
        "Staff",
        "adm<b></b>in",
    ],
)
def test_a_name_reading_like_a_reserved_word_is_held_even_from_a_known_author(client, name):
    comment = _post_as_known_author(client, make_article(), name)
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "name", ["Adam", "Badminton Fan", "Editorial Reader", "Jane Reader", "Zoë", "محمد", "李小龙"]
)
def test_ordinary_names_from_a_known_author_are_approved(client, name):
    comment = _post_as_known_author(client, make_article(), name)
    assert comment.status == Comment.Status.APPROVED


def test_cyrillic_a_admin_and_adam_side_by_side(client):
    article = make_article()
    assert _post_as_known_author(client, article, "\u0410dmin").status == "pending"
    assert _post_as_known_author(client, article, "Adam").status == "approved"


def test_the_reserved_names_are_a_setting_and_the_site_name_always_counts(client, settings):
    settings.COMMENTS_RESERVED_NAMES = ["Chief"]
    settings.SITE_NAME = "Harbour Times"
    article = make_article()
    assert _post_as_known_author(client, article, "\u0421hief").status == "pending"
    assert _post_as_known_author(client, article, "HARBOUR TIMES").status == "pending"
    # No longer reserved once the operator's list leaves it out (and no staff has it).
    assert _post_as_known_author(client, article, "Admin").status == "approved"
    assert _post_as_known_author(client, article, "Newsroom").status == "approved"


def test_the_site_name_editors_set_counts_too(client):
    from pages.models import SiteSettings

    SiteSettings.objects.update_or_create(pk=1, defaults={"site_name": "The Wend Courier"})
    article = make_article()
    assert _post_as_known_author(client, article, "The Wend C\u043eurier").status == "pending"
    assert _post_as_known_author(client, article, "Wendy Courtier").status == "approved"


@pytest.fixture
def rita():
    return make_staff("Reporters", username="rwriter", first_name="Rita", last_name="Reporter")


@pytest.mark.parametrize(
    "name",
    [
        "Rita Reporter",
        "R\u0456ta Rep\u043erter",  # Cyrillic і and о
        "RITA  REPORTER",
        "Rita Reporter (the real one)",
        "RitaReporter",
        "rwriter",
        "rwr\u0456ter",  # Cyrillic і
    ],
)
def test_a_name_reading_like_a_staff_members_is_held(client, rita, name):
    assert _post_as_known_author(client, make_article(), name).status == "pending"


# "д" and "т" are Cyrillic letters that read as no Latin one.
@pytest.mark.parametrize(
    "name",
    ["Rita", "Rita Jones", "Reporter Fan", "Writer", "Rita Repor\u0442er", "\u0430\u0434min"],
)
def test_names_sharing_only_a_word_with_staff_or_unlike_it_are_approved(client, rita, name):
    assert _post_as_known_author(client, make_article(), name).status == "approved"


def test_former_and_renamed_staff_are_looked_up_as_they_are_now(client, rita):
    article = make_article()
    assert _post_as_known_author(client, article, "Rita Reporter").status == "pending"
    # Renamed: the cached names are forgotten with the save.
    rita.last_name = "Redacted"
    rita.save()
    assert _post_as_known_author(client, article, "Rita Reporter").status == "approved"
    assert _post_as_known_author(client, article, "Rita Redacted").status == "pending"
    # No longer staff: their name is free again.
    rita.is_staff = False
    rita.save()
    assert _post_as_known_author(client, article, "Rita Redacted").status == "approved"
    # A new staff account counts from its first save.
    make_staff("Editors", username="newdesk", first_name="Nora", last_name="Desk")
    assert _post_as_known_author(client, article, "Nora Desk").status == "pending"


def test_a_login_does_not_empty_the_cached_staff_names(client, rita):
    from django.core.cache import cache

    from comments.moderation import STAFF_NAMES_CACHE_KEY, staff_name_keys

    staff_name_keys()
    client.force_login(rita)
    rita.last_login = timezone.now()
    rita.save(update_fields=["last_login"])
    assert cache.get(STAFF_NAMES_CACHE_KEY) == {"rita reporter", "rwriter"}


def test_a_staff_member_logged_in_posts_under_their_own_name(client, rita):
    client.force_login(rita)
    response = post(client, make_article(), author="Rita Reporter", email="rita@example.com")
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.APPROVED


def test_a_reader_logged_in_without_staff_rights_is_checked_like_anyone(client, rita):
    client.force_login(make_user(username="reader1"))
    article = make_article()
    assert _post_as_known_author(client, article, "Rita Reporter").status == "pending"


def _queries_for_a_post(client, article, **fields):
    with CaptureQueriesContext(connection) as captured:
        _post_as_known_author(client, article, **fields)
    # The helper's own rows (the earlier comment) are made before the capture starts.
    return len(captured.captured_queries)


def test_a_post_costs_the_same_queries_however_many_staff_and_users_there_are(client):
    from django.core.cache import cache

    article = make_article()
    make_staff("Editors", first_name="Only", last_name="One")
    cache.clear()
    few = _queries_for_a_post(client, article, name="Jane Reader")
    for number in range(30):
        make_staff("Reporters", first_name=f"Staff{number}", last_name="Member")
        make_user(first_name=f"Reader{number}")
    cache.clear()
    many = _queries_for_a_post(client, article, name="John Reader")
    assert few == many
    # With the staff names (one query) and the site settings and pages (two, once per
    # page cache generation: pages/furniture.py) cached, the usual case, three fewer.
    assert _queries_for_a_post(client, article, name="June Reader") == many - 3


def test_check_again_holds_a_stored_comment_whose_name_reads_like_staff(client, rita):
    editor = make_staff("Editors")
    client.force_login(editor)
    article = make_article()
    email = "known@example.com"
    make_comment(article, name="R\u0456ta Reporter", email=email)  # approved earlier
    held = make_comment(article, name="R\u0456ta Reporter", email=email, status="spam")
    plain = make_comment(article, name="Kim", email="kim@example.com", status="spam")
    make_comment(article, name="Kim", email="kim@example.com")
    data = {"action": "check_again", "_selected_action": [held.pk, plain.pk]}
    changelist = reverse("admin:comments_comment_changelist")
    assert client.post(changelist + "?status=all", data).status_code == 302
    held.refresh_from_db()
    plain.refresh_from_db()
    assert (held.status, plain.status) == ("pending", "approved")


def test_skeletons_follow_uts39_for_the_usual_lookalikes():
    assert skeleton("\u0430") == skeleton("a")  # Cyrillic а
    assert skeleton("\u03bf") == skeleton("o")  # Greek ο
    assert skeleton("1") == skeleton("l") == skeleton("I")
    assert skeleton("rn") == skeleton("m")
    assert skeleton("\u0434") != skeleton("d")
    assert reading_key("\u0410dmin") == reading_key("admin") != reading_key("adam")


def test_an_unreachable_cache_costs_a_query_not_the_post(client, rita, settings):
    # Nothing listens on this port (the helper's own range): the cache is down.
    down = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:8719/7",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    settings.CACHES = {"default": down, "pagecache_meta": down}
    article = make_article()
    assert _post_as_known_author(client, article, "Rita Reporter").status == "pending"
    # Saving a user (which empties the cached names) still works.
    rita.last_name = "Renamed"
    rita.save()
    assert _post_as_known_author(client, article, "Rita Renamed").status == "pending"
