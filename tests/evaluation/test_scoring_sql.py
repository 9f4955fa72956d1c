"""The evaluation inside PostgreSQL (scoring_sql) equals scoring.py — the stored inputs, score,
grade and summary, and so the breakdown explained from them — and the operating tally
its triggers keep equals the rows it counts.

Each case builds a random portfolio — projects in three region tiers and two domains, tickets,
ratings, spending, rectifications closed on time, late or still open (some past their deadline),
measured values, and extra indicators of every category with tier targets, lower-is-better and a
domain restriction — then evaluates it both ways and compares every stored field.
"""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from evaluation.bulk import rebuild_operating_tally, rebuild_tally
from evaluation.models import (
    Evaluation,
    Indicator,
    IndicatorTarget,
    OperatingTally,
    Rating,
    Rectification,
    Spending,
    Ticket,
)
from evaluation.services import evaluate_in_database, evaluate_in_python
from portfolio.models import Domain, Region
from tests import factories
from tests.evaluation import factories as outcome

pytestmark = pytest.mark.django_db

# Measured values drawn around each extra indicator's baseline and target (negative ones too).
RANGES = {
    "uptime": (85, 100),
    "response": (1, 60),
    "security": (0, 2),
    "reuse": (0, 6),
    "zero": (-1, 12),
    "flat": (40, 60),
}
FIELDS = [
    *("score", "grade", "baseline_met", "catch_up_score", "bonus", "summary", "basis_id", "breakdown"),
    *("tier", "domain_ref", "tickets_received", "tickets_resolved", "ratings", "ratings_sum", "ratings_satisfied"),
    *("poor_ratings", "rectified_on_time", "rectified_late", "spent", "approved_budget", "measurements"),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("scoring_sql and the tally triggers exist on PostgreSQL only")


def _indicators(rng, domain):
    """Extra indicators of every kind beside the three built-in ones (resolution, satisfaction, execution)."""
    uptime = outcome.indicator(
        "uptime", category="catch_up", weight=rng.choice([10, 15, 25]), baseline_value=90, target_value=99.9
    )
    IndicatorTarget.objects.create(
        indicator=uptime, tier=Region.Tier.LEADING, baseline_value=Decimal("95"), target_value=Decimal("99.99")
    )
    IndicatorTarget.objects.create(indicator=uptime, tier=Region.Tier.FOUNDATIONAL, target_value=Decimal("98"))
    # Lower is better (response time in hours), and only for one domain.
    outcome.indicator("response", category="catch_up", weight=10, baseline_value=48, target_value=4)
    Indicator.objects.filter(code="response").update(lower_is_better=True, domain=domain)
    outcome.indicator("security", category="baseline", weight=0, baseline_value=None, target_value=1)
    outcome.indicator("reuse", category="innovation", weight=0, baseline_value=None, target_value=3, bonus=5)
    outcome.indicator("zero", category="catch_up", weight=0, baseline_value=0, target_value=10)  # never counted
    flat = outcome.indicator("flat", category="catch_up", weight=5, baseline_value=50, target_value=50)
    return list(Indicator.objects.filter(source="measurement")), flat


def _portfolio(rng, count=24):
    tiers = [Region.Tier.LEADING, Region.Tier.ADVANCING, Region.Tier.FOUNDATIONAL]
    regions = [factories.region(tier=tier) for tier in tiers]
    domains = list(Domain.objects.order_by("pk")[:2])
    measured, flat = _indicators(rng, domains[1])
    assert {i.code for i in measured} == set(RANGES)
    plan = factories.plan(regions[0])
    today = timezone.localdate()
    projects = []
    for n in range(count):
        org = factories.organization(region_=regions[n % 3])
        budget = rng.choice(["1000000.00", "350000.00", "0.00", None, "99999.99"])
        project = outcome.project(org, plan=plan, domain=domains[n % 2], approved_budget=budget)
        projects.append(project)
        kind = n % 6
        if kind == 0:
            continue  # nothing filed at all
        quality = rng.random()  # 0 poor … 1 excellent, so the grades spread
        received = rng.randint(0, 40) if kind != 1 else 0
        outcome.tickets(project, received=received, resolved=round(received * (0.5 + quality / 2)))
        weights = [1 - quality, 0.5, 0.5, 1, 0.5 + 4 * quality]
        scores = rng.choices([1, 2, 3, 4, 5], weights=weights, k=rng.randint(0, 30))
        ratings = Rating.objects.bulk_create(
            Rating(project=project, score=s, rated_at=outcome.moment(2025, 1 + i % 12, 1 + i % 28))
            for i, s in enumerate(scores)
        )
        Rating.objects.create(project=project, score=1, rated_at=outcome.moment(2024, 12))  # another period
        for rating in ratings:
            if rating.score > 2:
                continue
            due = rng.choice([today - datetime.timedelta(days=3), today + datetime.timedelta(days=5)])
            closed = rng.choice([None, due - datetime.timedelta(days=1), due, due + datetime.timedelta(days=2)])
            Rectification.objects.create(
                rating=rating,
                project=project,
                org=org,
                rated_at=rating.rated_at,
                period=2025,
                opened_at=rating.rated_at,
                due_date=due,
                status="closed" if closed else "open",
                closed_on=closed,
                closed_at=outcome.moment(closed.year, closed.month, closed.day) if closed else None,
            )
        for _ in range(rng.randint(0, 3)):
            amount = Decimal(rng.randint(0, int(30000000 * (0.2 + quality)))) / 100
            Spending.objects.create(project=project, spent_on=datetime.date(2025, rng.randint(1, 12), 9), amount=amount)
        Spending.objects.create(project=project, spent_on=datetime.date(2026, 1, 1), amount=Decimal("5.00"))
        for indicator in measured:
            if rng.random() < 0.8:
                low, high = RANGES[indicator.code]
                value = Decimal(rng.randint(int(low * 10000), high * 10000)) / 10000
                if indicator == flat and rng.random() < 0.5:
                    value = Decimal(50)
                outcome.measurement(project, indicator, value)
    rebuild_tally()
    return projects


def _stored():
    evaluations = Evaluation.objects.filter(period=2025).select_related("basis")
    return {e.project_id: {f: getattr(e, f) for f in FIELDS} for e in evaluations}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_database_and_python_compute_the_same_evaluations(seed):
    rng = random.Random(seed)
    projects = _portfolio(rng)

    by_python = evaluate_in_python(2025)
    assert by_python.created == len(projects)
    python = _stored()
    # The same inputs and basis: the database recognises every Python result as unchanged.
    again = evaluate_in_database(2025)
    assert (again.created, again.changed, again.unchanged) == (0, 0, len(projects))

    Evaluation.objects.all().delete()
    by_database = evaluate_in_database(2025)
    assert (by_database.projects, by_database.created) == (len(projects), len(projects))
    database = _stored()
    assert database.keys() == python.keys()
    for pk in python:
        assert database[pk] == python[pk], pk
    # The cases are not all alike: several grades, many different scores.
    assert len({row["grade"] for row in python.values()}) >= 2
    assert len({row["score"] for row in python.values()}) >= 10


def test_only_the_changed_projects_are_rewritten_and_one_project_can_be_evaluated(transport_project, health_project):
    outcome.ratings(transport_project, [5, 4, 4])
    outcome.ratings(health_project, [2, 3])
    assert evaluate_in_database(2025).created == 2
    before = Evaluation.objects.get(project=health_project).updated_at
    outcome.tickets(transport_project, received=4, resolved=3)
    run = evaluate_in_database(2025)
    assert (run.created, run.changed, run.unchanged) == (0, 1, 1)
    assert Evaluation.objects.get(project=health_project).updated_at == before
    Evaluation.objects.filter(project=transport_project).delete()
    only = evaluate_in_database(2025, project_ids=[transport_project.pk])
    assert (only.projects, only.created) == (1, 1)
    row = Evaluation.objects.get(project=transport_project).breakdown["indicators"][0]
    assert row["inputs"] == {"received": 4, "resolved": 3} and row["value"] == "75.00"


def test_the_triggers_keep_the_operating_tally_through_inserts_updates_and_deletes(transport_project, health_project):
    rng = random.Random(7)
    for project in (transport_project, health_project):
        outcome.tickets(project, received=12, resolved=5)
        outcome.tickets(project, received=3, resolved=1, year=2024)
        outcome.spending(project, "1200.50")
    # Through the ORM's update and delete, as the API and the admin write.
    tickets = list(Ticket.objects.filter(resolved=False))
    for ticket in rng.sample(tickets, 4):
        ticket.resolved, ticket.resolved_at = True, ticket.received_at + datetime.timedelta(hours=1)
        ticket.save()
    Ticket.objects.filter(pk__in=[t.pk for t in rng.sample(tickets, 3)]).delete()
    Spending.objects.filter(project=health_project).update(amount=Decimal("99.99"))
    # A ticket received on New Year's Eve at 23:30 local time belongs to that year, not the next.
    Ticket.objects.create(project=health_project, received_at=outcome.moment(2025, 12, 31, 23).replace(minute=30))
    ratings = outcome.ratings(transport_project, [1, 2, 1])
    for rating, closed in zip(ratings, [datetime.date(2025, 6, 10), datetime.date(2025, 7, 30), None], strict=True):
        Rectification.objects.create(
            rating=rating,
            project=transport_project,
            org=transport_project.owner_org,
            rated_at=rating.rated_at,
            period=2025,
            opened_at=rating.rated_at,
            due_date=datetime.date(2025, 6, 20),
            closed_on=closed,
        )
    Rectification.objects.filter(closed_on__isnull=True).update(closed_on=datetime.date(2025, 6, 1), status="closed")

    columns = ["project_id", "period", "tickets_received", "tickets_resolved", "spent"]
    columns += ["rectified_on_time", "rectified_late"]
    empty = {"tickets_received": 0, "spent": 0, "rectified_on_time": 0, "rectified_late": 0}
    kept = sorted(OperatingTally.objects.exclude(**empty).values_list(*columns))
    rebuild_operating_tally()
    rebuilt = sorted(OperatingTally.objects.values_list(*columns))
    assert kept == rebuilt
    transport_2025 = OperatingTally.objects.get(project=transport_project, period=2025)
    assert (transport_2025.rectified_on_time, transport_2025.rectified_late) == (2, 1)
    health_2025 = OperatingTally.objects.get(project=health_project, period=2025)
    assert health_2025.spent == Decimal("99.99")
    assert (
        health_2025.tickets_received
        == Ticket.objects.in_period(2025, "received_at").filter(project=health_project).count()
    )


@pytest.mark.django_db(transaction=True)
def test_a_period_shared_between_connections_stores_what_one_statement_stores():
    """Outside a transaction a period is split between worker connections by ranges of ids."""
    projects = _portfolio(random.Random(11), count=13)
    single = evaluate_in_database(2025, workers=1)
    assert single.created == len(projects)
    one = _stored()
    Evaluation.objects.all().delete()
    shared = evaluate_in_database(2025, workers=3)
    assert (shared.projects, shared.created, shared.changed) == (len(projects), len(projects), 0)
    assert _stored() == one
    again = evaluate_in_database(2025, workers=3)
    assert (again.created, again.changed, again.unchanged) == (0, 0, len(projects))
