"""Invent a newsroom's archive: articles, tags, authors, pictures and comment threads.

Everything here is pure Python driven by one seeded ``random.Random``, so a seed gives
the same archive every time (times are relative to the moment of the run). Rows come out
as tuples in the column order of ``ARTICLE_COLUMNS`` and ``COMMENT_COLUMNS``;
``synthetic.writers`` puts them into the database in bulk.

The shapes follow a real archive: word frequencies follow Zipf's law (a few words are
in nearly every article, most are rare), a few tags and authors carry most of the
articles, comment counts are log-normal with a few huge threads, and replies nest.
"""

import io
import math
import random
from array import array
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw

WORDS_FILE = Path(__file__).with_name("words.txt")
# Search benchmarks need words with known frequencies: one in nearly every article, one
# in a handful, one in none. The last two are kept out of the vocabulary on purpose.
COMMON_WORD = "council"
RARE_WORD = "marmoset"
MISSING_WORD = "quixotry"
# The first ranks of words.txt are function words ("the", "of", "said"): not headlines.
FUNCTION_RANKS = 72

ARTICLE_COLUMNS = (
    "id",
    "headline",
    "slug",
    "standfirst",
    "body",
    "body_text",
    "featured_image_id",
    "byline",
    "status",
    "published_at",
    "updated_at",
    "allow_comments",
    "created_at",
    "modified_at",
    # Each article as a new one is saved: no search or sharing overrides, version 1.
    "seo_title",
    "meta_description",
    "version",
)
ARTICLE_DEFAULTS = ("", "", 1)
COMMENT_COLUMNS = (
    "id",
    "article_id",
    "parent_id",
    "status",
    "name",
    "email",
    "website",
    "text",
    "ip_address",
    "user_agent",
    "user_id",
    "created",
    "submission_token",
    # Nobody in the archive asked to hear back, and every comment's news is old.
    "notify_on_approval",
    "awaiting_announcement",
)
COMMENT_DEFAULTS = (False, False)

# Replies nest at most this deep; one level past COMMENTS_THREAD_DEPTH's default, so the
# "a reply to the deepest level joins that level" rule is exercised.
MAX_REPLY_DEPTH = 6
# The archive: 40 of 100,000 articles carry 2,000–3,600 comments each.
HUGE_THREADS_PER_100K = 40
HUGE_THREAD_SIZES = (2000, 3600)

FIRST_NAMES = """
Ada Alan Alice Amara Amir Anna Ben Bea Carla Chen Chloe Dan Dara Eli Ella Emeka Erin
Farah Felix Gina Grace Hana Harry Ian Ines Isaac Jade Jamal James Jo Kai Kate Kemi
Leo Lina Luca Maya Mei Mo Nadia Nia Noah Olga Omar Owen Pia Priya Raj Rosa Ruth Sam
Sara Sean Sofia Tariq Tess Theo Una Vera Wil Yusuf Zara Zoe
""".split()
LAST_NAMES = """
Abbott Adeyemi Ahmed Baker Banerjee Bell Brennan Carter Chowdhury Clarke Cohen Costa
Davies Doyle Ellis Evans Fischer Flynn Garcia Gill Green Hall Hughes Hussain Iqbal
Jackson James Jensen Kaur Kelly Khan Kowalski Lewis Lopez Marsh Martin Mensah Moore
Murphy Nakamura Nguyen Novak Okafor Owusu Patel Pearce Price Quinn Reid Rossi Shah
Silva Singh Smith Stone Taylor Thomas Turner Walsh Ward Webb Wilson Wright Young
""".split()
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "post.example")
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile",
)
PICTURE_CREDITS = ("Newsroom staff", "Harbour Photo Agency", "Pool", "Reader's photo", "Archive")
BYLINES = ("Staff reporter", "Wire service", "Sports desk", "Business desk")


def load_words():
    words = WORDS_FILE.read_text(encoding="utf-8").split()
    if RARE_WORD in words or MISSING_WORD in words or COMMON_WORD not in words:
        raise ValueError(f"{WORDS_FILE} must hold {COMMON_WORD!r} and neither marker word.")
    return words


class SkewedChoice:
    """Draw items by rank with probability proportional to ``1 / rank ** exponent``.

    A lookup table of ``2 ** bits`` slots, each item given slots in proportion to its
    probability (cumulatively rounded, so at least one each), turns a draw into one
    index: several times faster than ``random.choices`` with cumulative weights, which
    matters at 80 million words. With 16 bits the draw is a C-level ``map`` over random
    bytes; each probability is then exact to within 1/65,536.
    """

    def __init__(self, items, rng, exponent=1.0, bits=22):
        items = list(items)
        size = 1 << bits
        if len(items) > size // 2:
            raise ValueError(f"{len(items)} items need a table of more than {bits} bits.")
        weights = [1 / rank**exponent for rank in range(1, len(items) + 1)]
        total = sum(weights)
        table, running = [], 0.0
        for position, (item, weight) in enumerate(zip(items, weights, strict=True)):
            running += weight
            # Every item keeps at least one slot, and leaves one for each item after it.
            upto = min(
                max(round(running / total * size), len(table) + 1),
                size - (len(items) - position - 1),
            )
            table.extend([item] * (upto - len(table)))
        self.table = table
        self.rng = rng
        self.bits = bits

    def draw(self, k):
        table = self.table
        if self.bits == 16:
            return list(map(table.__getitem__, array("H", self.rng.randbytes(2 * k))))
        shift = 32 - self.bits
        return [table[i >> shift] for i in array("I", self.rng.randbytes(4 * k))]

    def one(self):
        return self.draw(1)[0]


