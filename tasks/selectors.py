"""Reads shaped for the pages and the API: the task list, the board, the chart, the ranking, a
task's history. Counts come from aggregates over the stored light and counts, never a query per row.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Min, Prefetch, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from portfolio.models import Organization, Region
from tasks.lifecycle import RED_KINDS, Status, WarningKind
from tasks.models import NoticeEvent, ProgressReport, Task, TaskTransition, TaskWarning


def task_list(user):
    """What the list pages and the API show: visible tasks with their names and open warnings."""
    return (
        Task.objects.visible_to(user)
        .select_related("lead_org", "plan", "domain")
        .prefetch_related(
            "co_lead_orgs",
            "partner_orgs",
            "projects",
            Prefetch("warnings", queryset=TaskWarning.objects.open().order_by("kind"), to_attr="open_warnings"),
        )
    )


def task_detail(user):
    return task_list(user).select_related("created_by")


# --- The board ---------------------------------------------------------------------------------
BOARD_COUNTS = ("green", "yellow", "red", "total", "open_warnings", "open_notices")


def board_queryset(tasks):
    """The board's one aggregate query: tasks per lead organization, light and status.

    Grouping by (organization, light, status) keeps the query to three aggregates — cheap for
    Django to compile — and every column it reads is in task_board_idx, so PostgreSQL answers it
    from the index alone (an index-only scan). ``board`` pivots the few rows into the counts.
    """
    return (
        tasks.order_by()
        .values_list("lead_org", "lead_org__name", "light", "status")
        .annotate(
            n=Count("light"),
            warnings=Sum("open_warning_count"),
            notices=Sum("open_notice_count"),
            oldest_due=Min("due_date"),
        )
    )


def board(tasks, *, today: date | None = None) -> dict:
    """Per lead organization: tasks by light and status, open warnings and notices (DESIGN.md),
    and how late its most overdue red task is (``max_days_overdue``, None when nothing is red)."""
    today = today or timezone.localdate()

    def counts(**extra):
        return {
            **extra,
            **dict.fromkeys(BOARD_COUNTS, 0),
            "max_days_overdue": None,
            "statuses": dict.fromkeys(Status.values, 0),
        }

    rows, totals = {}, counts()
    for org, name, light, status, n, warnings, notices, oldest_due in board_queryset(tasks):
        entry = rows.get(org) or rows.setdefault(org, counts(org=org, org_name=name))
        late = (today - oldest_due).days if light == "red" and oldest_due and oldest_due < today else None
        for target in (entry, totals):
            target[light] += n
            target["total"] += n
            target["open_warnings"] += warnings
            target["open_notices"] += notices
            target["statuses"][status] += n
            if late is not None:
                target["max_days_overdue"] = max(late, target["max_days_overdue"] or 0)
    result = sorted(rows.values(), key=lambda r: (-r["red"], -r["yellow"], r["org_name"]))
    for entry in result:
        entry["status_counts"] = [entry["statuses"][s] for s in Status.values]  # column order, for the pages
    return {"rows": result, "totals": totals}


def most_overdue(tasks, *, limit: int = 15):
    """The red tasks that are latest, oldest due date first: the board's one-click list."""
    return tasks.filter(light="red").select_related("lead_org").order_by("due_date", "pk")[:limit]


