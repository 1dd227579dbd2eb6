"""Write a large WordPress export (WXR 1.2) and its uploads folder, to time import_wordpress.

Usage::

    .venv/bin/python bench/wxr_export.py OUT_DIR [--posts 10000] [--attachments 20000]
        [--comments 100000] [--seed 1]

Writes ``OUT_DIR/export.xml`` and ``OUT_DIR/uploads/`` (one small real JPEG per
attachment, as a copy of wp-content/uploads would hold). Posts are streamed to the file
as they are made, so the script needs little memory at any size. Half the posts have a
featured picture and one body picture from the uploads; comments are threaded up to
four deep; a few posts are drafts, scheduled or sticky, and carry tags, categories
(one nested) and Co-Authors Plus bylines. The text is made of numbered words; nothing
here is copied from anywhere.
"""

import argparse
import io
import random
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image as PILImage

SITE = "https://old.example"
WP = "http://wordpress.org/export/1.2/"
WORDS = [f"word{n}" for n in range(500)] + ["harbour", "council", "market", "school", "storm"]


def _tag(name, value):
    return f"<{name}>{escape(str(value))}</{name}>"


def _sentence(rng, words=12):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _paragraphs(rng, count):
    return "\n\n".join(" ".join(_sentence(rng) for _ in range(4)) for _ in range(count))


def _picture_bytes(rng):
    buffer = io.BytesIO()
    colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    PILImage.new("RGB", (64, 48), colour).save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def _upload_path(number):
    return f"{2010 + number % 15}/{1 + number % 12:02d}/picture-{number}.jpg"


