"""The pages: owners' outcomes, finance's budget, managers' indicators; in Chinese, per role."""

import io
from decimal import Decimal

import pytest

from evaluation.models import BudgetAdjustment, BudgetPolicy, BudgetRequest, Indicator, Rating, Rectification
from evaluation.services import evaluate_period
from tests.evaluation import factories as outcome


@pytest.fixture
def year(settings):
    from django.utils import timezone

    return timezone.localdate().year


@pytest.fixture
def evaluated(transport_project, health_project, owner, year):
    outcome.ratings(transport_project, [5, 5, 4, 1], year=year, month=1)
    outcome.ratings(health_project, [3, 2], year=year, month=1)
    evaluate_period(year)
    outcome.budget_request(transport_project, "100000.00", year=year + 1, by=owner)
    outcome.budget_request(health_project, "200000.00", year=year + 1, by=owner)


def test_owner_sees_its_projects_outcomes_and_not_another_bureaus(
    client, owner, transport_project, health_project, evaluated
):
    client.force_login(owner)
    page = client.get("/evaluation/").content.decode()
    assert "运营项目绩效" in page and transport_project.name in page and health_project.name not in page
    assert client.get(f"/evaluation/projects/{transport_project.pk}/").status_code == 200
    assert client.get(f"/evaluation/projects/{health_project.pk}/").status_code == 404


def test_the_project_page_explains_the_score(client, owner, transport_project, evaluated):
    client.force_login(owner)
    page = client.get(f"/evaluation/projects/{transport_project.pk}/").content.decode()
    assert "用户满意度" in page and "满意率" in page and "按期整改率" in page
    assert "无数据，不参与计分" in page  # no tickets: resolution left out


def test_indicator_values_carry_their_units_and_missing_data_is_not_called_not_met(
    client, owner, finance, transport_project, year
):
    incidents = outcome.indicator("incidents", category="baseline", target_value=0)
    calls = outcome.indicator("calls", category="innovation", bonus=5, target_value=50)
    Indicator.objects.filter(pk=incidents.pk).update(unit="起", lower_is_better=True)
    Indicator.objects.filter(pk=calls.pk).update(unit="万次")
    outcome.measurement(transport_project, incidents, 1, period=year)
    outcome.ratings(transport_project, [5, 4], year=year, month=1)
    evaluate_period(year)
    outcome.budget_request(transport_project, "100000.00", year=year + 1, by=owner)
    client.force_login(owner)
    page = client.get(f"/evaluation/projects/{transport_project.pk}/").content.decode()
    assert "1 起" in page and "87.50%" in page  # satisfaction (4.5 − 1) ÷ 4 × 100, a percentage
    row = page[page.index(">calls<") :]
    row = row[: row.index("</tr>")]
    assert "无数据，不加分" in row and "未填报测量值" in row and "未达标" not in row
    for url in ("/evaluation/", "/evaluation/evaluations/"):
        assert "1 起" in client.get(url).content.decode()
    client.force_login(finance)
    assert "1 起" in client.get(f"/evaluation/budget/{year + 1}/").content.decode()


def test_owner_replies_to_a_poor_rating_from_the_page(client, owner, transport_project, evaluated):
    client.force_login(owner)
    rating = Rating.objects.filter(project=transport_project, score=1).get()
    rectification = Rectification.objects.create(
        rating=rating,
        project=transport_project,
        org=transport_project.owner_org,
        rated_at=rating.rated_at,
        period=rating.rated_at.year,
        opened_at=rating.rated_at,
        due_date=rating.rated_at.date(),
    )
    page = client.get("/evaluation/rectifications/").content.decode()
    assert "差评整改" in page and "已逾期" in page
    assert f'action="/evaluation/rectifications/{rectification.pk}/close/"' in page
    response = client.post(f"/evaluation/rectifications/{rectification.pk}/close/", {"reply": "已回访"})
    assert response.status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == "closed" and rectification.closed_by == owner


