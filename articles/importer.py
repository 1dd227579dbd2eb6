"""Reading a story written as plain text, in the layout wire copy and old sites use.

The layout, one paragraph per line with blank lines between::

    Headline
    Standfirst: one sentence under the headline.
    Caption of the featured picture            (optional, only with a credit line)
    PC: Reuters                                (or "Photo: …"; optional)
    First paragraph of the body.
    …
    Leave a Reply                              (a comment-form label copied by accident)

``parse_story`` only reads text; ``import_text`` turns the result into rows, with the
two helpers at the end, which ``load_demo`` shares.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import escape

# The max_length of the fields each part is stored in (Article.headline and .standfirst,
# Image.caption and .credit); SQLite would store longer text that PostgreSQL refuses.
MAX_LENGTHS = {"headline": 255, "standfirst": 400, "caption": 500, "credit": 250}

# "PC: Reuters", "pc : Reuters", "Photo:Reuters": the credit is whatever follows.
CREDIT_LINE = re.compile(r"^\s*(?:pc|photo)\s*:\s*(?P<credit>.*?)\s*$", re.IGNORECASE)
# Copied from a blog page along with the story; never part of it.
TRAILER = re.compile(r"^\s*leave\s+a\s+reply\s*$", re.IGNORECASE)


class StoryFormatError(ValueError):
    """The text does not have the shape of a story, for the reason in the message."""


@dataclass
class ParsedStory:
    headline: str
    standfirst: str
    body_paragraphs: list[str] = field(default_factory=list)
    caption: str = ""
    credit: str = ""


def parse_story(text):
    """Return the ParsedStory in ``text``, or raise StoryFormatError saying what is missing."""
    # PostgreSQL refuses NUL in text columns; a file holding one is binary anyway.
    if "\x00" in text:
        raise StoryFormatError("the file contains NUL bytes; is it really text?")
    # U+FEFF is a byte-order mark wherever it appears (files pasted together keep theirs);
    # its old zero-width-space meaning is deprecated.
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if lines and TRAILER.match(lines[-1]):
        lines.pop()
    if not lines:
        raise StoryFormatError("the file is empty.")

    headline, rest = lines[0], lines[1:]
    if CREDIT_LINE.match(headline):
        raise StoryFormatError("the first line is a picture credit, not a headline.")
    if not rest or CREDIT_LINE.match(rest[0]):
        raise StoryFormatError("there is no standfirst: the line after the headline is missing.")
    standfirst, rest = rest[0], rest[1:]

    caption = credit = ""
    if rest and CREDIT_LINE.match(rest[0]):
        raise StoryFormatError(
            "the picture credit has no caption: put the caption on the line before it."
        )
    if len(rest) > 1 and CREDIT_LINE.match(rest[1]):
        caption, credit = rest[0], CREDIT_LINE.match(rest[1])["credit"]
        rest = rest[2:]
    # A credit line further down belongs to the body (a second picture, say) and stays.

    if not rest:
        raise StoryFormatError("there are no body paragraphs after the standfirst.")
    story = ParsedStory(
        headline=headline,
        standfirst=standfirst,
        body_paragraphs=rest,
        caption=caption,
        credit=credit,
    )
    for name, limit in MAX_LENGTHS.items():
        length = len(getattr(story, name))
        if length > limit:
            raise StoryFormatError(
                f"the {name} is {length} characters long; the most allowed is {limit}."
            )
    return story


def paragraphs_to_html(paragraphs):
    """Return body HTML with each plain-text paragraph escaped and wrapped in ``<p>``."""
    return "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


def find_or_create_tag(name, slug):
    """Return the tag with ``slug``, or with ``name`` under another slug, creating it if neither.

    Both columns are unique, so looking up by slug alone would crash on a tag an editor
    already created by that name with a different slug.
    """
    # Imported here so the parser works without a configured Django project.
    from .models import Tag

    tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name=name).first()
    return tag or Tag.objects.create(name=name, slug=slug)
