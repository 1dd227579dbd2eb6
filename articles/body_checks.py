"""Accessibility checks of an article body, shown to editors as warnings after a save.

Readers using a screen reader meet three common faults of news copy: pictures with no
text alternative, an outline that jumps levels (a screen reader's list of headings is
how such readers skim a long piece), and links that say nothing out of context ("click
here", a bare address read out character by character). None of them stops an article
from being saved: the newsroom decides, the admin tells (``ArticleAdmin.save_model``).

The body is checked as stored, after ``editor.sanitize_html``: what readers get.
"""

import re
from html.parser import HTMLParser

# The article's headline is the page's h1; the body's headings start at h2.
PAGE_HEADING_LEVEL = 1
# Link texts that only make sense next to what surrounds them, compared case-folded
# without surrounding punctuation.
VAGUE_LINK_TEXTS = {
    "click here",
    "click",
    "here",
    "click this",
    "this",
    "this link",
    "link",
    "read more",
    "more",
    "go",
}
# A link whose text is an address: "https://…", "www.…", "example.com/page".
BARE_ADDRESS = re.compile(r"^(?:(?:https?|ftp)://\S+|www\.\S+|[\w-]+(?:\.[\w-]+)+/\S*)$", re.I)
# A domain alone ("example.com") is an address only when the link leads there: "Node.js"
# linking to nodejs.org is a name.
DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")
# How much of a heading or link text a message quotes.
QUOTE_LENGTH = 60


def _quote(text):
    text = " ".join(text.split())
    if len(text) > QUOTE_LENGTH:
        text = text[: QUOTE_LENGTH - 1].rstrip() + "…"
    return f"“{text}”"


class _BodyReader(HTMLParser):
    """Collect the body's pictures, headings and links in reading order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pictures = []  # the alt attribute of each, None when missing
        self.headings = []  # (level, text)
        self.links = []  # (href, text)
        self._heading = None
        self._link = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img":
            self.pictures.append(attributes.get("alt"))
            if self._link is not None:
                self._link["picture_alt"].append(attributes.get("alt") or "")
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = {"level": int(tag[1]), "text": []}
        elif tag == "a":
            self._link = {"href": attributes.get("href") or "", "text": [], "picture_alt": []}

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._heading["level"], "".join(self._heading["text"])))
            self._heading = None
        elif tag == "a" and self._link is not None:
            link = self._link
            # A picture inside a link speaks for it with its alt text.
            text = "".join(link["text"]).strip() or " ".join(link["picture_alt"]).strip()
            self.links.append((link["href"], text))
            self._link = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading["text"].append(data)
        if self._link is not None:
            self._link["text"].append(data)


def _ordinal(number):
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def picture_problems(reader):
    total = len(reader.pictures)
    problems = []
    for number, alt in enumerate(reader.pictures, start=1):
        if alt is None or not alt.strip():
            which = "The picture" if total == 1 else f"The {_ordinal(number)} picture"
            problems.append(
                f"{which} in the body has no alt text: describe what it shows in the "
                "image dialog's “Alternative Text” box (double-click the picture)."
            )
    return problems


def heading_problems(reader):
    problems = []
    previous = PAGE_HEADING_LEVEL
    for level, text in reader.headings:
        if level > previous + 1:
            problems.append(
                f"The heading {_quote(text)} is a level {level} heading after a level "
                f"{previous} one: use level {previous + 1}, so the outline skips no level."
            )
        previous = level
    return problems


def link_problems(reader):
    problems = []
    for href, text in reader.links:
        plain = " ".join(text.split())
        spoken = plain.casefold().strip(" .,:;!?…-–—()[]\"'“”‘’«»")
        if not plain:
            problems.append(
                f"A link to {href or 'nowhere'} has no text: say where it leads in words."
            )
        elif spoken in VAGUE_LINK_TEXTS:
            problems.append(
                f"The link {_quote(plain)} (to {href}) does not say where it leads: "
                "link words that name it, e.g. “the council's report”."
            )
        elif BARE_ADDRESS.match(plain) or (
            DOMAIN.match(plain) and plain.casefold() in href.casefold()
        ):
            problems.append(
                f"The link {_quote(plain)} is a bare address, which screen readers read out "
                "letter by letter: link words that name the page instead."
            )
    return problems


def body_problems(body):
    """Return what in ``body`` (stored article HTML) hinders readers of assistive technology.

    A list of sentences, in the order of the checks (pictures, headings, links), each in
    body order; empty when nothing was found.
    """
    reader = _BodyReader()
    reader.feed(body or "")
    reader.close()
    return picture_problems(reader) + heading_problems(reader) + link_problems(reader)
