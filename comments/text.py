"""What readers see of a comment: invisible characters, stacked marks, lookalike letters.

The form cleans what it stores (``clean_single_line``, ``clean_comment_text``); the
moderation rules compare what readers would read (``reading_key``), so hidden
characters, tags and lookalike letters cannot slip a word or a name past them.
"""

import functools
import re
import unicodedata

from confusable_homoglyphs import utils as confusable_data

# Format characters (category Cf) that writing needs in running text, kept in a
# comment's text and nowhere else: the zero-width joiner and non-joiner (emoji
# sequences; Persian, Indic and other scripts choose letter forms with them), the
# left-to-right, right-to-left and Arabic letter marks (mixed-direction sentences read
# right only with them), the Mongolian vowel separator, and the Arabic, Syriac and
# Kaithi signs written before numbers, which are visible. Embeddings, overrides and
# isolates are not kept: they can make a whole run of text read backwards.
KEPT_IN_TEXT = frozenset(
    "\u200c\u200d\u200e\u200f\u061c\u180e"
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd"
)
# Subdivision flags (England, Scotland, Wales) are a black flag followed by tag
# characters, which are format characters too: kept only in that place.
EMOJI_FLAG_TAGS = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
# Embedding, override and isolate controls can make a name or address read backwards;
# the form refuses them in one-line fields with a message of its own.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# What a tag looks like, for reading text as it would show if it were HTML. A plain
# expression rather than an HTML parser: linear on any input, and it never gives up.
TAG = re.compile(r"<[^<>]*>")
NOT_A_WORD = re.compile(r"[\W_]+")


def is_invisible(character):
    return unicodedata.category(character) == "Cf"


def is_stacking_mark(character):
    """Return True for a mark drawn over or under the letter before it, or around it."""
    return unicodedata.category(character) in {"Mn", "Me"}


# Format characters and combining marks are neither word characters (letters and
# digits of any script) nor spaces nor ASCII, so only runs of what is left need a look
# at each character: a page of Cyrillic or Chinese costs one scan by the regular
# expression engine, not a Python loop over every letter.
SUSPECTS = re.compile(r"[^\w\s\x00-\x7f]+")


def remove_invisible(value, keep=frozenset()):
    """Return ``value`` without format characters (category Cf), except those in ``keep``."""

    def without_invisible(run):
        return "".join(c for c in run.group() if c in keep or not is_invisible(c))

    return SUSPECTS.sub(without_invisible, value)


def _capped_run(run, cap):
    # A run starts after a letter, space or ASCII character: a new stack.
    kept = []
    stacked = 0
    for character in run:
        if is_stacking_mark(character):
            stacked += 1
            if stacked > cap:
                continue
        elif not is_invisible(character):
            stacked = 0
        kept.append(character)
    return "".join(kept)


def cap_stacked_marks(value, cap):
    """Return ``value`` with at most ``cap`` combining marks on any one character.

    Invisible characters between the marks do not start a new stack: a joiner between
    each mark would otherwise let a stack grow without end.
    """
    return SUSPECTS.sub(lambda run: _capped_run(run.group(), cap), value)


def _tallest_in_run(run):
    tallest = stacked = 0
    for character in run:
        if is_stacking_mark(character):
            stacked += 1
            tallest = max(tallest, stacked)
        elif not is_invisible(character):
            stacked = 0
    return tallest


def tallest_stack(value):
    """Return the largest number of combining marks carried by one character."""
    return max(map(_tallest_in_run, SUSPECTS.findall(value)), default=0)


def clean_single_line(value, cap):
    """Return a name, email or web address without invisible characters or tall stacks.

    Direction controls are left for the form to refuse with a message.
    """
    return cap_stacked_marks(remove_invisible(value, keep=BIDI_CONTROLS), cap)


def clean_comment_text(value, cap):
    """Return a comment's text without the invisible characters writing does not need."""
    parts = []
    position = 0
    for flag in EMOJI_FLAG_TAGS.finditer(value):
        parts.append(remove_invisible(value[position : flag.start()], keep=KEPT_IN_TEXT))
        parts.append(flag.group())
        position = flag.end()
    parts.append(remove_invisible(value[position:], keep=KEPT_IN_TEXT))
    return cap_stacked_marks("".join(parts), cap)


def as_read(value):
    """Return ``value`` as a reader reads it: no tags, compatibility forms folded
    (NFKC: full-width and styled letters become plain ones), case folded, and without
    invisible characters."""
    text = TAG.sub("", str(value))
    text = unicodedata.normalize("NFKC", text)
    text = remove_invisible(text.casefold())
    # Case folding can undo NFKC (and removing a joiner can join what it kept apart).
    return unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=1)
def _prototypes():
    """Return the map from each confusable character to the string it is read as.

    ``confusable-homoglyphs`` ships Unicode's confusables.txt (UTS #39) as a table of
    lookalikes in both directions, without the ``skeleton()`` of UTS #39, so the map
    is rebuilt here from that table. Each line of confusables.txt maps one character
    to its prototype, so the lookalikes form stars: a prototype linked to each
    character that maps to it, and those linked to nothing else. A character with one
    link maps to the other end when that end has other links or is a string of several
    characters; of a pair linked only to each other, the lower code point is taken as
    the prototype (either way the pair gets one skeleton, which is all that matters).
    Read once per process (about 0.1 s) and kept.
    """
    links = {}
    for key, lookalikes in confusable_data.load("confusables.json").items():
        # The table wraps right-to-left characters in left-to-right marks.
        key = key.replace("\u200e", "")
        links.setdefault(key, set()).update(item["c"].replace("\u200e", "") for item in lookalikes)
    prototypes = {}
    for character, linked in links.items():
        if len(character) != 1 or len(linked) != 1:
            continue
        (other,) = linked
        if len(other) > 1 or len(links.get(other, ())) > 1 or other < character:
            prototypes[character] = other
    return prototypes


def skeleton(value):
    """Return the UTS #39 skeleton of ``value``: equal for strings that look alike."""
    prototypes = _prototypes()

    def fold(character, depth=0):
        prototype = prototypes.get(character)
        if prototype is None or depth > 3:
            return character
        return "".join(fold(part, depth + 1) for part in prototype)

    decomposed = unicodedata.normalize("NFD", value)
    return unicodedata.normalize("NFD", "".join(fold(character) for character in decomposed))


def reading_key(value):
    """Return the words ``value`` reads as, ignoring lookalike letters, accents and case.

    "Аdmin" with a Cyrillic А, "ADMIN", "Ádmin" and "admin" with a soft hyphen inside
    all get the key of "admin" (which is "adrnin": UTS #39 reads "m" as "rn").
    """
    folded = skeleton(as_read(value)).casefold()
    # The skeleton maps some letters to capitals ("0" to "O"); fold case once more.
    folded = skeleton(folded).casefold()
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(NOT_A_WORD.sub(" ", plain).split())
