"""The budget report, policy, simulation and adjustments through the API, per role."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from evaluation.models import BudgetAdjustment, BudgetPolicy, BudgetRequest, Evaluation
from evaluation.services import evaluate_period
from portfolio.models import AuditKind
from tests.evaluation import factories as outcome


@pytest.fixture
def budget(transport_project, health_project, transport_bureau, plan, owner):
    """Three lines for 2026 from 2025 evaluations: A, D and one never evaluated."""
    outcome.ratings(transport_project, [5] * 10)
    outcome.spending(transport_project, "950000.00")
    outcome.ratings(health_project, [1, 2, 3])
    unevaluated = outcome.project(transport_bureau, plan=plan, name="新上线项目")
    evaluate_period(2025)
    Evaluation.objects.filter(project=unevaluated).delete()
    outcome.budget_request(transport_project, "100000.05", by=owner)
    outcome.budget_request(health_project, "200000.00", by=owner)
    outcome.budget_request(unevaluated, "50000.00", by=owner)
    return {"a": transport_project, "d": health_project, "none": unevaluated}


def test_the_report_recommends_by_grade_and_flags_the_unevaluated(api, finance, budget):
    report = api.as_(finance).get("/api/v1/budget/2026/").json()
    assert report["period"] == 2025 and report["scale"] == "1"
    lines = {line["project"]: line for line in report["lines"]}
    a, d, none = lines[budget["a"].pk], lines[budget["d"].pk], lines[budget["none"].pk]
    assert (a["grade"], a["factor"], a["recommended"]) == ("A", "1.10", "110000.06")  # 110000.055 half-up
    assert (d["grade"], d["factor"], d["recommended"]) == ("D", "0.50", "100000.00")
    assert (none["grade"], none["factor"], none["flags"]) == (None, "1.00", ["no_evaluation"])
    assert report["totals"]["overall"] == {
        "lines": 3,
        "requested": "350000.05",
        "recommended": "260000.06",
        "final": "260000.06",
    }
    # the evidence: every indicator's value (no tickets filed: resolution has none)
    assert a["indicators"] == {"resolution": None, "satisfaction": "100.00", "execution": "95.00"}
    assert a["satisfied_rate"] == "100.00"
    assert none["indicators"] == {} and none["satisfied_rate"] is None


def test_over_the_envelope_lines_are_scaled_and_add_up_to_the_envelope_exactly(api, finance, budget):
    assert (
        api.as_(finance)
        .put(
            "/api/v1/budget/2026/policy/",
            {"envelope": "200000.00", "factors": {"A": "1.10", "B": "1", "C": "0.8", "D": "0.5"}},
        )
        .status_code
        == 200
    )
    report = api.as_(finance).get("/api/v1/budget/2026/").json()
    total = sum(Decimal(line["recommended"]) for line in report["lines"])
    assert total == Decimal("200000.00") == Decimal(report["totals"]["overall"]["recommended"])
    assert report["scale"] == "0.769231"


def test_the_policy_is_finance_s_to_set_and_bad_input_changes_nothing(api, finance, manager, owner, budget):
    url = "/api/v1/budget/2026/policy/"
    good = {"envelope": "300000.00", "factors": {"A": "1.20", "B": "1.00", "C": "0.80", "D": "0.40"}}
    assert api.as_(manager).put(url, good, format="json").status_code == 403
    assert api.as_(owner).put(url, good, format="json").status_code == 404
    negative = {**good, "factors": {**good["factors"], "D": "-0.1"}}
    response = api.as_(finance).put(url, negative, format="json")
    assert response.status_code == 400 and response.json()["factors"] == ["D 级：系数不能为负数。"]
    missing = {**good, "factors": {"A": "1.2", "B": "1", "C": "0.8"}}
    assert api.as_(finance).put(url, missing, format="json").status_code == 400
    assert api.as_(finance).put(url, {**good, "envelope": "-1"}, format="json").status_code == 400
    assert not BudgetPolicy.objects.exists()
    response = api.as_(finance).put(url, good, format="json")
    assert response.status_code == 200 and response.json()["factors"]["A"] == "1.20"
    policy = BudgetPolicy.objects.get()
    assert policy.history.latest().history_user == finance


def test_simulation_does_not_change_the_stored_policy(api, finance, budget):
    api.as_(finance).put(
        "/api/v1/budget/2026/policy/",
        {"envelope": None, "factors": {"A": "1.10", "B": "1.00", "C": "0.80", "D": "0.50"}},
    )
    before = list(BudgetPolicy.objects.values())
    response = api.as_(finance).post(
        "/api/v1/budget/2026/simulate/", {"envelope": "100000.00", "factors": {"A": "1", "B": "1", "C": "1", "D": "0"}}
    )
    assert response.status_code == 200
    simulated = response.json()
    assert simulated["totals"]["overall"]["recommended"] == "100000.00"
    assert list(BudgetPolicy.objects.values()) == before
    assert api.as_(finance).get("/api/v1/budget/2026/").json()["totals"]["overall"]["recommended"] == "260000.06"


def test_a_final_amount_different_from_the_recommendation_needs_a_justification(api, finance, budget):
    url = "/api/v1/budget/2026/adjust/"
    project = budget["d"].pk
    response = api.as_(finance).post(url, {"project": project, "final": "150000.00", "justification": ""})
    assert response.status_code == 400 and "justification" in response.json()
    assert BudgetRequest.objects.get(project=project).final_amount is None
    response = api.as_(finance).post(url, {"project": project, "final": "150000.00", "justification": "民生保障项目"})
    assert response.status_code == 200
    assert response.json()["final"] == "150000.00" and response.json()["flags"] == ["adjusted"]
    adjustment = BudgetAdjustment.objects.get()
    assert (adjustment.by, adjustment.recommended, adjustment.final) == (
        finance,
        Decimal("100000.00"),
        Decimal("150000"),
    )
    assert adjustment.at is not None
    report = api.as_(finance).get("/api/v1/budget/2026/").json()
    assert report["totals"]["overall"]["final"] == "310000.06"
    negative = api.as_(finance).post(url, {"project": project, "final": "-1", "justification": "x"})
    assert negative.status_code == 400


def test_only_finance_adjusts(api, manager, owner, budget):
    body = {"project": budget["a"].pk, "final": "1.00", "justification": "x"}
    assert api.as_(manager).post("/api/v1/budget/2026/adjust/", body).status_code == 403
    assert api.as_(owner).post("/api/v1/budget/2026/adjust/", body).status_code == 403  # its own line: visible
    other = {**body, "project": budget["d"].pk}
    assert api.as_(owner).post("/api/v1/budget/2026/adjust/", other).status_code == 404  # another bureau's line
    assert api.as_(owner).post("/api/v1/budget/2026/simulate/", {"factors": {}}).status_code == 403
    assert BudgetRequest.objects.filter(final_amount__isnull=False).count() == 0


def test_owners_see_only_their_own_lines(api, owner, other_owner, reviewer, budget):
    mine = api.as_(owner).get("/api/v1/budget/2026/").json()
    assert {line["project"] for line in mine["lines"]} == {budget["a"].pk, budget["none"].pk}
    assert mine["envelope"] is None
    assert mine["totals"]["overall"]["requested"] == "150000.05"
    theirs = api.as_(other_owner).get("/api/v1/budget/2026/").json()
    assert [line["project"] for line in theirs["lines"]] == [budget["d"].pk]
    assert api.as_(reviewer).get("/api/v1/budget/2026/").status_code == 404


def test_xlsx_and_csv_hold_the_api_s_numbers(api, finance, budget):
    api.as_(finance).put(
        "/api/v1/budget/2026/policy/",
        {"envelope": "250000.00", "factors": {"A": "1.10", "B": "1.00", "C": "0.80", "D": "0.50"}},
    )
    api.as_(finance).post(
        "/api/v1/budget/2026/adjust/", {"project": budget["d"].pk, "final": "90000.01", "justification": "压减"}
    )
    report = api.as_(finance).get("/api/v1/budget/2026/").json()
    expected = {
        line["project_code"]: (line["requested"], line["recommended"], line["final"], line["grade"] or "—")
        for line in report["lines"]
    }

    response = api.as_(finance).get("/api/v1/budget/2026/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="budget-2026.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    col = {
        name: header.index(name) for name in ("项目编号", "等次", "申请金额（元）", "建议金额（元）", "最终金额（元）")
    }
    found = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        money = [
            f"{Decimal(str(row[col[name]])):.2f}" for name in ("申请金额（元）", "建议金额（元）", "最终金额（元）")
        ]
        found[row[col["项目编号"]]] = (*money, row[col["等次"]])
    assert found == expected
    totals = workbook.worksheets[1]
    overall = next(row for row in totals.iter_rows(values_only=True) if row[0] == "合计")
    assert [f"{Decimal(str(v)):.2f}" for v in overall[3:6]] == [
        report["totals"]["overall"][k] for k in ("requested", "recommended", "final")
    ]

    response = api.as_(finance).get("/api/v1/budget/2026/?format=csv")
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "项目编号")
    header = rows[start]
    found = {}
    for row in rows[start + 1 :]:
        if not row:
            break
        found[row[header.index("项目编号")]] = (
            row[header.index("申请金额（元）")],
            row[header.index("建议金额（元）")],
            row[header.index("最终金额（元）")],
            row[header.index("等次")],
        )
    assert found == expected


def test_the_budget_report_command_writes_the_same_numbers(finance, budget, tmp_path):
    target = tmp_path / "b.csv"
    call_command("budget_report", "--year", "2026", "--format", "csv", "--output", str(target))
    text = target.read_text(encoding="utf-8-sig")
    assert "110000.06" in text and "100000.00" in text and "260000.06" in text
    call_command("budget_report", "--year", "2026", "--format", "xlsx", "--output", str(tmp_path / "b.xlsx"))
    assert load_workbook(tmp_path / "b.xlsx").worksheets[0].max_row == 4


def test_a_request_is_filed_by_the_owner_for_its_own_project_in_operation(
    api, owner, transport_project, health_project
):
    body = {"project": transport_project.pk, "year": 2026, "amount": "120000.00"}
    assert api.as_(owner).post("/api/v1/budget-requests/", body).status_code == 201
    again = api.as_(owner).post("/api/v1/budget-requests/", {**body, "amount": "130000.00"})
    assert again.status_code == 409 and "已有" in again.json()["detail"]  # refused, never an overwrite
    assert BudgetRequest.objects.get().amount == Decimal("120000.00")
    # Another bureau's project is refused as an id that does not exist (no existence oracle).
    foreign = api.as_(owner).post("/api/v1/budget-requests/", {**body, "project": health_project.pk})
    missing = api.as_(owner).post("/api/v1/budget-requests/", {**body, "project": 999999})
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == {"project": [f"无效主键 “{health_project.pk}” － 对象不存在。"]}
    assert api.as_(owner).post("/api/v1/budget-requests/", {**body, "amount": "-5"}).status_code == 400


@pytest.mark.parametrize("lines", [5, 50])
def test_the_report_takes_the_same_number_of_queries_at_10x_the_lines(
    api, finance, owner, transport_bureau, plan, lines, django_assert_max_num_queries
):
    for _ in range(lines):
        outcome.budget_request(outcome.project(transport_bureau, plan=plan), "1000.00", by=owner)
    with django_assert_max_num_queries(4):
        report = api.as_(finance).get("/api/v1/budget/2026/").json()
    assert len(report["lines"]) == lines


def test_policy_adjustment_and_exports_each_leave_one_audit_row(api, finance, owner, budget, trail):
    url = "/api/v1/budget/2026/policy/"
    good = {"envelope": "300000.00", "factors": {"A": "1.20", "B": "1.00", "C": "0.80", "D": "0.40"}}
    assert api.as_(finance).put(url, good, format="json").status_code == 200
    assert api.as_(finance).put(url, {**good, "envelope": "400000.00"}, format="json").status_code == 200
    first, second = trail(AuditKind.BUDGET_POLICY).order_by("id")
    assert (first.actor, first.before, first.after["envelope"]) == (finance, None, "300000.00")
    assert (second.before["envelope"], second.after["envelope"]) == ("300000.00", "400000.00")
    assert second.after["factors"] == good["factors"]

    body = {"project": budget["d"].pk, "final": "150000.00", "justification": "民生保障项目"}
    assert api.as_(finance).post("/api/v1/budget/2026/adjust/", body).status_code == 200
    adjusted = trail(AuditKind.BUDGET_ADJUSTMENT).get()
    assert (adjusted.actor, adjusted.before["final"], adjusted.after, adjusted.message) == (
        finance,
        None,
        {"final": "150000.00"},
        "民生保障项目",
    )

    for format in ("xlsx", "csv"):
        assert api.as_(finance).get(f"/api/v1/budget/2026/?format={format}").status_code == 200
    assert api.as_(finance).get("/api/v1/budget/2026/").status_code == 200  # reading the page is no export
    exports = trail(AuditKind.EXPORT).order_by("id")
    assert [(e.actor, e.object_label) for e in exports] == [(finance, "budget-2026.xlsx"), (finance, "budget-2026.csv")]
    assert trail().count() == 5
