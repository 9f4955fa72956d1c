"""Reads shaped for the pages and the API: one query per list, figures from annotations."""

from decimal import Decimal

import orjson
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, Subquery, Sum, TextField
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils import timezone

from evaluation import budget
from evaluation.models import BudgetPolicy, BudgetRequest, Evaluation, Indicator, Rectification
from projects.lifecycle import Stage
from projects.models import Project


def policy_for(year: int) -> budget.Policy:
    saved = BudgetPolicy.objects.filter(year=year).first()
    if saved is None:
        return budget.Policy(year=year)
    return budget.Policy(year=year, envelope=saved.envelope, factors=saved.factors, saved=True)


def indicator_names() -> dict[str, str]:
    """code -> name of every indicator, in display order (for the report's evidence columns)."""
    return dict(Indicator.objects.order_by("order", "pk").values_list("code", "name"))


def indicator_units() -> dict[str, str]:
    """code -> unit (%, 起, 万次 …) of every indicator: a value on a page is shown with its unit."""
    return dict(Indicator.objects.values_list("code", "unit"))


def can_see_budget(user) -> bool:
    return bool(user.is_authenticated and (user.sees_whole_region or user.role == "owner"))


def budget_lines(year: int) -> list[budget.Line]:
    """Every request for ``year`` with the evaluation of period year − 1: one query."""
    rows = (
        BudgetRequest.objects.filter(year=year)
        .annotate(
            ev=FilteredRelation("project__evaluations", condition=Q(project__evaluations__period=year - 1)),
            # As text, decoded below with orjson: json.loads of 50,000 summaries is a third of the report.
            summary_text=Cast("ev__summary", TextField()),
        )
        .order_by("project__owner_org_id", "project_id")  # integers: sorting 50,000 names by collation costs
        .values_list(
            "project_id",
            "project__code",
            "project__name",
            "project__owner_org_id",
            "project__owner_org__name",
            "project__domain_id",
            "project__domain__name",
            "amount",
            "final_amount",
            "justification",
            "ev__grade",
            "ev__score",
            "ev__baseline_met",
            "summary_text",
        )
    )
    lines = []
    for pk, code, name, org, org_name, domain, domain_name, amount, final, why, grade, score, met, summary in rows:
        lines.append(
            budget.Line(
                project=pk,
                project_code=code,
                project_name=name,
                org=org,
                org_name=org_name,
                domain=domain,
                domain_name=domain_name,
                requested=amount,
                grade=grade or "",
                score=score,
                baseline_met=True if met is None else met,
                final_amount=final,
                justification=why,
                indicators=orjson.loads(summary) if summary else {},
            )
        )
    return lines


def budget_report(year: int, *, user, policy: budget.Policy | None = None) -> dict:
    """The report for ``year`` under the saved policy (or ``policy``, for a simulation).

    An owner gets only the lines of its own projects, with totals over those lines and without
    the envelope; the recommendations are still those of the whole budget (the envelope scale
    applies to everyone alike).
    """
    if not can_see_budget(user):
        raise Http404
    policy = policy or policy_for(year)
    lines = budget_lines(year)
    full = budget.compute(policy, lines)
    if user.sees_whole_region:
        return full
    # The owner's own projects (a handful), not an IN list of every line: SQLite caps parameters.
    mine = set(Project.objects.visible_to(user).values_list("pk", flat=True))
    scale = Decimal(full["scale"])
    own = budget.report(
        budget.Policy(year=year, envelope=None, factors=policy.factors, saved=policy.saved),
        [line for line in lines if line.project in mine],
        scale,
    )
    own["scale"] = full["scale"]
    return own


def budget_overview(year: int) -> dict:
    """The year's requests in two aggregates, for the home page (no per-line computation)."""
    totals = BudgetRequest.objects.filter(year=year).aggregate(
        lines=Count("id"), requested=Sum("amount"), adjusted=Count("id", filter=Q(final_amount__isnull=False))
    )
    return {**totals, "policy": policy_for(year)}


def recommended_for(year: int, project_id: int) -> Decimal | None:
    """The current recommendation of one line (what an adjustment is compared with)."""
    report = budget.compute(policy_for(year), budget_lines(year))
    for line in report["lines"]:
        if line["project"] == project_id:
            return Decimal(line["recommended"])
    return None


def _rectification_count(**conditions):
    counted = (
        Rectification.objects.filter(project=OuterRef("pk"), **conditions)
        .order_by()
        .values("project")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def outcome_projects(user, period: int):
    """The projects in operation this user sees, with the period's evaluation and rectification counts.

    One query whatever the number of projects (the counts are subqueries, not a query per row).
    """
    today = timezone.localdate()
    return (
        Project.objects.visible_to(user)
        .filter(stage=Stage.ACCEPTED)
        .select_related("owner_org", "domain")
        .annotate(
            ev=FilteredRelation("evaluations", condition=Q(evaluations__period=period)),
            ev_score=F("ev__score"),
            ev_grade=F("ev__grade"),
            open_rectifications=_rectification_count(status=Rectification.Status.OPEN),
            overdue_rectifications=_rectification_count(status=Rectification.Status.OPEN, due_date__lt=today),
        )
        .order_by("owner_org__path", "code")
    )


def attach_breakdowns(projects, period: int) -> None:
    """Set ``ev_breakdown`` on each of a page of ``outcome_projects`` (one query for the page)."""
    projects = list(projects)
    evaluations = Evaluation.objects.filter(project__in=[p.pk for p in projects], period=period).select_related("basis")
    found = {evaluation.project_id: evaluation for evaluation in evaluations}
    for project in projects:
        evaluation = found.get(project.pk)
        project.ev_breakdown = evaluation.breakdown if evaluation else None


def grade_counts(period: int, user) -> dict:
    counts = dict.fromkeys(("A", "B", "C", "D", ""), 0)
    for grade, n in (
        Evaluation.objects.visible_to(user)
        .filter(period=period)
        .order_by()
        .values_list("grade")
        .annotate(n=Count("id"))
    ):
        counts[grade] = n
    return counts