def warnings_over_time(tasks, *, days: int = 90, today: date | None = None) -> dict:
    """Open warnings at the end of each day, by kind, over the last ``days`` days (for the chart)."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    warnings = TaskWarning.objects.filter(task__in=tasks.values("pk"))
    before = dict(
        warnings.filter(opened_at__lt=start)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )

    def per_day(field):
        rows = (
            warnings.filter(**{f"{field}__gte": start})
            .annotate(day=TruncDate(field))
            .order_by()
            .values_list("kind", "day")
            .annotate(n=Count("pk"))
        )
        return {(kind, day): n for kind, day, n in rows}

    opened, closed = per_day("opened_at"), per_day("closed_at")
    dates = [first + timedelta(days=i) for i in range(days)]
    series = {}
    for kind in WarningKind.values:
        level, values = before.get(kind, 0), []
        for day in dates:
            level += opened.get((kind, day), 0) - closed.get((kind, day), 0)
            values.append(level)
        series[kind] = values
    return {"dates": [d.isoformat() for d in dates], "series": series}


# --- The monthly ranking (通报) ------------------------------------------------------------------
@dataclass
class RankingRow:
    rank: int
    org_id: int
    org_name: str
    region_name: str
    due: int
    on_time: int
    rate: float | None
    open_red: int
    late_reports: int


def month_bounds(month: date) -> tuple[date, date, datetime, datetime]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return first, last, start, end


def ranking(tasks, month: date) -> dict[str, list[RankingRow]]:
    """Lead organizations ranked within their region's tier for ``month``.

    - on-time completion rate: tasks due by the month's end that were verified and closed on or
      before their due date, over all tasks due by then (no task due: no rate, ranked last);
    - open red warnings: tasks with an overdue warning open at the month's end;
    - late reports: missing-report and unacknowledged warnings opened during the month.
    Ties on the rate are broken by fewer red warnings, then fewer late reports.
    """
    _first, last, start, end = month_bounds(month)
    tasks = tasks.filter(assigned_at__lte=last)
    due = Q(due_date__lte=last)
    figures = {
        row["lead_org"]: row
        for row in tasks.order_by()
        .values("lead_org")
        .annotate(
            due=Count("pk", filter=due),
            on_time=Count(
                "pk",
                filter=due & Q(status=Status.COMPLETED, completed_at__lt=end, completed_at__date__lte=F("due_date")),
            ),
        )
    }
    warnings = TaskWarning.objects.filter(task__in=tasks.values("pk")).order_by()
    red = dict(
        warnings.filter(kind__in=RED_KINDS, opened_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .values_list("task__lead_org")
        .annotate(n=Count("task", distinct=True))
    )
    late = dict(
        warnings.filter(
            kind__in=[WarningKind.REPORT_MISSING, WarningKind.UNACKNOWLEDGED], opened_at__gte=start, opened_at__lt=end
        )
        .values_list("task__lead_org")
        .annotate(n=Count("pk"))
    )
    orgs = Organization.objects.filter(pk__in=figures).select_related("region")
    by_tier = defaultdict(list)
    for org in orgs:
        row = figures[org.pk]
        rate = round(row["on_time"] * 100 / row["due"], 1) if row["due"] else None
        by_tier[org.region.tier].append(
            RankingRow(
                0,
                org.pk,
                org.name,
                org.region.name,
                row["due"],
                row["on_time"],
                rate,
                red.get(org.pk, 0),
                late.get(org.pk, 0),
            )
        )
    ranked = {}
    for tier in Region.Tier.values:
        rows = sorted(
            by_tier.get(tier, []),
            key=lambda r: (r.rate is None, -(r.rate or 0), r.open_red, r.late_reports, r.org_name),
        )
        previous, rank = None, 0
        for position, row in enumerate(rows, start=1):
            key = (row.rate, row.open_red, row.late_reports)
            rank = rank if key == previous else position  # equal figures share a rank
            row.rank, previous = rank, key
        if rows:
            ranked[tier] = rows
    return ranked


# --- A task's history ---------------------------------------------------------------------------
@dataclass
class HistoryEntry:
    at: datetime
    kind: str  # transition / report / warning_opened / warning_closed / notice
    title: str
    by: str = ""
    text: str = ""
    object: object = None


def history(task: Task) -> list[HistoryEntry]:
    """Everything that happened to a task, oldest first: cycle steps, reports, warnings, notices."""
    from django.utils.translation import gettext as _

    entries = [
        HistoryEntry(
            timezone.make_aware(datetime.combine(task.assigned_at, time(9, 0)))
            if task.assigned_at
            else task.created_at,
            "assigned",
            _("Assigned"),
            str(task.created_by or ""),
        )
    ]
    for t in TaskTransition.objects.filter(task=task).select_related("by"):
        title = f"{t.get_action_display()}：{t.get_from_status_display()} → {t.get_to_status_display()}"
        entries.append(HistoryEntry(t.at, "transition", title, str(t.by or _("the system")), t.comment))
    for r in ProgressReport.objects.filter(task=task).select_related("by", "org").prefetch_related("evidence"):
        year, month = r.period.split("-")
        title = _("Progress report %(period)s by %(org)s: %(percent)d%%") % {
            "period": f"{int(year)}年{int(month)}月",
            "org": r.org.name,
            "percent": r.percent,
        }
        entries.append(HistoryEntry(r.created_at, "report", title, str(r.by), r.text, r))
    for w in TaskWarning.objects.filter(task=task):
        entries.append(HistoryEntry(w.opened_at, "warning_opened", _("Warning opened: %s") % w.get_kind_display()))
        if w.closed_at:
            entries.append(HistoryEntry(w.closed_at, "warning_closed", _("Warning closed: %s") % w.get_kind_display()))
    for e in NoticeEvent.objects.filter(notice__task=task).select_related("by", "notice"):
        title = _("Supervision notice: %s") % e.get_action_display()
        entries.append(HistoryEntry(e.at, "notice", title, str(e.by), e.text, e.notice))
    entries.sort(key=lambda entry: entry.at)
    return entries


def parse_month(text: str | None, *, default: date | None = None) -> date | None:
    """``"2026-05"`` → 1 May 2026; None for anything else."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return default


def ranking_payload(tasks, month: date) -> dict:
    tiers = ranking(tasks, month)
    labels = dict(Region.Tier.choices)
    return {
        "month": month.strftime("%Y-%m"),
        "tiers": [{"tier": tier, "tier_label": str(labels[tier]), "rows": rows} for tier, rows in tiers.items()],
    }