def write_export(out_dir, posts, attachments, comments, seed):
    rng = random.Random(seed)
    out_dir = Path(out_dir)
    uploads = out_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "export.xml", "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            f'<rss version="2.0" xmlns:excerpt="{WP}excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            f'xmlns:wp="{WP}">\n<channel>\n<title>Old Site</title>'
            f"{_tag('link', SITE)}{_tag('wp:wxr_version', '1.2')}"
            f"{_tag('wp:base_site_url', SITE)}{_tag('wp:base_blog_url', SITE)}\n"
        )
        logins = [f"writer{n}" for n in range(20)]
        for number, login in enumerate(logins, 1):
            out.write(
                "<wp:author>"
                + _tag("wp:author_id", number)
                + _tag("wp:author_login", login)
                + _tag("wp:author_email", f"{login}@old.example")
                + _tag("wp:author_display_name", f"Writer {number}")
                + "</wp:author>\n"
            )
        categories = ["news", "sport", "business", "culture", "opinion", "local"]
        for number, slug in enumerate(categories, 1):
            parent = "news" if slug == "local" else ""
            out.write(
                "<wp:category>"
                + _tag("wp:term_id", number)
                + _tag("wp:category_nicename", slug)
                + _tag("wp:category_parent", parent)
                + _tag("wp:cat_name", slug.title())
                + "</wp:category>\n"
            )

        # Attachments first, as WordPress writes them: ids 1 … attachments.
        for number in range(1, attachments + 1):
            path = _upload_path(number)
            target = uploads / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_picture_bytes(rng))
            out.write(
                "<item>"
                + _tag("title", f"Picture {number}")
                + _tag("link", f"{SITE}/?attachment_id={number}")
                + _tag("wp:post_id", number)
                + _tag("wp:post_type", "attachment")
                + _tag("wp:status", "inherit")
                + _tag("wp:post_name", f"picture-{number}")
                + _tag("wp:post_date_gmt", "2015-01-01 00:00:00")
                + _tag("excerpt:encoded", _sentence(rng, 6))
                + _tag("content:encoded", _sentence(rng, 8))
                + _tag("wp:attachment_url", f"{SITE}/wp-content/uploads/{path}")
                + "<wp:postmeta>"
                + _tag("wp:meta_key", "_wp_attached_file")
                + _tag("wp:meta_value", path)
                + "</wp:postmeta><wp:postmeta>"
                + _tag("wp:meta_key", "_wp_attachment_image_alt")
                + _tag("wp:meta_value", _sentence(rng, 5))
                + "</wp:postmeta></item>\n"
            )

        # Comments spread over the posts: a tenth of the posts carry most of them.
        per_post = [0] * posts
        for _ in range(comments):
            index = rng.randrange(posts // 10) if rng.random() < 0.6 else rng.randrange(posts)
            per_post[index] += 1
        comment_id = 0
        for index in range(posts):
            post_id = attachments + 1 + index
            published = f"{2012 + index % 14}-{1 + index % 12:02d}-{1 + index % 28:02d} 10:00:00"
            slug = f"story-{index}"
            status = "publish"
            if index % 97 == 0:
                status = "draft"
            elif index % 101 == 0:
                status = "future"
                published = f"2099-{1 + index % 12:02d}-01 10:00:00"
            body = _paragraphs(rng, rng.randint(4, 9))
            meta = ""
            if index % 2 == 0:
                picture = rng.randint(1, attachments)
                body = (
                    f'<img src="{SITE}/wp-content/uploads/{_upload_path(picture)[:-4]}'
                    f'-300x200.jpg" alt="A picture">\n\n' + body
                )
                meta = (
                    "<wp:postmeta>"
                    + _tag("wp:meta_key", "_thumbnail_id")
                    + _tag("wp:meta_value", rng.randint(1, attachments))
                    + "</wp:postmeta>"
                )
            terms = [rng.choice(categories)] + rng.sample(categories, 1)
            parts = [
                _tag("title", _sentence(rng, 8)[:-1]),
                _tag("link", f"{SITE}/{published[:4]}/{published[5:7]}/{slug}/"),
                f'<guid isPermaLink="false">{SITE}/?p={post_id}</guid>',
                _tag("dc:creator", rng.choice(logins)),
                _tag("content:encoded", body),
                _tag("excerpt:encoded", _sentence(rng) if index % 3 else ""),
                _tag("wp:post_id", post_id),
                _tag("wp:post_date_gmt", published),
                _tag("wp:post_modified_gmt", published),
                _tag("wp:comment_status", "open"),
                _tag("wp:post_name", slug),
                _tag("wp:status", status),
                _tag("wp:post_type", "post"),
                _tag("wp:is_sticky", 1 if index in (5, 6, 7) else 0),
                meta,
            ]
            for nicename in terms:
                parts.append(
                    f'<category domain="category" nicename="{nicename}">'
                    f"{nicename.title()}</category>"
                )
            for tag in rng.sample(WORDS[:200], 3):
                parts.append(f'<category domain="post_tag" nicename="{tag}">{tag}</category>')
            if index % 50 == 0:
                parts.append('<category domain="author" nicename="cap-writer1">W1</category>')
                parts.append('<category domain="author" nicename="cap-writer2">W2</category>')
            first = comment_id + 1
            for position in range(per_post[index]):
                comment_id += 1
                # Replies to one of the few comments before, up to four deep.
                parent = 0
                if position and rng.random() < 0.5:
                    parent = rng.randint(max(first, comment_id - 4), comment_id - 1)
                approved = rng.choices(["1", "0", "spam", "trash"], [90, 5, 4, 1])[0]
                parts.append(
                    "<wp:comment>"
                    + _tag("wp:comment_id", comment_id)
                    + _tag("wp:comment_author", f"Reader {comment_id % 3000}")
                    + _tag("wp:comment_author_email", f"reader{comment_id % 3000}@example.com")
                    + _tag("wp:comment_author_IP", f"192.0.2.{comment_id % 250}")
                    + _tag("wp:comment_date_gmt", published[:10] + " 12:00:00")
                    + _tag("wp:comment_content", _sentence(rng, rng.randint(5, 40)))
                    + _tag("wp:comment_approved", approved)
                    + _tag("wp:comment_type", "comment")
                    + _tag("wp:comment_parent", parent)
                    + "</wp:comment>"
                )
            out.write("<item>" + "".join(parts) + "</item>\n")
        out.write("</channel>\n</rss>\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--attachments", type=int, default=20_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    write_export(
        options.out_dir, options.posts, options.attachments, options.comments, options.seed
    )


if __name__ == "__main__":
    main()
