"""Pre-review in a real browser (the issue's "Done when"): the portfolio office starts the review of
a proposal that rewrites an existing system in other words and sees, on the report, "duplicate of
system X (bureau Y)" with the shared functions side by side, a rule score that explains itself, and
a recommendation; a reviewer writes its review through the form."""

from decimal import Decimal

import pytest

from projects.lifecycle import Stage
from projects.prereview.models import ExpertReview
from tests import factories
from tests.projects import factories as pf
from tests.projects.factories import ensure_default_domains
from tests.projects.prereview.conftest import BUS_REWRITE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plan(city):
    ensure_default_domains()
    return factories.plan(city, start_year=2025, end_year=2027)


def test_manager_opens_the_report_of_a_duplicate_proposal(
    page, live_server, sign_in, screenshot, manager, reviewer, plan, transport_bureau
):
    livable = factories.domain("livable")
    system = factories.system(
        transport_bureau,
        name="公交电子站牌与实时公交系统",
        domain_=livable,
        description="公交车辆实时定位、到站预报和电子站牌信息发布。",
        functions=["公交车辆实时定位", "到站时间预报", "电子站牌信息发布", "公交线路查询"],
    )
    project = pf.project(
        transport_bureau,
        plan,
        stage=Stage.SUBMITTED,
        domain=livable,
        budget_requested=Decimal("4200000.00"),
        shares_data=True,
        beneficiaries=350000,
        **BUS_REWRITE,
    )
    sign_in(manager)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.click("[data-testid=action-start-review]")
    page.click("[data-testid=confirm-start-review]")
    page.wait_for_load_state("networkidle")

    headline = page.locator("[data-testid=duplicate-headline]").inner_text()
    assert "与信息系统“公交电子站牌与实时公交系统”（临江市交通运输局）重复建设" in headline
    assert "到站时间预报" in headline and "公交线路查询" in headline
    shared = page.locator(f"[data-testid=evidence-system-{system.pk}] mark").all_inner_texts()
    assert {"车辆到站时间预测", "到站时间预报", "公交线路与换乘查询", "公交线路查询"} <= set(shared)
    assert page.locator("[data-testid=recommendation-action]").inner_text() == "不予立项"
    assert "公交电子站牌与实时公交系统" in page.locator("[data-testid=recommendation-reasons]").inner_text()
    fired = page.locator("[data-testid=fired-rules]").inner_text()
    assert "数据共享至城市数据平台" in fired and "向城市数据平台共享数据：是" in fired and "+5" in fired
    assert "未解除" in page.locator("[data-testid^=red-line-]").filter(has_text="与已有建设重复").inner_text()
    screenshot("prereview-01-manager-report-of-a-duplicate")

    # The office asks an expert, who reviews through the form.
    page.select_option("[data-testid=assign-form] select", label="王建国（临江市数字化转型专家咨询委员会）")
    page.click("[data-testid=assign-submit]")
    page.wait_for_load_state("networkidle")
    assert "待评审" in page.locator("[data-testid=review-table]").inner_text()
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=sign-out]")
    page.wait_for_load_state("networkidle")

    sign_in(reviewer)
    page.goto(f"{live_server.url}/projects/reviews/")
    page.click(f"text={project.name}")
    for field, value in {
        "innovation": "3",
        "demonstration": "3",
        "impact": "6",
        "reuse": "2",
        "compliance": "4",
    }.items():
        page.fill(f"#id_score_{field}", value)
    page.check("input[name=opinion][value=reject]")
    page.fill("#id_comment", "到站预测和线路查询均为现有系统功能，属重复建设。")
    screenshot("prereview-02-reviewer-form")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=submit-review]")
    page.wait_for_load_state("networkidle")
    review = ExpertReview.objects.get()
    assert (review.status, review.opinion, review.total) == ("submitted", "reject", 18)
    screenshot("prereview-03-reviewer-assignments")