def test_the_rectification_pages_use_their_own_words_not_another_apps(client, owner, evaluated):
    # "Open", "Overdue" and "Reply" are also task and milestone words, translated otherwise there.
    client.force_login(owner)
    page = client.get("/evaluation/rectifications/").content.decode()
    assert ">待整改</a>" in page and ">已逾期</a>" in page and "<th>整改反馈</th>" in page
    assert "进行中" not in page and "逾期预警" not in page
    home = client.get("/").content.decode()
    assert "待整改差评" in home and "已逾期" in home


def test_owner_uploads_ratings_from_a_spreadsheet_page(client, owner, transport_project):
    client.force_login(owner)
    data = io.BytesIO(f"项目,评分,评价时间\n{transport_project.code},4,2025-05-01\n".encode())
    data.name = "ratings.csv"
    response = client.post("/evaluation/upload/", {"kind": "ratings", "file": data}, follow=True)
    assert "已从 ratings.csv 保存 1 行数据" in response.content.decode()
    assert Rating.objects.count() == 1
    data = io.BytesIO(
        f"项目,评分,评价时间\n{transport_project.code},4,2025-05-01\n{transport_project.code},6,2025-05-01\n".encode()
    )
    data.name = "ratings.csv"
    response = client.post("/evaluation/upload/", {"kind": "ratings", "file": data, "skip_bad_rows": "on"}, follow=True)
    assert "第 3 行已跳过：评分：评分须为 1 到 5 的整数。" in response.content.decode()
    assert Rating.objects.count() == 2


def test_finance_sees_the_budget_page_with_charts_and_exports(client, finance, evaluated, year):
    client.force_login(finance)
    response = client.get(f"/evaluation/budget/{year + 1}/")
    page = response.content.decode()
    assert f"{year + 1} 年度结果导向运营预算" in page
    assert 'id="chart-grades"' in page and 'id="chart-domains"' in page and "echarts.min.js" in page
    assert f"/api/v1/budget/{year + 1}/?format=xlsx" in page
    assert "100,000.00" in page  # money with thousands separators
    assert "<th>单位</th>" in page and "<th>领域</th>" in page  # each totals table names what it totals


def test_the_grade_chart_draws_only_the_grades_some_line_has(client, finance, evaluated, year):
    import json
    import re

    client.force_login(finance)
    page = client.get(f"/evaluation/budget/{year + 1}/").content.decode()
    data = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S)[1])
    assert data["grades"] and all(slice_["value"] > 0 for slice_ in data["grades"])
    assert len({slice_["itemStyle"]["color"] for slice_ in data["grades"]}) == len(data["grades"])
    empty = client.get(f"/evaluation/budget/{year + 5}/").content.decode()
    data = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', empty, re.S)[1])
    assert data["grades"] == [] and data["labels"]["empty"] == "本年度暂无预算申请。"


def test_finance_simulates_on_the_page_without_saving(client, finance, evaluated, year):
    client.force_login(finance)
    response = client.post(
        f"/evaluation/budget/{year + 1}/simulate/",
        {"envelope": "150000", "factor_a": "1.1", "factor_b": "1", "factor_c": "0.8", "factor_d": "0.5"},
    )
    assert "模拟试算结果（未保存）" in response.content.decode()
    assert not BudgetPolicy.objects.exists()
    bad = client.post(
        f"/evaluation/budget/{year + 1}/simulate/",
        {"factor_a": "-1", "factor_b": "1", "factor_c": "1", "factor_d": "1"},
    )
    assert "alert-danger" in bad.content.decode()


def test_finance_saves_the_policy_and_adjusts_a_line_with_a_justification(
    client, finance, health_project, evaluated, year
):
    client.force_login(finance)
    client.post(
        f"/evaluation/budget/{year + 1}/policy/",
        {"envelope": "", "factor_a": "1.2", "factor_b": "1", "factor_c": "0.8", "factor_d": "0.4"},
    )
    assert BudgetPolicy.objects.get(year=year + 1).factor_a == Decimal("1.20")
    url = f"/evaluation/budget/{year + 1}/adjust/{health_project.pk}/"
    refused = client.post(url, {"final": "1.00", "justification": ""})
    assert refused.status_code == 200 and "须填写调整理由" in refused.content.decode()
    assert client.post(url, {"final": "1.00", "justification": "试点"}).status_code == 302
    assert BudgetRequest.objects.get(project=health_project).final_amount == Decimal("1.00")
    assert BudgetAdjustment.objects.get().by == finance


