"""Text that hides, stacks or defaces: cleaned before it is stored, or held, and every
refusal says why."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.comments.helpers import post
from tests.factories import make_article, make_comment, make_staff

pytestmark = pytest.mark.django_db

KNOWN_NAME = "Jane Reader"
KNOWN_EMAIL = "jane@example.com"


@pytest.fixture
def article():
    article = make_article()
    # The default poster has an approved comment already, so only the rule under test
    # can hold theirs.
    earlier = make_comment(article, name=KNOWN_NAME, email=KNOWN_EMAIL, text="Earlier.")
    Comment.objects.filter(pk=earlier.pk).update(created=timezone.now() - timedelta(hours=1))
    return article


def _posted(client, article, **fields):
    response = post(client, article, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Comment.objects.latest("pk")


def _shown_errors(response):
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())


# NUL characters.


@pytest.mark.parametrize(
    "field", ["comment", "author", "email", "url", "parent", "security", "honeypot"]
)
def test_a_nul_in_any_field_is_refused_with_a_message_saying_why(client, article, field):
    response = post(client, article, **{field: "a\x00b"})
    assert response.status_code == 400
    errors = _shown_errors(response)
    assert errors, "a 400 with no message shown"
    assert Comment.objects.count() == 1  # only the earlier one


def test_a_nul_in_the_hidden_honeypot_says_the_form_was_damaged(client, article):
    response = post(client, article, honeypot="\x00")
    assert response.status_code == 400
    assert "The form was changed or damaged. Please post your comment again." in (
        response.content.decode()
    )
    # Said once, at the top of the form, where the reader looks.
    assert response.content.decode().count("changed or damaged") == 1


def test_a_nul_in_the_consent_box_is_only_a_tick(client, article):
    # Its value is never stored or shown: anything sent ticks the box.
    comment = _posted(client, article, cookies_consent="\x00")
    assert comment.status == Comment.Status.APPROVED


# Invisible characters.

INVISIBLE_IN_NAMES = [
    "\u00ad",  # soft hyphen
    "\u2063",  # invisible separator
    "\u2062",  # invisible times
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u061c",  # Arabic letter mark
    "\u180e",  # Mongolian vowel separator
    "\u206a",  # inhibit symmetric swapping
    "\ufeff",  # zero-width no-break space
    "\ufff9",  # interlinear annotation anchor
    "\U000e0041",  # tag letter A
    "\U0001d173",  # musical symbol begin beam
]


@pytest.mark.parametrize("invisible", INVISIBLE_IN_NAMES)
def test_every_invisible_format_character_is_removed_from_names(client, article, invisible):
    comment = _posted(client, article, author=f"Ja{invisible}ne Rea{invisible}der")
    assert comment.name == KNOWN_NAME
    assert comment.status == Comment.Status.APPROVED


def test_invisible_characters_are_removed_from_email_and_website(client, article):
    comment = _posted(
        client,
        article,
        email="ja\u00adne@exam\u2063ple.com",
        url="https://exa\u200bmple.org/pa\u2060ge",
    )
    assert comment.email == KNOWN_EMAIL
    assert comment.website == "https://example.org/page"


@pytest.mark.parametrize(
    "kept",
    [
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # a family: joined emoji
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian "I want", with ZWNJ
        "\u0915\u094d\u200d\u0937",  # Devanagari half form, with ZWJ
        "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # England
        "\u05e9\u05dc\u05d5\u05dd 2026\u200f",  # Hebrew with a right-to-left mark
        "\u0600\u0661\u0662",  # Arabic number sign before digits
    ],
)
def test_what_writing_needs_is_kept_in_comment_text(client, article, kept):
    comment = _posted(client, article, comment=f"Look: {kept} indeed.")
    assert comment.text == f"Look: {kept} indeed."


def test_other_invisible_characters_are_removed_from_comment_text(client, article):
    comment = _posted(
        client,
        article,
        comment="A\u00adB\u2063C\u2060D\ufeffE\u202eF\u2066G\U000e0041H \U0001f3f4 flag",
    )
    assert comment.text == "ABCDEFGH \U0001f3f4 flag"


# Stacked combining marks.

ZALGO = "H" + "\u0336\u0335\u0334\u0337\u0338\u0321\u0322\u0327" * 40 + "ello"


def test_a_tall_stack_of_marks_is_cut_to_four_and_the_comment_held(client, article):
    comment = _posted(client, article, comment=f"{ZALGO} world")
    assert comment.text == "H\u0336\u0335\u0334\u0337ello world"
    assert comment.status == Comment.Status.PENDING


def test_a_stack_spread_between_invisible_joiners_is_still_one_stack(client, article):
    comment = _posted(client, article, comment="a" + "\u200d\u0301" * 200 + " b")
    assert comment.text.count("\u0301") == 4
    assert comment.status == Comment.Status.PENDING


def test_marks_in_a_name_are_capped_and_hold_the_comment(client, article):
    comment = _posted(client, article, author="Ja" + "\u0303" * 300 + "ne")
    assert comment.name == "Ja\u0303\u0303\u0303\u0303ne"
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "text",
    [
        "Tiê\u0323ng Viê\u0323t",  # Vietnamese, decomposed: two marks on a letter
        "\u05d1\u05bc\u05b0\u05e8\u05b5\u05d0\u05e9\u05b4\u05c1\u05d9\u05ea",  # pointed Hebrew
        "\u0915\u093f\u0902 \u0928\u093e\u0901",  # Devanagari
    ],
)
def test_everyday_marks_are_kept_and_publish(client, article, text):
    comment = _posted(client, article, comment=text)
    assert comment.text == text
    assert comment.status == Comment.Status.APPROVED


def test_the_cap_is_a_setting(client, article, settings):
    settings.COMMENTS_MAX_COMBINING_MARKS = 2
    comment = _posted(client, article, comment="x\u0301\u0302\u0303\u0304 y")
    assert comment.text == "x\u0301\u0302 y"
    assert comment.status == Comment.Status.PENDING


# Word lists read the text as readers read it.


@pytest.mark.parametrize(
    "text",
    [
        "Cheap via<b></b>gra here",
        "Cheap VIAGRA here",
        "Cheap \uff56\uff49\uff41\uff47\uff52\uff41 here",  # full-width
        "Cheap via\u00adgra here",
        "Cheap vi\u200ba\u2063gra here",
        "Cheap <span>v</span><span>iagra</span> here",
    ],
)
def test_disallowed_words_are_found_however_they_are_dressed(client, article, settings, text):
    settings.COMMENTS_DISALLOWED_WORDS = ["viagra"]
    assert _posted(client, article, comment=text).status == Comment.Status.SPAM


@pytest.mark.parametrize(
    "text", ["Try the cas<i>ino</i>", "Try the CA\u00adSINO", "Try the \U0001d41c\U0001d41asino"]
)
def test_moderation_words_are_found_however_they_are_dressed(client, article, settings, text):
    settings.COMMENTS_MODERATION_WORDS = ["casino"]
    assert _posted(client, article, comment=text).status == Comment.Status.PENDING


def test_a_list_word_written_with_markup_or_capitals_matches_too(client, article, settings):
    settings.COMMENTS_MODERATION_WORDS = ["Cas<b></b>ino"]
    assert _posted(client, article, comment="a casino").status == Comment.Status.PENDING


def test_words_in_names_are_found_the_same_way(client, article, settings):
    settings.COMMENTS_DISALLOWED_WORDS = ["viagra"]
    comment = _posted(client, article, author="Via<i></i>gra Seller")
    assert comment.status == Comment.Status.SPAM


def test_check_again_reads_stored_comments_the_same_way(client, article, settings):
    client.force_login(make_staff("Editors"))
    settings.COMMENTS_DISALLOWED_WORDS = ["viagra"]
    settings.COMMENTS_MODERATION_WORDS = ["casino"]

    def stored(text):
        # Written straight to the table, as an import or an older version would have.
        return make_comment(article, name=KNOWN_NAME, email=KNOWN_EMAIL, text=text, status="spam")

    spam = stored("via<b></b>gra")
    held = stored("cas<i>ino</i>")
    zalgo = stored(ZALGO)
    plain = stored("A fine remark.")
    data = {"action": "check_again", "_selected_action": [spam.pk, held.pk, zalgo.pk, plain.pk]}
    changelist = reverse("admin:comments_comment_changelist")
    assert client.post(changelist + "?status=all", data).status_code == 302
    statuses = {
        comment.text[:5]: comment.status
        for comment in Comment.objects.filter(pk__in=[spam.pk, held.pk, zalgo.pk, plain.pk])
    }
    assert statuses == {
        "via<b": "spam",
        "cas<i": "pending",
        ZALGO[:5]: "pending",
        "A fin": "approved",
    }


def test_no_invisible_character_or_mark_hides_among_the_letters_the_scan_skips():
    # comments.text looks only at runs of characters that are not word characters,
    # spaces or ASCII; that is safe only while no format character or mark is one.
    import sys
    import unicodedata

    from comments.text import SUSPECTS

    skipped = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in {"Cf", "Mn", "Me"}
        and not SUSPECTS.fullmatch(chr(code))
    ]
    assert skipped == []
