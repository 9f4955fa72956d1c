"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test fails if the page logs a console error, throws, or asks for anything that is not
served by the app itself (a CDN link, a stray fetch): the users' networks often have no internet.
Screenshots land in test-results/screenshots/ for a human to look at.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must run the browser tests, but {CHROMIUM} is missing.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: a Playwright test")


@pytest.fixture(autouse=True)
def _browser_marker(request):
    request.node.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _close_context_local_connections():
    """Close the database connections this test opened. Under Playwright's event loop Django's
    connection handler hands out context-local wrappers that the end-of-session cleanup never
    sees; left open, they keep PostgreSQL from dropping the test database."""
    yield
    from django.db import connections

    connections.close_all()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def context(context):
    """Playwright's context, failing the test on console errors, page errors and external requests."""
    problems = []

    def on_console(message):
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    def guard(route):
        host = urlsplit(route.request.url).hostname
        if host in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            problems.append(f"request to another host: {route.request.url}")
            route.abort()

    context.on("console", on_console)
    context.on("weberror", lambda error: problems.append(f"uncaught: {error.error}"))
    context.route("**/*", guard)
    yield context
    if problems:
        pytest.fail("Browser problems:\n" + "\n".join(problems))


@pytest.fixture
def sign_in(page, live_server):
    """``sign_in(user)`` signs the page in through the sign-in form and returns the page."""
    from tests.factories import PASSWORD

    def _sign_in(user, password=PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("[data-testid=sign-in-submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _sign_in


@pytest.fixture
def screenshot(page):
    """``screenshot(name)`` saves a full-page PNG under test-results/screenshots/."""

    def _shot(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
