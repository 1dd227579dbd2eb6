"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live_server.

Where Chromium is not installed these tests are skipped with one line saying how to
install it; .ci/run installs it and fails on any skipped test, so CI always runs them.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from articles.roles import ensure_roles

# Playwright's sync API runs an event loop in the test thread, and Django refuses ORM
# calls made beside one; the calls here are synchronous and safe. (tests/test_settings.py
# removes the variable from the environments it starts, since check --deploy refuses it.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE_SCRIPT = Path(settings.BASE_DIR) / "tools/browser/node_modules/axe-core/axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"

# Flags that work as root in this sandbox and keep Chromium from calling hosts it
# cannot reach (see the README's browser-testing section).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    browser_items = [
        item for item in items if "tests/browser/" in str(item.fspath).replace(os.sep, "/")
    ]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`"
        )
    if not AXE_SCRIPT.exists():
        missing.append("axe-core not installed: run `make browser-tools` (needs npm)")
    if not missing:
        return
    skip = pytest.mark.skip(reason="; ".join(missing))
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot(request):
    """Return a function that saves a full-page screenshot under artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe():
    """Return a function that runs axe-core's WCAG 2.1 A/AA rules on a page."""
    source = AXE_SCRIPT.read_text()

    def run(page):
        # evaluate() is not subject to the page's Content-Security-Policy, which
        # (rightly) refuses inline scripts.
        page.evaluate(source)
        result = page.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
        )
        return [
            {
                "id": violation["id"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]],
            }
            for violation in result["violations"]
        ]

    return run


# The data migrations that create the newsroom's groups and their permissions.
@pytest.fixture
def roles(transactional_db):
    """Make sure the newsdesk's groups exist, as ``migrate`` leaves them.

    A transactional test's closing flush removes them and its post_migrate signal makes
    them again (articles.roles.ensure_roles); asking here keeps the tests independent of
    which test ran before.
    """
    ensure_roles()


@pytest.fixture
def admin_login(live_server):
    """Return a function that logs a page in to the admin and waits for its index."""

    def log_in(page, username, password):
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Newsdesk")).to_be_visible()

    return log_in
