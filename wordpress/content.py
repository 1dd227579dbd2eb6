"""Turning WordPress's stored post text into a Newsroom body.

WordPress stores what the author typed and renders it late: paragraphs are blank lines
(``wpautop``), pictures with captions are ``[caption]`` shortcodes, the block editor
leaves ``<!-- wp:… -->`` comments. ``convert_body`` does that rendering once, rewrites
pictures from the old site's uploads to the picture library, and the result goes
through the project's sanitiser on save like any editor's text.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from articles.editor import body_text, library_src

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
CAPTION = re.compile(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE)
CAPTION_ATTRIBUTE = re.compile(r'\bcaption="([^"]*)"', re.IGNORECASE)
IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
LINKED_UPLOAD = re.compile(
    r"""<a\b[^>]*\bhref\s*=\s*["'][^"']*/wp-content/uploads/[^"']*["'][^>]*>(.*?)</a>""",
    re.IGNORECASE | re.DOTALL,
)
# Enclosing shortcodes ("[embed]…[/embed]") and ones with attributes or a known name.
# Plain words in brackets ("[sic]", "[1]") are text, and stay.
KNOWN_SHORTCODES = (
    "gallery|embed|video|audio|playlist|wp_video|wp_audio|contact-form|contact-form-7|"
    "gravityform|youtube|vimeo|tweet|soundcloud|instagram|googlemaps|more"
)
ENCLOSING_SHORTCODE = re.compile(r"\[([a-zA-Z][\w-]*)(\s[^\]]*)?\](.*?)\[/\1\]", re.DOTALL)
SINGLE_SHORTCODE = re.compile(
    rf"\[((?:{KNOWN_SHORTCODES})\b[^\]]*|[a-zA-Z][\w-]*\s+[\w-]+=[^\]]*)/?\]", re.IGNORECASE
)
# What wpautop leaves alone: a chunk that already starts a block of its own.
BLOCK_START = re.compile(
    r"^<(?:p|div|h[1-6]|ul|ol|li|dl|blockquote|figure|table|pre|hr|section|article|aside|"
    r"header|footer|nav|address|form|iframe|script|style|!--)\b",
    re.IGNORECASE,
)
# "photo-300x200.jpg" is WordPress's resized copy of "photo.jpg".
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
SCALED_SUFFIX = re.compile(r"-scaled(?=\.[A-Za-z0-9]+$)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass
class ConvertedBody:
    html: str
    removed_shortcodes: list = field(default_factory=list)
    missing_pictures: list = field(default_factory=list)


def upload_path(url):
    """Return the path under wp-content/uploads that ``url`` names, or "".

    "https://old.example/wp-content/uploads/2019/03/a-300x200.jpg" → "2019/03/a.jpg".
    """
    path = unquote(urlsplit(url.strip()).path)
    marker = "/wp-content/uploads/"
    if marker not in path:
        return ""
    relative = path.split(marker, 1)[1]
    return SCALED_SUFFIX.sub("", SIZE_SUFFIX.sub("", relative))


def autop(text):
    """Return ``text`` with WordPress's paragraphs: a blank line between two of them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text)]
    out = []
    for chunk in chunks:
        if not chunk:
            continue
        if BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def _caption_to_figure(match):
    attributes, inner = match.group(2), match.group(3).strip()
    picture = re.match(r"(<a\b[^>]*>\s*)?(<img\b[^>]*>)(\s*</a>)?", inner, re.IGNORECASE)
    if picture:
        image, caption = picture.group(2), inner[picture.end() :].strip()
    else:
        image, caption = "", inner
    from_attribute = CAPTION_ATTRIBUTE.search(attributes)
    if not caption and from_attribute:
        caption = from_attribute.group(1)
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{image}{figcaption}</figure>\n\n"


def convert_body(text, pictures):
    """Return the ``ConvertedBody`` of a post's ``content:encoded``.

    ``pictures`` maps a path under wp-content/uploads to the library picture's storage
    name. A picture from the old uploads not in it, or from any other site, is removed
    and listed in ``missing_pictures``: a body never points at the old host.
    """
    result = ConvertedBody(html="")
    has_blocks = "<!-- wp:" in text
    text = BLOCK_COMMENT.sub("", text)
    text = CAPTION.sub(_caption_to_figure, text)

    def drop_enclosing(match):
        result.removed_shortcodes.append(match.group(1).lower())
        return ""

    def drop_single(match):
        result.removed_shortcodes.append(re.split(r"[\s/]", match.group(1), maxsplit=1)[0].lower())
        return ""

    text = ENCLOSING_SHORTCODE.sub(drop_enclosing, text)
    text = SINGLE_SHORTCODE.sub(drop_single, text)
    # A link around a picture to its full-size file on the old host: the picture stays.
    text = LINKED_UPLOAD.sub(lambda match: match.group(1), text)

    def rewrite(match):
        tag = match.group(0)
        found = SRC.search(tag)
        src = html.unescape(next((part for part in found.groups() if part), "")) if found else ""
        name = pictures.get(upload_path(src)) if src else None
        if name is None:
            result.missing_pictures.append(src[:200] or "(a picture without an address)")
            return ""
        alt = re.search(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", tag, re.IGNORECASE)
        alt_text = next((part for part in alt.groups() if part), "") if alt else ""
        return f'<img src="{html.escape(library_src(name))}" alt="{html.escape(alt_text)}">'

    text = IMG.sub(rewrite, text)
    # The block editor stores finished HTML; WordPress runs wpautop on classic posts only.
    result.html = text.strip() if has_blocks else autop(text)
    return result


def first_sentence(body_html, limit):
    """Return the first sentence of a body's text, at most ``limit`` characters."""
    words = body_text(body_html)
    sentence = SENTENCE_END.split(words, maxsplit=1)[0] if words else ""
    return shorten(sentence, limit)


def plain_text(value):
    """Return an excerpt or comment's text without markup, paragraphs kept as blank lines."""
    value = re.sub(r"(?i)<br\s*/?>", "\n", value or "")
    value = re.sub(r"(?i)</p\s*>", "\n\n", value)
    value = re.sub(r"<[^>]*>", "", value)
    lines = [" ".join(line.split()) for line in html.unescape(value).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def shorten(value, limit):
    """Return ``value`` cut to ``limit`` characters at a word, with "…" when cut."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"
