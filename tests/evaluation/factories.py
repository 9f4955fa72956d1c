"""Factories for the evaluation tests: projects in operation and their operating data.

The lifecycle service is built in parallel; until then a project "in operation" is created
directly in the ``accepted`` stage (fixture data only — the app itself never sets a stage).
"""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from evaluation.bulk import rebuild_tally
from evaluation.models import BudgetRequest, Indicator, Measurement, Rating, Spending, Ticket
from projects.lifecycle import Stage
from projects.models import Project
from tests import factories

_seq = itertools.count(1)


def project(org, *, plan=None, domain=None, stage=Stage.ACCEPTED, approved_budget="1000000.00", year=2025, name=None):
    n = next(_seq)
    return Project.objects.create(
        code=f"{year}-测-{n:04d}",
        name=name or f"运营项目{n}",
        owner_org=org,
        plan=plan or factories.plan(org.region),
        domain=domain or factories.domain(),
        year=year,
        stage=stage,
        budget_requested=Decimal(approved_budget) if approved_budget else None,
        approved_budget=Decimal(approved_budget) if approved_budget else None,
    )


def moment(year, month=6, day=1, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def ratings(project, scores, *, year=2025, month=6):
    """Ratings loaded directly (as a migration or import script would), then the tally rebuilt."""
    created = Rating.objects.bulk_create(
        Rating(project=project, score=s, rated_at=moment(year, month, 1 + i % 28)) for i, s in enumerate(scores)
    )
    rebuild_tally([project.pk])
    return created


def tickets(project, received, resolved, *, year=2025):
    rows = []
    for i in range(received):
        at = moment(year, 3, 1 + i % 28)
        done = i < resolved
        rows.append(
            Ticket(
                project=project,
                received_at=at,
                resolved=done,
                resolved_at=at + datetime.timedelta(days=2) if done else None,
            )
        )
    return Ticket.objects.bulk_create(rows)


def spending(project, amount, *, year=2025):
    return Spending.objects.create(project=project, spent_on=datetime.date(year, 5, 1), amount=Decimal(amount))


def indicator(code, *, category="catch_up", source="measurement", **values):
    defaults = {"name": code, "weight": Decimal(0), "target_value": Decimal(100), "baseline_value": Decimal(0)}
    defaults.update(
        {k: Decimal(str(v)) if isinstance(v, int | float | str) and k != "name" else v for k, v in values.items()}
    )
    return Indicator.objects.create(code=code, category=category, source=source, **defaults)


def measurement(project, indicator_, value, *, period=2025):
    return Measurement.objects.create(project=project, indicator=indicator_, period=period, value=Decimal(str(value)))


def budget_request(project, amount, *, year=2026, by=None):
    return BudgetRequest.objects.create(
        project=project, year=year, amount=Decimal(amount), created_by=by or factories.user("manager")
    )
