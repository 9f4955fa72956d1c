"""The inputs of an evaluation period, gathered with one aggregate query per source.

Set-based by design: a period with ten million ratings is one ``GROUP BY project`` over the
ratings (the same scan as counting them), never a loop over rows in Python. Scoring then runs
once per project (scoring.py).
"""

from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from evaluation.models import Indicator, Measurement, RatingTally, Rectification, Spending, Ticket
from evaluation.models.operations import POOR_RATING
from evaluation.scoring import IndicatorSpec, ProjectInputs
from projects.lifecycle import Stage
from projects.models import Project


def indicator_specs() -> list[IndicatorSpec]:
    """The indicators in use, with their tier overrides (two queries)."""
    indicators = list(Indicator.objects.filter(is_active=True).prefetch_related("tier_targets"))
    return [
        IndicatorSpec(
            id=i.pk,
            code=i.code,
            name=i.name,
            category=i.category,
            source=i.source,
            weight=i.weight,
            baseline_value=i.baseline_value,
            target_value=i.target_value,
            lower_is_better=i.lower_is_better,
            bonus=i.bonus,
            domain_id=i.domain_id,
            tier_values={t.tier: (t.baseline_value, t.target_value) for t in i.tier_targets.all()},
        )
        for i in indicators
    ]


def _grouped(queryset, project_ids, **aggregates):
    if project_ids is not None:
        queryset = queryset.filter(project_id__in=project_ids)
    return queryset.order_by().values("project_id").annotate(**aggregates).values_list("project_id", *aggregates)


def _fetch_all(queries: dict) -> dict:
    """Run independent read queries; on PostgreSQL outside a transaction, side by side.

    Each aggregate scans a different table, so the database can run them at once on separate
    connections (one per worker thread, closed when it is done). Inside a transaction (tests,
    or a caller's atomic block) other connections could not see its rows, so they run in turn.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return {name: list(query) for name, query in queries.items()}

    def fetch(query):
        try:
            return list(query)
        finally:
            connection.close()  # this worker thread's own connection

    with ThreadPoolExecutor(max_workers=len(queries)) as pool:
        futures = {name: pool.submit(fetch, query) for name, query in queries.items()}
        return {name: future.result() for name, future in futures.items()}


def collect_inputs(period: int, project_ids=None) -> dict[int, ProjectInputs]:
    """Every project in operation (or those of ``project_ids``) with its raw figures for ``period``."""
    projects = Project.objects.filter(stage=Stage.ACCEPTED)
    if project_ids is not None:
        projects = projects.filter(pk__in=project_ids)
        ids = list(projects.values_list("pk", flat=True))
    else:
        ids = None
    today = timezone.localdate()
    measurements = Measurement.objects.filter(period=period, indicator__is_active=True)
    if ids is not None:
        measurements = measurements.filter(project_id__in=ids)
    results = _fetch_all(
        {
            "projects": projects.values_list("pk", "domain_id", "approved_budget", "owner_org__region__tier"),
            # Ratings come from their tally (kept as they are filed): a few rows per project.
            "ratings": _grouped(
                RatingTally.objects.filter(period=period),
                ids,
                n=Sum("count"),
                total=Sum(F("count") * F("score")),
                satisfied=Sum("count", filter=Q(score__gte=4), default=0),
                poor=Sum("count", filter=Q(score__lte=POOR_RATING), default=0),
            ),
            "tickets": _grouped(
                Ticket.objects.in_period(period, "received_at"),
                ids,
                n=Count("id"),
                resolved=Count("id", filter=Q(resolved=True)),
            ),
            "rectifications": _grouped(
                Rectification.objects.in_period(period),
                ids,
                on_time=Count("id", filter=Q(closed_on__lte=F("due_date"))),
                late=Count("id", filter=Q(closed_on__gt=F("due_date")) | Q(closed_on__isnull=True, due_date__lt=today)),
            ),
            "spending": _grouped(Spending.objects.in_period(period, "spent_on"), ids, spent=Sum("amount")),
            "measurements": measurements.values_list("project_id", "indicator_id", "value"),
        }
    )
    inputs = {
        pk: ProjectInputs(tier=tier, domain_id=domain_id, approved_budget=approved)
        for pk, domain_id, approved, tier in results["projects"]
    }
    for pk, n, total, satisfied, poor in results["ratings"]:
        if (row := inputs.get(pk)) is not None:
            row.ratings, row.ratings_sum, row.ratings_satisfied, row.poor_ratings = n, total, satisfied, poor
    for pk, n, resolved in results["tickets"]:
        if (row := inputs.get(pk)) is not None:
            row.tickets_received, row.tickets_resolved = n, resolved
    for pk, on_time, late in results["rectifications"]:
        if (row := inputs.get(pk)) is not None:
            row.rectified_on_time, row.rectified_late = on_time, late
    for pk, spent in results["spending"]:
        if (row := inputs.get(pk)) is not None:
            row.spent = spent
    for pk, indicator_id, value in results["measurements"]:
        if (row := inputs.get(pk)) is not None:
            row.measurements[indicator_id] = value
    return inputs
