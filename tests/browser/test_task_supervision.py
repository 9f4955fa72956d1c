"""The supervision loop in a real browser (issue 5, "Done when"): a supervisor finds a late task on
the board, issues a notice, the bureau replies and reports completion, the supervisor verifies
and closes it, and the light and counts follow by themselves."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tasks.lifecycle import Status
from tasks.models import Task
from tasks.scan import run_scan
from tests.tasks import factories as task_factories

pytestmark = pytest.mark.django_db(transaction=True)


def switch_user(page, sign_in, user):
    page.context.clear_cookies()
    return sign_in(user)


def test_board_notice_reply_verify_and_close(
    live_server, sign_in, screenshot, transport_bureau, health_bureau, owner, supervisor
):
    late = task_factories.task(
        transport_bureau, title="建设智慧停车一张网", due_in=-12, assigned_days_ago=60, status=Status.IN_PROGRESS
    )
    task_factories.task(
        health_bureau, plan=late.plan, title="推行出生一件事一次办", due_in=3, status=Status.ACKNOWLEDGED
    )
    run_scan()

    page = sign_in(supervisor)
    page.goto(f"{live_server.url}/tasks/board/")
    page.wait_for_selector("#warning-chart canvas")
    row = page.locator("[data-testid=board-table] tr", has_text="临江市交通运输局")
    assert row.locator("td").nth(3).inner_text() == "1"  # one red task
    screenshot("tasks-board")
    # The filter refreshes the counts in place (htmx), without reloading the page.
    page.evaluate("window.__stillHere = true")
    page.select_option("#id_light", "yellow")
    # A locator assertion, not wait_for_function: that evaluates a string, which the CSP forbids.
    expect(page.locator("[data-testid=total-total]")).to_have_text("1")
    assert page.evaluate("window.__stillHere") is True
    assert "light=yellow" in page.url

    page.goto(f"{live_server.url}/tasks/?light=red")
    page.get_by_role("link", name="建设智慧停车一张网").click()
    page.fill("#id_requirement", "书面说明逾期原因和整改措施")
    page.fill("#id_reply_due", (timezone.localdate() + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="下发督办单").click()
    assert "督办单已下发" in page.locator(".alert-success").inner_text()

    page = switch_user(page, sign_in, owner)
    assert "待回复的督办单" in page.content()
    page.goto(f"{live_server.url}/tasks/{late.pk}/")
    page.locator("[data-testid=notice-reply] textarea").fill("已增派人员，本周内完成")
    page.get_by_role("button", name="提交答复").click()
    page.locator("[data-testid=action-finish] textarea").fill("系统已上线运行")
    page.locator("[data-testid=action-finish] button").click()
    assert page.locator("[data-testid=task-status]").inner_text() == "已反馈"
    screenshot("tasks-detail-owner")

    page = switch_user(page, sign_in, supervisor)
    page.goto(f"{live_server.url}/tasks/{late.pk}/")
    page.locator("[data-testid=action-verify] textarea").fill("经核验属实")
    page.locator("[data-testid=action-verify] button").click()
    page.locator("[data-testid=notice-close] button").click()
    assert page.locator("[data-testid=task-status]").inner_text() == "已核验销号"
    assert "已销号" in page.locator("[data-testid=notice]").inner_text()
    screenshot("tasks-detail-closed")
    late.refresh_from_db()
    assert (late.light, late.open_warning_count, late.open_notice_count) == ("green", 0, 0)
    page.goto(f"{live_server.url}/tasks/board/")
    assert page.locator("[data-testid=total-red]").inner_text() == "0"
    assert Task.objects.get(pk=late.pk).status == Status.COMPLETED
