"""Decided money is not rewritten: once finance has set a final amount, or closed the year, the
owner can neither change nor withdraw the request (409, in Chinese), a second request for the same
year is refused, and nothing a decision rests on is deleted by a cascade (PROTECT → 409)."""

from decimal import Decimal

import pytest
from django.db.models import ProtectedError

from evaluation.models import BudgetAdjustment, BudgetPolicy, BudgetRequest, Evaluation
from evaluation.services import evaluate_period
from evaluation.tasks import evaluate_periods
from tests.evaluation import factories as outcome

REQUESTS = "/api/v1/budget-requests/"


@pytest.fixture
def filed(api, owner, transport_project):
    outcome.ratings(transport_project, [5] * 10)
    evaluate_period(2025)
    response = api.as_(owner).post(REQUESTS, {"project": transport_project.pk, "year": 2026, "amount": "100000.00"})
    assert response.status_code == 201
    return BudgetRequest.objects.get(pk=response.json()["id"])


def _adjust(api, finance, project, final, justification="民生保障"):
    body = {"project": project.pk, "final": final, "justification": justification}
    return api.as_(finance).post("/api/v1/budget/2026/adjust/", body)


def test_an_undecided_request_is_changed_and_withdrawn_by_its_owner(api, owner, filed):
    assert api.as_(owner).patch(f"{REQUESTS}{filed.pk}/", {"amount": "90000.00"}).status_code == 200
    assert BudgetRequest.objects.get().amount == Decimal("90000.00")
    assert api.as_(owner).delete(f"{REQUESTS}{filed.pk}/").status_code == 204
    assert not BudgetRequest.objects.exists()


def test_after_the_final_amount_the_owner_can_neither_change_nor_withdraw_nor_refile(
    api, owner, finance, filed, transport_project
):
    assert _adjust(api, finance, transport_project, "80000.00").status_code == 200
    patch = api.as_(owner).patch(f"{REQUESTS}{filed.pk}/", {"amount": "500000.00"})
    assert patch.status_code == 409
    assert "财政已核定" in patch.json()["detail"] and patch.json()["code"] == "conflict"
    assert (
        api.as_(owner)
        .put(f"{REQUESTS}{filed.pk}/", {"project": transport_project.pk, "year": 2026, "amount": "1.00"})
        .status_code
        == 409
    )
    assert api.as_(owner).delete(f"{REQUESTS}{filed.pk}/").status_code == 409
    body = {"project": transport_project.pk, "year": 2026, "amount": "500000.00"}
    assert api.as_(owner).post(REQUESTS, body).status_code == 409
    kept = BudgetRequest.objects.get()
    assert (kept.amount, kept.final_amount) == (Decimal("100000.00"), Decimal("80000.00"))
    line = api.as_(finance).get("/api/v1/budget/2026/").json()["lines"][0]
    assert (line["requested"], line["final"]) == ("100000.00", "80000.00")


def test_a_request_finance_adjusted_before_keeps_its_adjustments(api, owner, finance, filed, transport_project):
    assert _adjust(api, finance, transport_project, "80000.00").status_code == 200
    assert _adjust(api, finance, transport_project, None, "").status_code == 200  # back to the recommendation
    assert api.as_(owner).patch(f"{REQUESTS}{filed.pk}/", {"amount": "95000.00"}).status_code == 200
    response = api.as_(owner).delete(f"{REQUESTS}{filed.pk}/")
    assert response.status_code == 409 and "调整" in response.json()["detail"]
    assert BudgetAdjustment.objects.filter(request=filed).count() == 2
    with pytest.raises(ProtectedError):
        BudgetRequest.objects.filter(pk=filed.pk).delete()  # the database layer refuses too (PROTECT)


def test_a_closed_year_changes_no_more(api, owner, finance, manager, filed, transport_project):
    before = Evaluation.objects.get(project=transport_project, period=2025)
    assert api.as_(owner).post("/api/v1/budget/2026/close/").status_code == 403
    closed = api.as_(finance).post("/api/v1/budget/2026/close/")
    assert closed.status_code == 200 and closed.json()["closed_at"]
    assert api.as_(finance).post("/api/v1/budget/2026/close/").status_code == 409
    assert api.as_(owner).patch(f"{REQUESTS}{filed.pk}/", {"amount": "1.00"}).status_code == 409
    assert api.as_(owner).delete(f"{REQUESTS}{filed.pk}/").status_code == 409
    assert _adjust(api, finance, transport_project, "1.00").status_code == 409
    policy = api.as_(finance).put(
        "/api/v1/budget/2026/policy/",
        {"envelope": "1", "factors": {"A": "2.00", "B": "1.00", "C": "1.00", "D": "1.00"}},
    )
    assert policy.status_code == 409 and "已关闭" in policy.json()["detail"]
    assert BudgetPolicy.objects.get(year=2026).envelope is None
    # The 2025 evaluations the budget rests on stay as they were, whatever is filed later.
    outcome.ratings(transport_project, [1] * 30)
    recompute = api.as_(manager).post("/api/v1/evaluations/recompute/", {"period": 2025})
    assert recompute.status_code == 409
    assert [run["period"] for run in evaluate_periods([2025, 2026])] == [2026]
    after = Evaluation.objects.get(project=transport_project, period=2025)
    assert (after.score, after.grade, after.updated_at) == (before.score, before.grade, before.updated_at)
    assert BudgetRequest.objects.get().amount == Decimal("100000.00")


def test_the_page_refuses_a_decided_request_with_409_in_chinese(client, owner, finance, api, filed, transport_project):
    assert _adjust(api, finance, transport_project, "80000.00").status_code == 200
    client.force_login(owner)
    response = client.post(
        f"/evaluation/projects/{transport_project.pk}/budget-request/", {"year": 2026, "amount": "1.00", "note": ""}
    )
    assert response.status_code == 409
    assert "财政已核定" in response.content.decode()
    assert BudgetRequest.objects.get().amount == Decimal("100000.00")


def test_finance_closes_the_year_on_the_page(client, finance, filed):
    client.force_login(finance)
    assert 'data-testid="close-year"' in client.get("/evaluation/budget/2026/").content.decode()
    client.post("/evaluation/budget/2026/close/")
    page = client.get("/evaluation/budget/2026/").content.decode()
    assert 'data-testid="year-closed"' in page and 'data-testid="close-year"' not in page
    refused = client.post(
        "/evaluation/budget/2026/policy/",
        {"envelope": "", "factor_a": "1", "factor_b": "1", "factor_c": "1", "factor_d": "1"},
        follow=True,
    )
    assert "已关闭" in refused.content.decode()


def test_a_project_with_budget_lines_or_evaluations_is_not_deleted_by_cascade(api, manager, filed, transport_project):
    with pytest.raises(ProtectedError):
        transport_project.delete()
    assert BudgetRequest.objects.filter(pk=filed.pk).exists() and Evaluation.objects.exists()
