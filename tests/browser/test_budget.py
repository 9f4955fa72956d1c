"""Finance's year-end flow in a real browser: open next year's budget, try a stricter policy,
adjust one line with a justification; the owner sees its outcomes."""

import pytest
from django.utils import timezone

from evaluation.models import BudgetAdjustment, BudgetPolicy
from evaluation.services import evaluate_period
from tests.evaluation import factories as outcome

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _data_migrations(transactional_db):
    """A transactional test's flush also empties what data migrations wrote (the seven domains, the
    built-in indicators); put them back for the next test, wherever it runs in the session."""
    import importlib

    from django.apps import apps

    from portfolio.models import Domain

    if not Domain.objects.exists():
        importlib.import_module("portfolio.migrations.0002_default_domains").create_domains(apps, None)
    importlib.import_module("evaluation.migrations.0002_builtin_indicators").create(apps, None)


@pytest.fixture
def budget_year(_data_migrations, transport_bureau, health_bureau, owner, city):
    from tests import factories

    year = timezone.localdate().year
    plan = factories.plan(city)
    good = outcome.project(transport_bureau, plan=plan, name="公交到站实时预报系统")
    poor = outcome.project(health_bureau, plan=plan, name="全民健康信息平台运维")
    outcome.ratings(good, [5, 5, 5, 4], year=year, month=1)
    outcome.ratings(poor, [2, 3, 1], year=year, month=1)
    evaluate_period(year)
    outcome.budget_request(good, "300000.00", year=year + 1, by=owner)
    outcome.budget_request(poor, "500000.00", year=year + 1, by=owner)
    return year + 1, poor


def test_finance_simulates_a_stricter_policy_and_adjusts_a_line(finance, budget_year, sign_in, screenshot, live_server):
    year, poor = budget_year
    page = sign_in(finance)
    page.goto(f"{live_server.url}/evaluation/budget/{year}/")
    assert f"{year} 年度结果导向运营预算" in page.locator("h1").inner_text()
    page.wait_for_selector("#chart-grades canvas")
    # C (no spending filed: execution 0) 300,000 × 0.80 + D 500,000 × 0.50
    assert page.locator("[data-testid=total-recommended]").inner_text() == "490,000.00"

    page.fill("#id_factor_d", "0.30")
    page.fill("#id_envelope", "500000")
    page.click("[data-testid=simulate]")
    result = page.locator("[data-testid=simulation-result]")
    result.wait_for()
    assert "模拟试算结果（未保存）" in result.inner_text() and "500,000.00" in result.inner_text()
    assert not BudgetPolicy.objects.exists()
    screenshot("budget-simulation")

    page.goto(f"{live_server.url}/evaluation/budget/{year}/adjust/{poor.pk}/")
    page.fill("#id_final", "260000")
    page.click("[data-testid=save-adjustment]")
    assert "须填写调整理由" in page.content()
    page.fill("#id_justification", "民生项目，保障基本运维")
    page.click("[data-testid=save-adjustment]")
    page.wait_for_load_state("networkidle")
    assert "最终金额已记录" in page.content()
    assert BudgetAdjustment.objects.get().by == finance
    screenshot("budget-adjusted")


def test_owner_sees_its_outcomes_in_chinese(owner, budget_year, sign_in, screenshot, live_server):
    page = sign_in(owner)
    page.click("nav >> text=绩效与预算")  # the menu's dropdown
    page.click("nav .dropdown-menu >> text=运营绩效")
    page.wait_for_load_state("networkidle")
    assert "公交到站实时预报系统" in page.content() and "全民健康信息平台运维" not in page.content()
    page.click("text=公交到站实时预报系统")
    page.wait_for_load_state("networkidle")
    assert "用户满意度" in page.content()
    screenshot("owner-project-outcomes")
