"""A hand-built portfolio: the figures every roll-up test checks by hand.

| project | org | domain | region (tier) | year | stage | requested | approved | spent | operating (next year) |
|---|---|---|---|---|---|---|---|---|---|
| bus | 交通局 | livable | 临江市 (leading) | 2025 | implementing | 1,000,000 | 900,000 | 300,000 | 50,000 |
| portal | 交通局 | public_service | 临江市 | 2026 | draft | 500,000 | — | — | — |
| clinic | 卫健委 | livable | 临江市 | 2025 | accepted | 2,000,000 | 1,800,000 | 100,000 | 80,000 (final of 100,000) |
| street | 东城区卫健局 | public_service | 东城区 (foundational) | 2026 | implementing | 700,000 | 600,000 | — | — |
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cockpit.selectors import budget_year
from evaluation.models import BudgetRequest, Evaluation, EvaluationBasis, Spending
from portfolio.models import PlanGoal, Region, Scenario
from projects.lifecycle import Stage
from tests import factories
from tests.projects import factories as project_factories


@pytest.fixture
def plan(city):
    return factories.plan(city, start_year=2025, end_year=2027)


@pytest.fixture
def district(city):
    return factories.region("东城区", parent=city, tier=Region.Tier.FOUNDATIONAL)


@pytest.fixture
def district_health(district, health_bureau):
    return factories.organization("东城区卫生健康局", region_=district, parent=health_bureau, short_name="东卫")


@pytest.fixture
def goals(plan):
    return {
        "traffic": PlanGoal.objects.create(plan=plan, title="公共交通服务便捷高效", order=1),
        "health": PlanGoal.objects.create(plan=plan, title="优质医疗资源普惠共享", order=2),
        "empty": PlanGoal.objects.create(plan=plan, title="数字经济核心产业占比提高", order=3),
    }


@pytest.fixture
def scenarios(plan):
    livable = factories.domain("livable")
    return {
        "bus": Scenario.objects.create(plan=plan, domain=livable, title="公交到站实时查询"),
        "parking": Scenario.objects.create(plan=plan, domain=livable, title="智慧停车一张网"),
    }


def money(value):
    return Decimal(value).quantize(Decimal("0.01"))


def spend(project, amount):
    return Spending.objects.create(project=project, spent_on=datetime.date(2025, 6, 1), amount=Decimal(amount))


def operating(project, amount, *, final=None, by):
    return BudgetRequest.objects.create(
        project=project, year=budget_year(), amount=Decimal(amount), final_amount=final, created_by=by
    )


def grade(project, letter, *, period=2025):
    basis, _ = EvaluationBasis.objects.get_or_create(digest="test", defaults={"formula_version": 1, "indicators": []})
    return Evaluation.objects.create(
        project=project, period=period, grade=letter, score=Decimal("50.0"), basis=basis, updated_at=timezone.now()
    )


@pytest.fixture
def portfolio(plan, goals, scenarios, transport_bureau, health_bureau, district_health, manager):
    livable, service = factories.domain("livable"), factories.domain("public_service")
    today = timezone.localdate()
    make = project_factories.project
    bus = make(
        transport_bureau,
        plan,
        stage=Stage.IMPLEMENTING,
        domain=livable,
        year=2025,
        budget_requested=Decimal("1000000"),
        approved_budget=Decimal("900000"),
        plan_goal=goals["traffic"],
        scenario=scenarios["bus"],
        planned_start=today - datetime.timedelta(days=100),
        planned_end=today + datetime.timedelta(days=100),
    )
    portal = make(transport_bureau, plan, domain=service, year=2026, budget_requested=Decimal("500000"), plan_goal=None)
    clinic = make(
        health_bureau,
        plan,
        stage=Stage.ACCEPTED,
        domain=livable,
        year=2025,
        budget_requested=Decimal("2000000"),
        approved_budget=Decimal("1800000"),
        plan_goal=goals["health"],
    )
    street = make(
        district_health,
        plan,
        stage=Stage.IMPLEMENTING,
        domain=service,
        year=2026,
        budget_requested=Decimal("700000"),
        approved_budget=Decimal("600000"),
        plan_goal=goals["health"],
        planned_start=today - datetime.timedelta(days=10),
        planned_end=today + datetime.timedelta(days=300),
    )
    spend(bus, "200000")
    spend(bus, "100000")
    spend(clinic, "100000")
    operating(bus, "50000", by=manager)
    operating(clinic, "100000", final=Decimal("80000"), by=manager)
    return {"bus": bus, "portal": portal, "clinic": clinic, "street": street}