def _capitalise(word):
    return word[:1].upper() + word[1:]


@dataclass
class Archive:
    """What was generated, for the command's summary and the benchmark."""

    seed: int
    articles: int = 0
    comments: int = 0
    pictures: int = 0
    tags: int = 0
    authors: int = 0
    common_word: str = COMMON_WORD
    rare_word: str = RARE_WORD
    missing_word: str = MISSING_WORD
    rare_word_articles: list = field(default_factory=list)


class ArchiveMaker:
    """Make the rows of one archive from ``seed``; ``now`` anchors every date."""

    def __init__(self, seed, now):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
        self.now = now
        words = load_words()
        self.words = SkewedChoice(words, self.rng, bits=16)
        # Headlines, tags and captions skip the function words at the top of the list.
        self.content_words = SkewedChoice(words[FUNCTION_RANKS:], self.rng, bits=16)
        self.vocabulary = words

    # --- Text ---------------------------------------------------------------------------

    def sentences(self, words, shortest=6, longest=24):
        """Cut ``words`` into sentences: capitalised, a comma in long ones, a full stop."""
        out, i, n = [], 0, len(words)
        span = longest - shortest + 1
        lengths = iter(self.rng.randbytes(n // shortest + 1))
        while i < n:
            length = shortest + next(lengths) % span
            chunk = words[i : i + length]
            i += length
            chunk[0] = chunk[0].capitalize()
            if len(chunk) > 12:
                chunk[len(chunk) // 2] += ","
            out.append(" ".join(chunk) + ".")
        return out

    def body(self, word_count, rare=False):
        """Return an article body of about ``word_count`` words: paragraphs and a few <h2>."""
        rng = self.rng
        words = self.words.draw(word_count)
        if rare:
            words[rng.randrange(len(words))] = RARE_WORD
        sentences = self.sentences(words)
        parts, i, since_heading = [], 0, 0
        while i < len(sentences):
            if since_heading >= rng.randint(4, 7) and len(sentences) - i > 6:
                heading = self.content_words.draw(rng.randint(2, 5))
                parts.append(f"<h2>{_capitalise(' '.join(heading))}</h2>")
                since_heading = 0
            take = rng.randint(2, 5)
            parts.append(f"<p>{' '.join(sentences[i : i + take])}</p>")
            i += take
            since_heading += 1
        return "\n".join(parts)

    def headline(self):
        return _capitalise(" ".join(self.content_words.draw(self.rng.randint(5, 11))))

    def standfirst(self):
        text = " ".join(self.sentences(self.words.draw(self.rng.randint(16, 34)), 10, 20))
        return text if len(text) <= 400 else text[:397].rsplit(" ", 1)[0] + "…"

    def comment_text(self):
        rng = self.rng
        count = min(max(int(rng.lognormvariate(3.4, 0.7)), 3), 400)
        sentences = self.sentences(self.words.draw(count), 4, 18)
        if len(sentences) > 3 and rng.random() < 0.3:
            cut = len(sentences) // 2
            return " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        return " ".join(sentences)

    # --- People, tags, pictures ---------------------------------------------------------

    def author_names(self, count):
        """Return ``count`` distinct (first, last, username) triples."""
        seen, out = set(), []
        while len(out) < count:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            username = f"{first}.{last}".lower()
            if username not in seen:
                seen.add(username)
                out.append((first, last, username))
        return out

    def tag_names(self, count, taken=()):
        """Return ``count`` distinct one-word tag names, none of them in ``taken``."""
        taken = {name.lower() for name in taken}
        candidates = [w for w in self.vocabulary[FUNCTION_RANKS:] if w not in taken and len(w) > 3]
        return [_capitalise(w) for w in self.rng.sample(candidates, min(count, len(candidates)))]

    def picture_caption(self):
        return _capitalise(" ".join(self.content_words.draw(self.rng.randint(5, 10)))) + "."

    def picture_alt(self):
        return "A picture of " + " ".join(self.content_words.draw(self.rng.randint(3, 7)))

    def commenters(self, count):
        """Return ``count`` readers as (name, email, website, ip address, browser) tuples."""
        rng, out = self.rng, []
        for number in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            style = rng.random()
            if style < 0.6:
                name = f"{first} {last}"
            elif style < 0.85:
                name = first
            else:
                name = f"{first[0]}{last}{rng.randint(1, 99)}"
            email = f"{first}.{last}{number}@{rng.choice(EMAIL_DOMAINS)}".lower()
            website = f"https://{last.lower()}{number}.example.org/" if rng.random() < 0.1 else ""
            if rng.random() < 0.15:
                ip = "2001:db8:{:x}:{:x}::{:x}".format(*(rng.randrange(65536) for _ in range(3)))
            else:
                first_octet = rng.choice([n for n in range(1, 224) if n not in (10, 127)])
                ip = (
                    f"{first_octet}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randint(1, 254)}"
                )
            out.append((name, email, website, ip, rng.choice(USER_AGENTS)))
        return out

    # --- Dates and statuses -------------------------------------------------------------

    def publication_times(self, count, years=10):
        """Return ``count`` past times over ``years``, more of them recent, oldest first."""
        span = years * 365 * 86400
        start = self.now - timedelta(seconds=span)
        # Fewer stories in the early years, as in a growing newsroom.
        offsets = sorted(span * self.rng.random() ** 0.8 for _ in range(count))
        latest = span - 3600
        return [start + timedelta(seconds=min(offset, latest)) for offset in offsets]

    # --- Comments -----------------------------------------------------------------------

    def comment_counts(self, article_ids, total):
        """Spread ``total`` comments over ``article_ids``: log-normal, a few huge threads.

        Return a dict of article id to count. At 100,000 articles about 40 articles carry
        2,000–3,600 comments (about 11% of a million); smaller archives keep the proportions.
        """
        rng = self.rng
        counts = dict.fromkeys(article_ids, 0)
        if not article_ids or total <= 0:
            return counts
        huge_count = round(HUGE_THREADS_PER_100K * len(article_ids) / 100_000)
        if len(article_ids) >= 20 and total >= 100:
            huge_count = max(huge_count, 1)
        huge_count = min(huge_count, len(article_ids))
        huge = rng.sample(article_ids, huge_count)
        mean_huge = sum(HUGE_THREAD_SIZES) / 2
        scale = min(1.0, 0.12 * total / max(huge_count * mean_huge, 1))
        for article_id in huge:
            counts[article_id] = int(rng.randint(*HUGE_THREAD_SIZES) * scale)
        huge_ids = set(huge)
        rest = [a for a in article_ids if a not in huge_ids]
        remaining = total - sum(counts.values())
        if not rest:
            counts[huge[0]] += remaining
            return counts
        weights = [rng.lognormvariate(0, 1.3) for _ in rest]
        weight_sum = sum(weights)
        ceiling = max(HUGE_THREAD_SIZES[0] - 100, 1) if huge_count else remaining
        given = 0
        for article_id, weight in zip(rest, weights, strict=True):
            share = min(math.floor(weight / weight_sum * remaining), ceiling)
            counts[article_id] = share
            given += share
        # Rounding leaves a few comments over: hand them out one at a time.
        while given < remaining:
            article_id = rest[rng.randrange(len(rest))]
            if counts[article_id] < ceiling or len(rest) == 1:
                counts[article_id] += 1
                given += 1
        return counts

    def thread(self, published_at, count):
        """Return ``count`` comments on one article as (created, parent index, status) tuples.

        Oldest first; the parent index points into the returned list (or is None).
        Replies answer an approved comment posted before them, at most ``MAX_REPLY_DEPTH``
        levels deep; about 5% are pending and 3% spam (spam never gets replies).
        """
        rng = self.rng
        room = max((self.now - published_at).total_seconds() - 60, 60)
        # Most comments come in the first day or two; a long tail comes much later.
        delays = sorted(
            min(rng.expovariate(1 / 86400) * rng.choice((1, 1, 1, 5)), room) for _ in range(count)
        )
        out, depths, repliable = [], [], []
        for delay in delays:
            created = published_at + timedelta(seconds=30 + delay)
            roll = rng.random()
            status = "approved" if roll < 0.92 else "pending" if roll < 0.97 else "spam"
            parent = None
            if status != "spam" and repliable and rng.random() < 0.35:
                parent = repliable[-1 - int(rng.random() ** 2 * min(len(repliable), 60))]
            depth = depths[parent] + 1 if parent is not None else 1
            index = len(out)
            out.append((created, parent, status))
            depths.append(depth)
            if status == "approved" and depth < MAX_REPLY_DEPTH:
                repliable.append(index)
        return out


def draw_pictures(count, rng, size=(640, 360)):
    """Return ``count`` distinct small JPEG pictures as bytes, drawn with Pillow."""
    pictures = []
    for number in range(count):
        top = tuple(rng.randrange(30, 200) for _ in range(3))
        bottom = tuple(rng.randrange(90, 250) for _ in range(3))
        gradient = PILImage.linear_gradient("L").resize(size)
        picture = PILImage.composite(
            PILImage.new("RGB", size, bottom), PILImage.new("RGB", size, top), gradient
        )
        draw = ImageDraw.Draw(picture)
        width, height = size
        x, y = rng.randrange(width // 2), rng.randrange(height // 2)
        draw.ellipse((x, y, x + width // 3, y + height // 3), fill=(240, 240, 235))
        draw.rectangle((0, height * 3 // 4, width, height), fill=top)
        draw.text((12, height - 30), f"Synthetic picture {number + 1}", fill=(255, 255, 255))
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=70)
        pictures.append(buffer.getvalue())
    return pictures