def test_only_finance_opens_the_adjust_page(client, manager, owner, health_project, evaluated, year):
    client.force_login(manager)
    assert client.get(f"/evaluation/budget/{year + 1}/adjust/{health_project.pk}/").status_code == 403
    client.force_login(owner)
    assert client.get(f"/evaluation/budget/{year + 1}/adjust/{health_project.pk}/").status_code == 404


def test_manager_edits_an_indicator_with_tier_targets(client, manager, finance):
    satisfaction = Indicator.objects.get(code="satisfaction")
    client.force_login(finance)
    assert client.get(f"/evaluation/indicators/{satisfaction.pk}/").status_code == 403
    client.force_login(manager)
    form = {
        "name": "用户满意度",
        "category": "catch_up",
        "unit": "%",
        "weight": "40",
        "baseline_value": "60",
        "target_value": "95",
        "is_active": "on",
        "order": "20",
        "bonus": "0",
        "leading_target": "98",
        "foundational_baseline": "50",
        "foundational_target": "90",
    }
    response = client.post(f"/evaluation/indicators/{satisfaction.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    targets = {t.tier: (t.baseline_value, t.target_value) for t in satisfaction.tier_targets.all()}
    assert targets == {"leading": (None, Decimal("98")), "foundational": (Decimal("50"), Decimal("90"))}
    bad = client.post(f"/evaluation/indicators/{satisfaction.pk}/", {**form, "leading_target": "55"})
    assert "目标值须高于基准值" in bad.content.decode()


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("owner", "/evaluation/", 200),
        ("owner", "/evaluation/evaluations/", 200),
        ("owner", "/evaluation/indicators/", 200),
        ("finance", "/evaluation/evaluations/", 200),
        ("supervisor", "/evaluation/rectifications/", 200),
        ("manager", "/evaluation/indicators/new/", 200),
        ("finance", "/evaluation/indicators/new/", 403),
        ("reviewer", "/evaluation/budget/2026/", 404),
    ],
)
def test_pages_per_role(client, request, persona, url, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == status


@pytest.mark.parametrize("persona", ["owner", "finance", "manager"])
def test_home_shows_the_outcomes_panel_and_menu(client, request, persona, evaluated):
    client.force_login(request.getfixturevalue(persona))
    page = client.get("/").content.decode()
    expected = {"owner": "运营绩效与差评整改", "finance": "年度结果导向预算", "manager": "项目评价"}[persona]
    assert expected in page
    menu = {"owner": "运营绩效", "finance": "结果导向预算", "manager": "评价指标"}[persona]
    assert menu in page


def test_the_admin_shows_ratings_and_evaluations_read_only(client, manager, evaluated):
    manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    assert client.get("/admin/evaluation/rating/").status_code == 200
    assert client.get("/admin/evaluation/rating/add/").status_code == 403
    assert client.get("/admin/evaluation/indicator/").status_code == 200


def test_the_recompute_button_refuses_a_period_that_is_not_a_year(client, manager, transport_project):
    from evaluation.models import Evaluation

    outcome.ratings(transport_project, [5, 4])
    client.force_login(manager)
    for wrong in ("abc", "99999", "1999"):
        response = client.post("/evaluation/evaluations/recompute/", {"period": wrong}, follow=True)
        assert response.status_code == 200
        assert "评价期间为 2000 年至今年之间的年度" in response.content.decode()
    assert not Evaluation.objects.exists()
    client.post("/evaluation/evaluations/recompute/", {"period": "2025"})
    assert Evaluation.objects.filter(period=2025).count() == 1
