"""Building WordPress exports (WXR) in tests, as WordPress writes them."""

from xml.sax.saxutils import escape

SITE = "https://old.example"


def _tag(name, value):
    return f"<{name}>{escape(str(value))}</{name}>"


def author(login="jane", author_id=1, display_name="Jane Smith", email="jane@old.example"):
    return (
        "<wp:author>"
        + _tag("wp:author_id", author_id)
        + _tag("wp:author_login", login)
        + _tag("wp:author_email", email)
        + _tag("wp:author_display_name", display_name)
        + "<wp:author_first_name></wp:author_first_name><wp:author_last_name></wp:author_last_name>"
        + "</wp:author>"
    )


def category(slug, name, term_id, parent=""):
    return (
        "<wp:category>"
        + _tag("wp:term_id", term_id)
        + _tag("wp:category_nicename", slug)
        + _tag("wp:category_parent", parent)
        + _tag("wp:cat_name", name)
        + "</wp:category>"
    )


def comment(
    comment_id,
    text="A fine piece.",
    parent=0,
    approved="1",
    name="Reader",
    email="reader@example.com",
    date_gmt="2019-03-06 09:00:00",
    comment_type="",
    ip="192.0.2.10",
    url="",
):
    return (
        "<wp:comment>"
        + _tag("wp:comment_id", comment_id)
        + _tag("wp:comment_author", name)
        + _tag("wp:comment_author_email", email)
        + _tag("wp:comment_author_url", url)
        + _tag("wp:comment_author_IP", ip)
        + _tag("wp:comment_date", date_gmt)
        + _tag("wp:comment_date_gmt", date_gmt)
        + _tag("wp:comment_content", text)
        + _tag("wp:comment_approved", approved)
        + _tag("wp:comment_type", comment_type)
        + _tag("wp:comment_parent", parent)
        + "<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
    )


def item(
    post_id,
    title="Harbour reopens after storm",
    body="The harbour reopened on Tuesday.\n\nBoats went out at dawn.",
    slug=None,
    status="publish",
    post_type="post",
    date_gmt="2019-03-05 10:00:00",
    modified_gmt=None,
    creator="jane",
    terms=(),
    meta=None,
    comments=(),
    sticky=False,
    link=None,
    excerpt="",
    password="",
    attachment_url=None,
):
    slug = f"post-{post_id}" if slug is None else slug
    link = f"{SITE}/{slug}/" if link is None else link
    parts = [
        _tag("title", title),
        _tag("link", link),
        f'<guid isPermaLink="false">{SITE}/?{"page_id" if post_type == "page" else "p"}='
        f"{post_id}</guid>",
        _tag("dc:creator", creator),
        _tag("content:encoded", body),
        _tag("excerpt:encoded", excerpt),
        _tag("wp:post_id", post_id),
        _tag("wp:post_date", date_gmt),
        _tag("wp:post_date_gmt", date_gmt),
        _tag("wp:post_modified_gmt", modified_gmt or date_gmt),
        _tag("wp:comment_status", "open"),
        _tag("wp:post_name", slug),
        _tag("wp:status", status),
        _tag("wp:post_parent", 0),
        _tag("wp:post_type", post_type),
        _tag("wp:post_password", password),
        _tag("wp:is_sticky", 1 if sticky else 0),
    ]
    if attachment_url:
        parts.append(_tag("wp:attachment_url", attachment_url))
    for domain, nicename, name in terms:
        parts.append(f'<category domain="{domain}" nicename="{nicename}">{escape(name)}</category>')
    for key, value in (meta or {}).items():
        parts.append(
            "<wp:postmeta>"
            + _tag("wp:meta_key", key)
            + _tag("wp:meta_value", value)
            + "</wp:postmeta>"
        )
    parts.extend(comments)
    return "<item>" + "".join(parts) + "</item>"


def attachment(post_id, path, title="Boats at dawn", alt="Boats leaving the harbour", caption=""):
    return item(
        post_id,
        title=title,
        body="Taken from the harbour wall.",
        slug=f"attachment-{post_id}",
        status="inherit",
        post_type="attachment",
        excerpt=caption,
        attachment_url=f"{SITE}/wp-content/uploads/{path}",
        meta={"_wp_attached_file": path, "_wp_attachment_image_alt": alt},
    )


def export(*parts, version="1.2", namespace_host="wordpress.org", scheme="http", site=SITE):
    wp = f"{scheme}://{namespace_host}/export/{version}/"
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        f'<rss version="2.0" xmlns:excerpt="{wp}excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{wp}">\n'
        f"<channel><title>Old Site</title>{_tag('link', site)}"
        f"{_tag('wp:wxr_version', version)}{_tag('wp:base_site_url', site)}"
        f"{_tag('wp:base_blog_url', site)}\n" + "\n".join(parts) + "\n</channel></rss>\n"
    )
