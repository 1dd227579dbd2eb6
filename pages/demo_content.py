"""The demo's About and Contact pages, for the same invented town paper as the stories.

Every name, address and number here is invented; the telephone number is from the
range Ofcom keeps for drama, and the addresses use the reserved example.org domain.
"""

from .models import Page

DEMO_PAGES = [
    {
        "slug": "about",
        "title": "About the Gazette",
        "description": (
            "Who writes the Harrowfield Gazette, who pays for it, and what we promise readers."
        ),
        "show_in_navigation": True,
        "order": 10,
        "body": (
            "<p>The Harrowfield Gazette reports on the town and the villages along the River "
            "Wend: the council chamber, the magistrates' court, the schools, the market and "
            "the towpath. We have been doing it, in print and then online, since the week the "
            "old corn exchange reopened as a library.</p>"
            "<h2>Who we are</h2>"
            "<p>A newsroom of five reporters, two editors and a photographer, with a handful "
            "of village correspondents who send in parish news. Every story carries the name "
            "of the person who wrote it, and every one of us can be reached through the "
            "Contact page.</p>"
            "<h2>How we are paid for</h2>"
            "<p>Local advertising and reader subscriptions keep the paper going. Advertisers "
            "never see a story before it is published and have no say in what we cover.</p>"
            "<h2>Our promise</h2>"
            "<ul><li>We check before we publish, and say where our information comes from.</li>"
            "<li>We give people we write about a fair chance to reply.</li>"
            "<li>When we get something wrong we correct it openly, on the story and on the "
            "corrections page.</li></ul>"
        ),
    },
    {
        "slug": "contact",
        "title": "Contact us",
        "description": "How to reach the newsroom with a story, a correction or a question.",
        "show_in_navigation": True,
        "order": 20,
        "body": (
            "<p>Seen something the town should know about? Spotted a mistake in one of our "
            "stories? We read everything that reaches us.</p>"
            "<h2>News tips</h2>"
            '<p>Email <a href="mailto:newsdesk@example.org">newsdesk@example.org</a> or call '
            "the newsdesk on 01632 960 418, weekdays from eight until six. Tell us how to "
            "reach you; we never name a source who asks us not to.</p>"
            "<h2>Corrections</h2>"
            '<p>Write to <a href="mailto:corrections@example.org">corrections@example.org</a> '
            "with the story's headline and what is wrong. The duty editor replies within two "
            "working days.</p>"
            "<h2>By post or in person</h2>"
            "<p>Harrowfield Gazette, 14 Kiln Road, Harrowfield. The front office is open "
            "Tuesday to Friday mornings.</p>"
        ),
    },
]


def create_demo_pages():
    """Publish the demo pages that are missing; return how many were created and present."""
    created = present = 0
    for fields in DEMO_PAGES:
        _, was_created = Page.objects.get_or_create(
            slug=fields["slug"],
            defaults={**fields, "status": Page.Status.PUBLISHED},
        )
        if was_created:
            created += 1
        else:
            present += 1
    return created, present
