"""Under the Content-Security-Policy, pages work and the browser refuses nothing: the context
fixture fails a test on any console error, and Chromium logs every CSP refusal as one. Charts are
hovered (ECharts writes tooltips), progress bars drawn, the year closed through its confirm
dialog, Swagger UI and the admin opened."""

import pytest

from evaluation.models import BudgetPolicy
from tasks.lifecycle import Status
from tests.browser.test_budget import _data_migrations, budget_year  # noqa: F401 -- fixtures
from tests.tasks import factories as task_factories

pytestmark = pytest.mark.django_db(transaction=True)


def _hover(page, selector):
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(400)


def test_the_budget_page_charts_tooltips_and_closing_the_year(finance, budget_year, sign_in, live_server):  # noqa: F811
    year, _poor = budget_year
    page = sign_in(finance)
    page.goto(f"{live_server.url}/evaluation/budget/{year}/")
    page.wait_for_selector("#chart-grades canvas")
    _hover(page, "#chart-grades canvas")
    _hover(page, "#chart-domains canvas")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=close-year]")
    page.wait_for_selector("[data-testid=year-closed]")
    assert BudgetPolicy.objects.get(year=year).closed_at is not None


def test_progress_bars_and_the_board_chart(supervisor, transport_bureau, sign_in, live_server):
    task = task_factories.task(transport_bureau, title="建设城市运行一网统管平台", status=Status.IN_PROGRESS)
    task.progress = 40
    task.save(update_fields=["progress"])
    page = sign_in(supervisor)
    page.goto(f"{live_server.url}/tasks/")
    bar = page.locator(".progress-bar").first
    assert bar.evaluate("el => el.style.width") == "40%"
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    assert page.locator(".progress-bar").first.evaluate("el => el.style.width") == "40%"
    page.goto(f"{live_server.url}/tasks/board/")
    page.wait_for_selector("#warning-chart canvas")
    _hover(page, "#warning-chart canvas")


def test_swagger_ui_the_browsable_api_and_the_admin(manager, sign_in, live_server):
    page = sign_in(manager)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() > 0
    page.goto(f"{live_server.url}/api/v1/projects/")
    assert page.locator(".response-info").is_visible()
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#site-name").is_visible()
