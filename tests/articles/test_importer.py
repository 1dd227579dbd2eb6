import pytest

from articles.importer import ParsedStory, StoryFormatError, paragraphs_to_html, parse_story

STORY = """Otters return to the Wend for the first time in decades

Volunteers counting wildlife along the river have filmed a family of otters near the old weir.

An otter on the bank below Mill Bridge
PC: Wend Valley Wildlife Trust

The footage was recorded by a camera strapped to a willow stump last week.

“We had hoped for a heron, and got three otters instead,” said volunteer Nora Blythe.

The trust asks walkers to keep dogs on leads along the east bank.

Leave a Reply
"""


def test_parse_story_reads_headline_standfirst_picture_and_body():
    story = parse_story(STORY)
    assert story == ParsedStory(
        headline="Otters return to the Wend for the first time in decades",
        standfirst=(
            "Volunteers counting wildlife along the river have filmed a family of otters "
            "near the old weir."
        ),
        caption="An otter on the bank below Mill Bridge",
        credit="Wend Valley Wildlife Trust",
        body_paragraphs=[
            "The footage was recorded by a camera strapped to a willow stump last week.",
            "“We had hoped for a heron, and got three otters instead,” said volunteer Nora Blythe.",
            "The trust asks walkers to keep dogs on leads along the east bank.",
        ],
    )


def test_parse_story_drops_leave_a_reply_tail_without_newline_in_any_case():
    story = parse_story(STORY.replace("Leave a Reply\n", "LEAVE A REPLY"))
    assert story.body_paragraphs[-1] == (
        "The trust asks walkers to keep dogs on leads along the east bank."
    )
    assert not any("reply" in paragraph.lower() for paragraph in story.body_paragraphs)


def test_parse_story_keeps_leave_a_reply_inside_a_paragraph():
    text = STORY.replace("Leave a Reply\n", "Readers can leave a reply below.\n")
    assert parse_story(text).body_paragraphs[-1] == "Readers can leave a reply below."


def test_parse_story_accepts_crlf_bom_and_extra_blank_lines():
    messy = "\ufeff\r\n\r\n" + STORY.replace("\n", "\r\n\r\n") + "\r\n\r\n"
    assert parse_story(messy) == parse_story(STORY)


@pytest.mark.parametrize(
    "credit_line",
    [
        "PC: Wend Valley Wildlife Trust",
        "pc:Wend Valley Wildlife Trust",
        "Photo : Wend Valley Wildlife Trust",
        "PHOTO:   Wend Valley Wildlife Trust  ",
    ],
)
def test_parse_story_accepts_credit_prefixes_in_any_case_and_spacing(credit_line):
    text = STORY.replace("PC: Wend Valley Wildlife Trust", credit_line)
    story = parse_story(text)
    assert story.credit == "Wend Valley Wildlife Trust"
    assert story.caption == "An otter on the bank below Mill Bridge"


def test_parse_story_without_credit_line_has_no_caption_or_credit():
    text = STORY.replace("PC: Wend Valley Wildlife Trust\n", "")
    story = parse_story(text)
    assert story.caption == ""
    assert story.credit == ""
    # Without a credit the would-be caption is just the first paragraph.
    assert story.body_paragraphs[0] == "An otter on the bank below Mill Bridge"


def test_parse_story_keeps_a_credit_line_further_down_in_the_body():
    text = STORY.replace(
        "The trust asks walkers", "A second otter by the weir\n\nPhoto: Nora Blythe\n\nThe trust"
    )
    story = parse_story(text)
    assert story.credit == "Wend Valley Wildlife Trust"
    assert "Photo: Nora Blythe" in story.body_paragraphs


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (" \n\r\n\ufeff\n", "empty"),
        ("Leave a Reply", "empty"),
        ("Just a headline\n", "no standfirst"),
        ("Headline\n\nPC: Reuters\n\nBody text.\n", "no standfirst"),
        ("Headline\n\nA standfirst.\n\nLeave a Reply\n", "no body paragraphs"),
        ("Headline\n\nA standfirst.\n\nA caption\nPC: Reuters\n", "no body paragraphs"),
        ("Headline\n\nA standfirst.\n\nPC: Reuters\n\nBody text.\n", "credit has no caption"),
        ("H" * 256 + "\n\nA standfirst.\n\nBody text.\n", "headline is 256 characters"),
        ("Headline\n\nA standfirst.\n\nBody\x00text.\n", "contains NUL bytes"),
    ],
)
def test_parse_story_refuses_text_without_the_shape_of_a_story(text, message):
    with pytest.raises(StoryFormatError, match=message):
        parse_story(text)


def test_story_format_error_is_a_value_error():
    assert issubclass(StoryFormatError, ValueError)


def test_parse_story_accepts_a_headline_of_exactly_255_characters():
    story = parse_story("H" * 255 + "\n\nA standfirst.\n\nBody text.\n")
    assert len(story.headline) == 255


def test_paragraphs_to_html_escapes_markup_and_keeps_curly_quotes():
    html = paragraphs_to_html(["“Fish & chips <b>now</b>,” said Al.", "Second."])
    assert html == "<p>“Fish &amp; chips &lt;b&gt;now&lt;/b&gt;,” said Al.</p>\n<p>Second.</p>"
