"""No lost edits, in a real browser: two editors on one article, text kept through a closed
tab, and a published article's old revision restored without leaving the site."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles import revisions
from articles.models import Article
from tests.browser.conftest import AXE_SCRIPT, SCREENSHOTS
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-editor-password"
VIEWPORT = {"width": 1280, "height": 900}


def _editor(username, first_name, last_name):
    user = make_user(
        username=username,
        password=PASSWORD,
        is_staff=True,
        first_name=first_name,
        last_name=last_name,
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def ana(roles):
    return _editor("ana", "Ana", "Ruiz")


@pytest.fixture
def ben(roles):
    return _editor("ben", "Ben", "Okafor")


def _shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"locking-{name}.png"), full_page=True)


def _axe(page, selector=None):
    """Run axe-core's WCAG 2.1 A/AA rules on the page, or on the part ``selector`` names."""
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        """(selector) => axe.run(selector ? document.querySelector(selector) : document,
            {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""",
        selector,
    )
    return [
        {"id": v["id"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def _open_as(browser, live_server, admin_login, user):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    admin_login(page, user.username, PASSWORD)
    return context, page


def _editor_body(page):
    return page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")


def _change_path(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_two_editors_on_one_article(live_server, browser, admin_login, ana, ben):
    article = make_article(
        headline="Harbour wall repairs begin",
        standfirst="Work starts on Monday.",
        body="<p>The council approved the work.</p><p>Traffic will be diverted.</p>",
    )
    ana_context, ana_page = _open_as(browser, live_server, admin_login, ana)
    ben_context, ben_page = _open_as(browser, live_server, admin_login, ben)

    ana_page.goto(live_server.url + _change_path(article))
    expect(ana_page.locator(".locking-notice")).to_have_count(0)
    ben_page.goto(live_server.url + _change_path(article))
    notice = ben_page.get_by_role("status").filter(has_text="has had this article open")
    expect(notice).to_contain_text(
        re.compile(r"Ana Ruiz has had this article open since \d\d:\d\d")
    )
    expect(_editor_body(ben_page)).to_contain_text("The council approved the work.")
    assert _axe(ben_page, "#locking") == []
    _shoot(ben_page, "presence")

    # Ana saves first.
    ana_page.get_by_label("Headline").fill("Harbour wall repairs delayed")
    ana_page.get_by_role("button", name="Save and continue editing").click()
    expect(ana_page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Ben, who opened it before her save, changes the headline and the body.
    ben_page.get_by_label("Headline").fill("Harbour wall repairs begin early")
    body = _editor_body(ben_page)
    body.locator("p").last.click()
    ben_page.keyboard.press("End")
    body.press_sequentially(" Buses stop at the quay.")
    ben_page.get_by_role("button", name="Save and continue editing").click()

    conflict = ben_page.get_by_role("alert").filter(has_text="Someone else saved")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Saved by Ana Ruiz")
    expect(conflict.locator("del")).to_contain_text(["Harbour wall repairs delayed"])
    expect(conflict.locator("ins").first).to_contain_text("Harbour wall repairs begin early")
    expect(conflict.locator("ins").last).to_contain_text("Buses stop at the quay.")
    # His text is still in the form, the editor's included.
    expect(ben_page.get_by_label("Headline")).to_have_value("Harbour wall repairs begin early")
    expect(_editor_body(ben_page)).to_contain_text("Buses stop at the quay.")
    article.refresh_from_db()
    assert article.headline == "Harbour wall repairs delayed"
    assert "Buses" not in article.body
    # The form's own part of the page; the rest of Django's form is the writing desk's.
    assert _axe(ben_page, "#locking") == []
    _shoot(ben_page, "conflict")
    # His refused text is not saved anywhere yet: the browser keeps it.
    key = f"newsroom-draft:{ben.pk}-{article.pk}"
    ben_page.wait_for_function(
        "(key) => (window.localStorage.getItem(key) || '').includes('begin early')", arg=key
    )

    # Having read hers, he saves again on purpose: his version replaces hers.
    ben_page.get_by_role("button", name="Save and continue editing").click()
    expect(ben_page.locator(".messagelist")).to_contain_text("was changed successfully")
    ben_page.wait_for_function("(key) => window.localStorage.getItem(key) === null", arg=key)
    article.refresh_from_db()
    assert article.headline == "Harbour wall repairs begin early"
    assert "Buses stop at the quay." in article.body
    assert article.version == 3
    ana_context.close()
    ben_context.close()


def test_text_typed_before_a_tab_closed_is_offered_back(live_server, browser, admin_login, ana):
    article = make_article(headline="Ferry timetable changes", body="<p>From May.</p>")
    context, page = _open_as(browser, live_server, admin_login, ana)
    # The scripts run under the admin's Content-Security-Policy, which Chromium reports.
    refused = []
    context.on(
        "console",
        lambda message: "Content Security Policy" in message.text and refused.append(message),
    )
    page.goto(live_server.url + _change_path(article))
    expect(_editor_body(page)).to_contain_text("From May.")
    page.get_by_label("Headline").fill("Ferry timetable changes for summer")
    body = _editor_body(page)
    body.locator("p").last.click()
    page.keyboard.press("End")
    body.press_sequentially(" Extra crossings on Sundays.")
    key = f"newsroom-draft:{ana.pk}-{article.pk}"
    page.wait_for_function(
        "(key) => (window.localStorage.getItem(key) || '').includes('Sundays.')", arg=key
    )
    page.close()  # the tab closes unsaved

    page = context.new_page()
    page.goto(live_server.url + _change_path(article))
    offer = page.get_by_role("region", name=re.compile("This browser kept text you typed"))
    expect(offer).to_be_visible()
    expect(page.get_by_label("Headline")).to_have_value("Ferry timetable changes")
    assert _axe(page, "#locking") == []
    _shoot(page, "draft-offer")
    offer.get_by_role("button", name="Restore your unsaved text").click()
    expect(page.get_by_label("Headline")).to_have_value("Ferry timetable changes for summer")
    expect(_editor_body(page)).to_contain_text("Extra crossings on Sundays.")
    expect(page.get_by_role("status").filter(has_text="back in the form")).to_be_visible()

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    # Saved: the changelist's copy of the script forgets the kept text (once the page is
    # parsed: the message above can show a moment before that).
    page.wait_for_function("(key) => window.localStorage.getItem(key) === null", arg=key)
    article.refresh_from_db()
    assert article.headline == "Ferry timetable changes for summer"
    assert "Extra crossings on Sundays." in article.body

    # Discarding: typed, closed, reopened, thrown away.
    page.goto(live_server.url + _change_path(article))
    expect(_editor_body(page)).to_contain_text("Extra crossings on Sundays.")
    page.get_by_label("Standfirst").fill("Not worth keeping.")
    page.wait_for_function(
        "(key) => (window.localStorage.getItem(key) || '').includes('Not worth')", arg=key
    )
    page.close()
    page = context.new_page()
    page.goto(live_server.url + _change_path(article))
    page.get_by_role("button", name="Discard").click()
    expect(page.locator(".locking-drafts")).to_be_hidden()
    assert page.evaluate("(key) => window.localStorage.getItem(key)", key) is None
    page.reload()
    expect(page.get_by_label("Headline")).to_be_visible()
    expect(page.get_by_role("button", name="Restore your unsaved text")).to_have_count(0)
    assert [message.text for message in refused] == []
    context.close()


def test_restoring_a_published_revision_keeps_the_article_up(
    live_server, browser, admin_login, ana
):
    article = make_article(headline="Bridge closes for a week", body="<p>First report.</p>")
    old = revisions.record(article, ana)
    article.headline, article.body = "Bridge closes for a month", "<p>Second report.</p>"
    article.save()
    revisions.record(article, ana)
    address = live_server.url + article.get_absolute_url()

    reader = browser.new_context(viewport=VIEWPORT).new_page()
    assert reader.goto(address).status == 200
    expect(reader.locator("h1")).to_contain_text("Bridge closes for a month")

    context, page = _open_as(browser, live_server, admin_login, ana)
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/revisions/{old.pk}/")
    assert _axe(page) == []
    _shoot(page, "revision")
    page.get_by_role("link", name=re.compile("Compare with the live text and restore")).click()
    expect(page.locator("#content-main")).to_contain_text("live on the site")
    expect(page.locator("del").first).to_contain_text("Bridge closes for a month")
    expect(page.locator("ins").first).to_contain_text("Bridge closes for a week")
    assert _axe(page) == []
    _shoot(page, "restore")
    # The reader still gets the page while the editor reads the comparison.
    assert reader.goto(address).status == 200
    page.get_by_role("button", name="Restore and keep published").click()
    expect(page.locator(".messagelist")).to_contain_text("the article stayed published")

    assert reader.goto(address).status == 200
    expect(reader.locator("h1")).to_contain_text("Bridge closes for a week")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.is_public
    assert article.revisions.first().note.endswith("kept published")
    context.close()
