"""Large synthetic data for benchmarks: the evaluation app's part of ``seed_scale``.

For every accepted project: a year (period 2025) of satisfaction ratings (``--ratings`` in all),
about a tenth as many problem tickets, monthly spending, the rectifications of its poor ratings,
and a 2026 budget request; plus the 2026 policy with an envelope below the requested total, so
the report scales. Each project gets its own "quality", so scores spread over the four grades.
Rows stream through COPY on PostgreSQL (bulk.insert_rows); rectifications come from one
INSERT … SELECT over the poor ratings.
"""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Case, DateField, DateTimeField, F, Q, Value, When
from django.db.models.functions import Cast, ExtractYear, TruncDate
from django.utils import timezone

from evaluation import bulk
from evaluation.bulk import rebuild_tally
from evaluation.models import (
    BudgetPolicy,
    BudgetRequest,
    OperatingTally,
    Rating,
    RatingTally,
    Rectification,
    Spending,
    Ticket,
)
from portfolio.scale import BATCH, Scale
from projects.lifecycle import Stage
from projects.models import Project

PERIOD = 2025
CHANNELS = ["web", "app", "window", "hotline"]


def seed_outcomes(scale: Scale) -> None:
    total_ratings = scale.sizes.get("ratings", 0)
    projects = list(Project.objects.filter(stage=Stage.ACCEPTED).values_list("pk", "approved_budget"))
    if not projects:
        return
    rng = scale.rng
    zone = timezone.get_default_timezone()
    start = datetime.datetime(PERIOD, 1, 1, tzinfo=zone)
    hours = [start + datetime.timedelta(hours=h) for h in range(0, 364 * 24, 7)]
    quality = {pk: rng.random() for pk, _budget in projects}  # 0 poor … 1 excellent

    def ratings():
        per_project, extra = divmod(total_ratings, len(projects))
        for index, (pk, _budget) in enumerate(projects):
            q = quality[pk]
            weights = [max(0.01, 0.25 - 0.25 * q), 0.1, 0.2, 0.3, 0.2 + 0.6 * q]  # scores 1..5
            count = per_project + (1 if index < extra else 0)
            scores = rng.choices((1, 2, 3, 4, 5), weights=weights, k=count)
            times = rng.choices(hours, k=count)
            channel = CHANNELS[index % len(CHANNELS)]
            for score, at in zip(scores, times, strict=True):
                yield (pk, score, at, channel, "")

    count = bulk.insert_rows(Rating, ["project_id", "score", "rated_at", "channel", "comment"], ratings())
    scale.say(f"  evaluation: {count} ratings")

    scale.say(f"  evaluation: {rebuild_tally()} rating tally rows")

    # The rectifications of the poor ratings: most answered within the deadline, some late, some open.
    zone = timezone.get_default_timezone()
    poor = (
        Rating.objects.filter(score__lte=2)
        .annotate(
            year=ExtractYear("rated_at"),
            due=Cast(TruncDate("rated_at", tzinfo=zone), DateField()) + datetime.timedelta(days=15),
            state=Case(When(id__endswith="0", then=Value("open")), default=Value("closed")),
            answer=Case(When(id__endswith="0", then=Value("")), default=Value("已回访并整改")),
            closed=Case(
                When(id__endswith="0", then=None),
                When(Q(id__endswith="8") | Q(id__endswith="9"), then=F("rated_at") + datetime.timedelta(days=30)),
                default=F("rated_at") + datetime.timedelta(days=3),
                output_field=DateTimeField(),
            ),
        )
        .annotate(closed_day=TruncDate("closed", tzinfo=zone))
        .order_by()
        .values_list(
            "id",
            "project_id",
            "project__owner_org_id",
            "rated_at",
            "year",
            "rated_at",
            "due",
            "state",
            "answer",
            "closed",
            "closed_day",
        )
    )
    columns = [
        "rating_id", "project_id", "org_id", "rated_at", "period", "opened_at", "due_date", "status", "reply",
        "closed_at", "closed_on",
    ]  # fmt: skip
    scale.say(f"  evaluation: {bulk.insert_select(Rectification, columns, poor)} rectifications")

    def tickets():
        per_project = max(1, total_ratings // len(projects) // 10)
        for pk, _budget in projects:
            q = quality[pk]
            for at in rng.choices(hours, k=per_project):
                if rng.random() < 0.55 + 0.45 * q:
                    yield (pk, "", at, True, at + datetime.timedelta(hours=rng.randint(1, 200)))
                else:
                    yield (pk, "", at, False, None)

    count = bulk.insert_rows(Ticket, ["project_id", "title", "received_at", "resolved", "resolved_at"], tickets())
    scale.say(f"  evaluation: {count} tickets")

    def spending():
        for pk, budget in projects:
            monthly = (budget or Decimal(0)) * Decimal(0.4 + 0.6 * quality[pk]) / 12
            for month in range(1, 13):
                yield (pk, datetime.date(PERIOD, month, 15), monthly.quantize(Decimal("0.01")), "运维服务费")

    count = bulk.insert_rows(Spending, ["project_id", "spent_on", "amount", "purpose"], spending())
    scale.say(f"  evaluation: {count} spending records")

    from portfolio.models import User

    system = User.objects.filter(is_superuser=True).first() or User.objects.create(
        username="scale-finance", name="财政（合成）", role="finance"
    )
    requests, requested = [], Decimal(0)
    for pk, budget in projects:
        amount = ((budget or Decimal(100000)) * Decimal("0.15")).quantize(Decimal("0.01"))
        requested += amount
        requests.append(BudgetRequest(project_id=pk, year=PERIOD + 1, amount=amount, created_by=system))
        if len(requests) == BATCH:
            BudgetRequest.objects.bulk_create(requests)
            requests = []
    BudgetRequest.objects.bulk_create(requests)
    BudgetPolicy.objects.create(year=PERIOD + 1, envelope=(requested * Decimal("0.9")).quantize(Decimal("0.01")))
    scale.say(f"  evaluation: {len(projects)} budget requests for {PERIOD + 1}, policy with envelope")
    if connection.vendor == "postgresql":
        # Fresh statistics and visibility maps, as autovacuum would leave them soon after a load
        # this size: without them the planner takes the new tables for empty, and index-only
        # scans read the table anyway.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"  # (VACUUM: not in a transaction)
        with connection.cursor() as cursor:
            for model in (Rating, RatingTally, OperatingTally, Rectification, Ticket, Spending, BudgetRequest, Project):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
