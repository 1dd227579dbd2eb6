"""The rules of "Post Comment", in the order readers meet them (issue 3, rules 1–7)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments import posting
from comments.models import Comment
from tests.comments.helpers import form_data, post
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


def _approved_author(article, name="Jane Reader", email="jane@example.com"):
    """Give the default poster an earlier approved comment, so rule 6 approves them."""
    earlier = make_comment(article, name=name, email=email, text="An earlier remark.")
    Comment.objects.filter(pk=earlier.pk).update(created=timezone.now() - timedelta(hours=1))
    return earlier


# Rule 1: fields.


def test_empty_comment_is_refused_with_400_and_wordpress_message(client):
    article = make_article()
    response = post(client, article, comment="   ")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please type your comment text." in html
    assert 'id="comment_error"' in html and 'aria-describedby="comment_error"' in html
    assert 'value="Jane Reader"' in html
    assert Comment.objects.count() == 0


def test_bad_email_is_refused_and_the_text_is_kept(client):
    article = make_article()
    response = post(client, article, email="not-an-address", comment="Keep <these> words")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please enter a valid email address." in html
    assert "Keep &lt;these&gt; words</textarea>" in html
    assert 'aria-invalid="true"' in html


def test_missing_name_and_email_are_refused(client):
    response = post(client, make_article(), author="", email="")
    assert response.status_code == 400
    assert "Please enter your name." in response.content.decode()
    assert "Please enter your email address." in response.content.decode()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("comment", "x" * 65526, "Your comment is too long."),
        ("author", "n" * 246, "Your name is too long."),
        ("email", "e" * 90 + "@example.com", "Your email address is too long."),
        ("url", "https://example.com/" + "p" * 181, "Your website address is too long."),
    ],
)
def test_wordpress_length_limits_are_enforced(client, field, value, message):
    response = post(client, make_article(), **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_values_at_the_wordpress_limits_are_accepted(client):
    article = make_article()
    response = post(
        client,
        article,
        comment="x" * 65525,
        author="n" * 245,
        email="e" * 88 + "@example.com",
        url="https://example.com/" + "p" * 180,
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert len(comment.text) == 65525 and len(comment.name) == 245
    assert len(comment.email) == 100 and len(comment.website) == 200


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/", "data:text/html,x"])
def test_website_must_be_http_or_https(client, url):
    response = post(client, make_article(), url=url)
    assert response.status_code == 400
    assert "Please enter a web address starting with http:// or https://." in (
        response.content.decode()
    )


@pytest.mark.parametrize("field", ["author", "url"])
@pytest.mark.parametrize("breaker", ["\n", "\r", "\u2028"])
def test_single_line_fields_refuse_line_breaks(client, field, breaker):
    value = {"author": f"Jane{breaker}Reader", "url": f"https://example.com/a{breaker}b"}[field]
    response = post(client, make_article(), **{field: value})
    assert response.status_code == 400
    assert "Line breaks are not allowed here." in response.content.decode()


def test_email_with_a_line_break_is_refused(client):
    response = post(client, make_article(), email="jane@example.com\nBcc: x@example.com")
    assert response.status_code == 400
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("control", ["\u202a", "\u202e", "\u2066", "\u2069"])
@pytest.mark.parametrize("field", ["author", "email", "url"])
def test_single_line_fields_refuse_bidi_controls(client, field, control):
    values = {
        "author": f"Jane{control}Reader",
        "email": f"jane{control}@example.com",
        "url": f"https://example.com/{control}x",
    }
    response = post(client, make_article(), **{field: values[field]})
    assert response.status_code == 400
    assert "Text direction control characters are not allowed here." in (response.content.decode())


def test_zero_width_characters_are_stripped_from_names(client):
    article = make_article()
    _approved_author(article)
    response = post(client, article, author="Ja\u200bne\u200d Re\ufeffader\u2060")
    assert response.status_code == 302
    assert Comment.objects.latest("pk").name == "Jane Reader"


def test_a_name_of_only_zero_width_characters_is_missing(client):
    response = post(client, make_article(), author="\u200b\u200c")
    assert response.status_code == 400
    assert "Please enter your name." in response.content.decode()


def test_bidi_controls_are_stripped_from_the_comment_text(client):
    article = make_article()
    post(client, article, comment="evil\u202e txet \u2066reversed\u2069")
    assert Comment.objects.get().text == "evil txet reversed"


def test_email_is_stored_in_lower_case(client):
    article = make_article()
    post(client, article, email="Jane@Example.COM")
    assert Comment.objects.get().email == "jane@example.com"


# Rule 2: closed comments.


def test_comments_closed_by_the_editor_answer_403(client):
    article = make_article(allow_comments=False)
    response = post(client, article, comment="Let me in")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Sorry, comments are closed for this item." in html
    assert 'class="comment-form"' not in html
    assert "Let me in" in html
    assert Comment.objects.count() == 0


def test_field_errors_come_before_the_closed_rule(client):
    response = post(client, make_article(allow_comments=False), comment="")
    assert response.status_code == 400


def test_comments_close_after_the_configured_days(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    old = make_article(published_at=timezone.now() - timedelta(days=15))
    recent = make_article(published_at=timezone.now() - timedelta(days=13))
    assert post(client, old).status_code == 403
    assert post(client, recent, ip="203.0.113.8").status_code == 302


def test_comments_stay_open_on_old_articles_by_default(client, settings):
    assert settings.COMMENTS_CLOSE_AFTER_DAYS == 0
    article = make_article(published_at=timezone.now() - timedelta(days=3650))
    assert post(client, article).status_code == 302


def test_closed_article_page_shows_no_form(client):
    article = make_article(allow_comments=False)
    make_comment(article, text="Said before closing.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Said before closing." in html
    assert "Comments are closed." in html
    assert 'class="comment-form"' not in html and "Reply</a>" not in html


# Rule 3: spam guards.


def test_filled_honeypot_is_stored_as_spam_never_approved(client):
    article = make_article()
    _approved_author(article)
    response = post(client, article, honeypot="http://cheap-pills.example")
    assert response.status_code == 302
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.SPAM
    page = client.get(article.get_absolute_url())
    # Shown to the bot that posted it as if held, so it cannot tell; never to anyone else.
    assert "Your comment is awaiting moderation." in page.content.decode()
    assert f"comment-{comment.pk}" not in client_without_cookies(article)


def client_without_cookies(article):
    from django.test import Client

    return Client().get(article.get_absolute_url()).content.decode()


def test_form_posted_faster_than_min_seconds_is_refused(client, settings):
    assert settings.COMMENTS_MIN_SECONDS == 3
    article = make_article()
    response = post(client, article, age=1, comment="Too quick")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please take a moment" in html
    assert "Too quick</textarea>" in html
    assert Comment.objects.count() == 0


def test_form_just_older_than_min_seconds_is_accepted(client):
    assert post(client, make_article(), age=4).status_code == 302


def test_form_older_than_two_hours_is_refused_with_a_fresh_one(client):
    article = make_article()
    response = post(client, article, age=2 * 60 * 60 + 5, comment="Written slowly")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This form was open too long" in html
    assert "Written slowly</textarea>" in html
    assert Comment.objects.count() == 0


def test_form_an_hour_and_a_half_old_is_accepted(client):
    assert post(client, make_article(), age=90 * 60).status_code == 302


@pytest.mark.parametrize("security", ["", "garbage", "abc:def:ghi"])
def test_broken_signature_is_refused(client, security):
    response = post(client, make_article(), security=security)
    assert response.status_code == 400
    assert "The form was changed or damaged." in response.content.decode()
    assert Comment.objects.count() == 0


def test_form_signed_for_another_article_is_refused(client):
    article, other = make_article(), make_article()
    data = form_data(other)
    response = client.post(reverse("comments:post", args=[article.pk]), data)
    assert response.status_code == 400
    assert Comment.objects.count() == 0


# Rule 4: flood.


def test_second_comment_from_same_ip_within_flood_seconds_is_429(client, settings):
    assert settings.COMMENTS_FLOOD_SECONDS == 15
    article = make_article()
    assert post(client, article, email="one@example.com").status_code == 302
    response = post(client, article, email="two@example.com", comment="Again, quickly")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 15
    html = response.content.decode()
    assert "You are posting comments too quickly. Slow down." in html
    assert "Again, quickly</textarea>" in html


def test_second_comment_from_same_email_within_flood_seconds_is_429(client):
    article = make_article()
    assert post(client, article, ip="198.51.100.1").status_code == 302
    response = post(client, article, ip="198.51.100.2", comment="Different words")
    assert response.status_code == 429


def test_flood_rule_lets_a_comment_through_after_the_window(client):
    article = make_article()
    assert post(client, article).status_code == 302
    Comment.objects.update(created=timezone.now() - timedelta(seconds=16))
    assert post(client, article, comment="Later thoughts").status_code == 302


def test_staff_are_exempt_from_the_flood_rule(client):
    editor = make_user(is_staff=True, email="ed@example.com")
    client.force_login(editor)
    article = make_article()
    assert post(client, article, email="ed@example.com").status_code == 302
    assert post(client, article, email="ed@example.com", comment="More").status_code == 302
    assert Comment.objects.approved().count() == 2


@pytest.mark.parametrize("trusted", [0, 1])
def test_forged_forwarded_for_does_not_dodge_the_flood_rule(client, settings, trusted):
    settings.TRUSTED_PROXY_COUNT = trusted
    article = make_article()
    first = post(
        client,
        article,
        email="a@example.com",
        headers={"HTTP_X_FORWARDED_FOR": "10.0.0.1, 203.0.113.7"} if trusted else {},
    )
    assert first.status_code == 302
    # The client prepends a made-up address; the proxy appends the real one.
    forged = "10.9.9.9" if not trusted else "10.9.9.9, 203.0.113.7"
    second = post(
        client,
        article,
        email="b@example.com",
        comment="Other",
        headers={"HTTP_X_FORWARDED_FOR": forged},
    )
    assert second.status_code == 429
    assert Comment.objects.get().ip_address == "203.0.113.7"


def test_trusted_proxy_count_defaults_to_zero(settings):
    assert settings.TRUSTED_PROXY_COUNT == 0


# Rule 5: duplicates and the one-time token.


def test_same_email_and_text_on_same_article_is_409(client):
    article = make_article()
    assert post(client, article, comment="Same words").status_code == 302
    Comment.objects.update(created=timezone.now() - timedelta(minutes=5))
    response = post(client, article, comment="Same words")
    assert response.status_code == 409
    assert (
        "Duplicate comment detected; it looks as though you\u2019ve already said that!"
        in response.content.decode()
    )
    assert Comment.objects.count() == 1


def test_same_text_as_a_reply_elsewhere_is_not_a_duplicate(client):
    article = make_article()
    parent = make_comment(article)
    assert post(client, article, comment="Agreed.").status_code == 302
    Comment.objects.update(created=timezone.now() - timedelta(minutes=5))
    assert post(client, article, comment="Agreed.", parent=str(parent.pk)).status_code == 302


def test_same_form_posted_twice_stores_one_row_and_answers_with_it(client):
    article = make_article()
    data = form_data(article, token="double-click-token")
    url = reverse("comments:post", args=[article.pk])
    first = client.post(url, data, REMOTE_ADDR="203.0.113.7")
    second = client.post(url, data, REMOTE_ADDR="203.0.113.7")
    comment = Comment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert second["Location"].endswith(f"#comment-{comment.pk}")
    assert comment.submission_token == "double-click-token"


def test_reused_form_with_new_words_is_refused_with_a_fresh_form(client):
    article = make_article()
    url = reverse("comments:post", args=[article.pk])
    client.post(url, form_data(article, token="t1"), REMOTE_ADDR="203.0.113.7")
    response = client.post(url, form_data(article, token="t1", comment="Edited after going back"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "This form was already used" in html
    assert "Edited after going back</textarea>" in html
    assert Comment.objects.count() == 1


# Rule 6 through the view (the decision function has its own tests).


def test_first_comment_from_a_new_author_is_held(client):
    response = post(client, make_article())
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_known_author_is_approved_at_once(client):
    article = make_article()
    _approved_author(article)
    post(client, article)
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED


def test_disallowed_word_files_the_comment_as_spam_silently(client, settings):
    settings.COMMENTS_DISALLOWED_WORDS = ["viagra"]
    article = make_article()
    _approved_author(article)
    response = post(client, article, comment="Buy VIAGRA now")
    assert response.status_code == 302
    assert Comment.objects.latest("pk").status == Comment.Status.SPAM


def test_disallowed_word_in_the_user_agent_counts(client, settings):
    settings.COMMENTS_DISALLOWED_WORDS = ["EvilBot"]
    article = make_article()
    _approved_author(article)
    post(client, article, headers={"HTTP_USER_AGENT": "Mozilla/5.0 (evilbot 2.0)"})
    assert Comment.objects.latest("pk").status == Comment.Status.SPAM


def test_staff_comment_is_approved(client):
    editor = make_user(is_staff=True)
    client.force_login(editor)
    article = make_article()
    post(client, article, comment="From the newsroom: see https://a.example https://b.example")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert comment.user == editor


# Rule 7: success.


def test_success_redirects_to_the_comment_anchor(client):
    article = make_article()
    _approved_author(article)
    response = post(client, article)
    comment = Comment.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"


def test_success_on_a_later_page_of_threads_redirects_to_that_page(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    article = make_article()
    for _ in range(3):
        make_comment(article, created=None)
    Comment.objects.update(created=timezone.now() - timedelta(hours=1))
    _approved_author(article)
    response = post(client, article)
    comment = Comment.objects.latest("pk")
    assert response["Location"] == (f"{article.get_absolute_url()}?cpage=3#comment-{comment.pk}")


def test_posting_is_post_only(client):
    article = make_article()
    assert client.get(reverse("comments:post", args=[article.pk])).status_code == 405


@pytest.mark.parametrize(
    "fields",
    [{"status": Article.Status.DRAFT}, {"published_at": timezone.now() + timedelta(days=1)}],
)
def test_posting_to_an_unpublished_article_is_404(client, fields):
    article = make_article(**fields)
    assert post(client, article).status_code == 404
    assert Comment.objects.count() == 0


def test_posting_to_a_missing_article_is_404(client):
    assert client.post(reverse("comments:post", args=[999999]), {}).status_code == 404


def test_nul_bytes_anywhere_never_cause_a_500(client):
    article = make_article()
    response = post(
        client,
        article,
        comment="a\x00b",
        author="x\x00y",
        headers={"HTTP_USER_AGENT": "agent\x00"},
    )
    assert response.status_code == 400


def test_nul_in_user_agent_is_dropped(client):
    article = make_article()
    assert post(client, article, headers={"HTTP_USER_AGENT": "agent\x00x"}).status_code == 302
    assert Comment.objects.get().user_agent == "agentx"


def test_the_shared_function_returns_an_outcome(rf):
    article = make_article()
    request = rf.post("/", REMOTE_ADDR="192.0.2.55")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    outcome = posting.post_comment(article, form_data(article), request)
    assert outcome.status_code == 302 and outcome.ok
    assert outcome.comment.ip_address == "192.0.2.55"
    refused = posting.post_comment(article, form_data(article, comment=""), request)
    assert refused.status_code == 400 and not refused.ok
    assert refused.form.errors["comment"] == ["Please type your comment text."]
