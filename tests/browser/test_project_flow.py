"""The lifecycle through the pages, in a real browser: an owner drafts, attaches and submits a
proposal; the portfolio office starts the review and approves it with a budget."""

from decimal import Decimal

import pytest

from portfolio.models import PlanGoal, Region
from projects.demo import tiny_pdf
from projects.models import Project
from tests import factories
from tests.projects.factories import ensure_default_domains

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plan(city):
    ensure_default_domains()  # a transactional test's flush removed the data migration's domains
    created = factories.plan(city, start_year=2025, end_year=2027)
    PlanGoal.objects.create(plan=created, title="公共交通服务便捷高效")
    return created


def sign_out(page):
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=sign-out]")
    page.wait_for_load_state("networkidle")


def test_owner_drafts_attaches_and_submits_then_manager_approves(
    page, live_server, sign_in, screenshot, owner, manager, plan
):
    assert plan.region.level == Region.Level.CITY
    # The owner drafts the proposal from the list page.
    sign_in(owner)
    page.goto(f"{live_server.url}/projects/")
    page.click("[data-testid=new-proposal]")
    page.fill("#id_name", "公交到站信息服务提升工程")
    page.select_option("#id_domain", label="绿色智慧宜居环境")
    page.select_option("#id_plan_goal", label="公共交通服务便捷高效")
    page.fill("#id_year", "2026")
    page.fill("#id_description", "采集公交车辆位置，预测到站时间，在站台电子屏发布实时信息。")
    page.fill("#id_functions", "车辆到站时间预测\n站台电子屏信息推送")
    page.fill("#id_budget_requested", "4200000")
    page.fill("#id_planned_start", "2026-03-01")
    page.fill("#id_planned_end", "2026-12-31")
    page.fill("#id_beneficiaries", "350000")
    page.fill("#id_warranty_months", "24")
    screenshot("project-01-owner-proposal-form")
    page.click("[data-testid=save-draft]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=project-code]").inner_text() == "2026-交通-0001"
    assert "申报材料" in page.locator("[data-testid=missing-for-submit]").inner_text()

    # Attaches the application materials (htmx swaps the card in place).
    page.set_input_files(
        "[data-testid=upload-form] input[type=file]",
        files=[{"name": "项目申报书.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf("proposal")}],
    )
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=attachment-list] >> text=项目申报书.pdf")
    page.wait_for_load_state("networkidle")
    assert not page.locator("[data-testid=missing-for-submit]").count()
    screenshot("project-02-owner-draft-with-attachment")

    # Submits it.
    page.click("[data-testid=action-submit]")
    page.click("[data-testid=confirm-submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=project-stage]").inner_text() == "已申报"
    assert "申报" in page.locator("[data-testid=timeline]").inner_text()
    assert page.locator("[data-testid=no-actions]").is_visible()
    screenshot("project-03-owner-submitted")
    project = Project.objects.get()
    sign_out(page)

    # The portfolio office sees it in its queue, starts the review and approves it.
    sign_in(manager)
    assert page.locator("[data-testid=unread-count]").inner_text() == "1"
    page.goto(f"{live_server.url}/projects/queue/")
    page.click(f"text={project.name}")
    page.click("[data-testid=action-start-review]")
    page.click("[data-testid=confirm-start-review]")
    page.wait_for_load_state("networkidle")
    # Starting the review lands on the pre-review report: 4,200,000 yuan needs an expert review
    # (a red line), which the office overrides here with a written reason.
    assert page.locator("[data-testid=project-stage]").inner_text() == "预审中"
    assert page.locator("[data-testid=approval-blocked]").is_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    red_line = page.locator("[data-testid^=red-line-]").filter(has_text="预算30万元及以上须经专家评审")
    red_line.locator("textarea").fill("该项目已经市政府常务会议专题论证，不再另行组织专家评审。")
    red_line.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已解除" in red_line.inner_text()
    page.goto(f"{live_server.url}/projects/{project.pk}/")

    # (A refused action answers 4xx, which the harness counts as a console error: the refusals are
    # covered by tests/projects/test_pages.py.)
    page.click("[data-testid=action-approve]")
    page.fill("#id_approve-approved_budget", "3900000")
    page.fill("#id_approve-approval_number", "临数批〔2026〕12号")
    screenshot("project-04-manager-approve-form")
    page.click("[data-testid=confirm-approve]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=project-stage]").inner_text() == "已立项"
    assert "3,900,000.00 元" in page.locator("[data-testid=gate-approval]").inner_text()
    assert "市政府常务会议专题论证" in page.locator("[data-testid=gate-prereview]").inner_text()
    screenshot("project-05-manager-approved")
    project.refresh_from_db()
    assert (project.stage, project.approved_budget) == ("approved", Decimal("3900000.00"))
    assert [t.action for t in project.transitions.all()] == ["submit", "start_review", "approve"]
