"""The front page's blocks: the lead, the top stories, a block per section.

Automatic until an editor says otherwise: the lead is the newest story unless one is
pinned (``FrontPagePin``); the top stories are the pinned ones, in order. Every block
comes from a fixed number of queries whatever the number of sections: the pins, the
newest ids of every section (one UNION ALL), and those articles' rows.
"""

from dataclasses import dataclass, field

from django.conf import settings

from .models import Article, FrontPagePin
from .sections import site_sections


@dataclass
class SectionBlock:
    section: object
    articles: list


@dataclass
class FrontPage:
    lead: Article | None = None
    top_stories: list = field(default_factory=list)
    section_blocks: list = field(default_factory=list)
    latest: list = field(default_factory=list)


def build_front_page(latest, per_section=None):
    """Return the first page of the front: its pinned and automatic blocks around ``latest``.

    ``latest`` is the first page of the newest stories, already fetched for cards; the
    lead (pinned or newest) and the top stories are left out of it and of the section
    blocks, so no story shows twice above the fold.
    """
    per_section = per_section or settings.FRONT_PAGE_SECTION_STORIES
    pins = list(FrontPagePin.objects.showing().values_list("kind", "article_id"))
    lead_ids = [pk for kind, pk in pins if kind == FrontPagePin.Kind.LEAD][:1]
    top_ids = [pk for kind, pk in pins if kind == FrontPagePin.Kind.TOP and pk not in lead_ids]
    if not lead_ids:
        # The newest story not already pinned as a top story: one pinned there shows there.
        lead_ids = [article.pk for article in latest if article.pk not in top_ids][:1]
    shown = set(lead_ids) | set(top_ids)

    sections = site_sections().navigation
    # Enough of each section's newest to fill its block after leaving out what shows above.
    block_ids = Article.objects.published().latest_ids_per_section(
        sections, per_section + len(shown)
    )
    by_id = {article.pk: article for article in latest}
    wanted = (shown | {pk for ids in block_ids.values() for pk in ids}) - by_id.keys()
    if wanted:
        by_id.update(
            (article.pk, article)
            for article in Article.objects.published().for_listing().filter(pk__in=wanted)
        )

    front = FrontPage()
    front.lead = by_id.get(lead_ids[0]) if lead_ids else None
    front.top_stories = [by_id[pk] for pk in top_ids if pk in by_id]
    for section in sections:
        newest = sorted(
            (by_id[pk] for pk in block_ids.get(section.pk, ()) if pk in by_id and pk not in shown),
            key=lambda article: (article.published_at, article.pk),
            reverse=True,
        )[:per_section]
        if newest:
            front.section_blocks.append(SectionBlock(section, newest))
    front.latest = [article for article in latest if article.pk not in shown]
    return front
