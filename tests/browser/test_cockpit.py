"""The portfolio cockpit in a real browser: the manager sees the whole programme and clicks from a
number to the projects behind it; an owner sees its own bureau only; a phone can read it."""

import datetime
import re
from pathlib import Path

from django.utils import timezone

from cockpit import services
from tests.cockpit import conftest as hand_built
from tests.projects import factories as project_factories

# The hand-built portfolio of the cockpit's tests, as fixtures of this module.
plan, district, district_health = hand_built.plan, hand_built.district, hand_built.district_health
goals, scenarios, portfolio = hand_built.goals, hand_built.scenarios, hand_built.portfolio

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def optimistic_red(portfolio, owner):
    bus = portfolio["bus"]
    for n in range(2):
        project_factories.milestone(bus, done=False, planned_date=timezone.localdate() - datetime.timedelta(days=3 + n))
    services.file_status_report(
        bus, by=owner, month=f"{timezone.localdate():%Y-%m}", light="green", comment="一切顺利。"
    )


def test_manager_opens_the_cockpit_and_drills_down(manager, owner, portfolio, sign_in, live_server):
    optimistic_red(portfolio, owner)
    page = sign_in(manager)
    page.goto(f"{live_server.url}/cockpit/")
    page.wait_for_selector("#chart-domain canvas")
    assert page.locator("[data-testid=total-count]").inner_text() == "4"
    assert page.locator("[data-testid=optimistic-count]").inner_text() == "1"
    assert "临江市交通运输局" in page.locator("[data-testid=optimism-by-org]").inner_text()
    assert "数字经济核心产业占比提高" in page.locator("[data-testid=gaps]").inner_text()
    shot(page, "cockpit-manager")
    # Click the livable domain's count: the list's totals are the number clicked.
    row = page.locator("[data-testid=rollup-domain] tr", has_text="绿色智慧宜居环境")
    clicked = row.locator("[data-testid=requested]").inner_text()
    row.locator("[data-testid=count]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=total-count]").inner_text() == "2"
    assert page.locator("[data-testid=total-requested]").inner_text() == clicked
    shot(page, "cockpit-drill-down")
    page.goto(f"{live_server.url}/cockpit/at-risk/")
    assert "自评偏乐观" in page.locator("[data-testid=at-risk-table]").inner_text()
    shot(page, "cockpit-at-risk")


def test_owner_sees_its_own_bureau_only_and_files_a_rating(owner, portfolio, sign_in, live_server, page):
    page = sign_in(owner)
    page.goto(f"{live_server.url}/cockpit/")
    page.wait_for_selector("#chart-domain canvas")
    assert page.locator("[data-testid=total-count]").inner_text() == "2"
    body = page.locator("body").inner_text()
    assert "临江市卫生健康委员会" not in body and "东城区卫生健康局" not in body
    shot(page, "cockpit-owner")
    page.goto(f"{live_server.url}/cockpit/projects/{portfolio['bus'].pk}/")
    page.check("input[name=light][value=yellow]")
    page.fill("textarea[name=comment]", "接口联调滞后两周，已增派人员。")
    page.click("[data-testid=rate-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "接口联调滞后两周" in page.locator("[data-testid=history]").inner_text()
    shot(page, "cockpit-owner-project")


def test_cockpit_is_readable_on_a_phone(manager, portfolio, sign_in, live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page = sign_in(manager)
    page.goto(f"{live_server.url}/cockpit/")
    page.wait_for_selector("#chart-domain canvas")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    assert re.match(r"\d+", page.locator("[data-testid=total-count]").inner_text())
    shot(page, "cockpit-phone")
