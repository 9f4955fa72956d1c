"""The overdue scan: opens and closes warnings for every task in a few set-based statements.

For each warning kind the condition is one queryset of tasks (``conditions``). The scan then runs,
per kind, one ``INSERT … SELECT`` of the tasks that meet it and have no open warning of that kind
(``ON CONFLICT DO NOTHING`` against the partial unique index on open warnings, so a task refreshed
by a service at the same moment cannot make it fail), and one ``UPDATE`` closing the open warnings
whose condition no longer holds. It then refreshes the stored light and open-warning counts (one
``UPDATE … FROM`` an aggregate, writing only rows that change) and notifies once per new warning:
the INSERT stamps ``notified_at`` with the run's time, so the transaction that opens a warning is
the one that tells people about it, and a run that opens nothing tells no one. Running it twice
changes nothing the second time.

Two full scans never run at once: on PostgreSQL a transaction-scoped advisory lock, elsewhere a
lock row claimed with a conditional UPDATE. The second one returns at once, saying it skipped.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import perf_counter as time_now

from constance.utils import get_values_for_keys
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tasks.lifecycle import OPEN_STATUSES, RED_KINDS, YELLOW_KINDS, Light, Status, WarningKind
from tasks.models import Notice, ScanLock, Task, TaskWarning
from tasks.notify import notify_warnings

# Any fixed 64-bit number, the same in every process: pg_try_advisory_xact_lock's key for the scan.
ADVISORY_LOCK_KEY = 5_202_611_210
LOCK_NAME = "overdue_scan"
STALE_LOCK = timedelta(hours=2)  # a lock row older than this was left by a process that died


@dataclass
class ScanResult:
    skipped: bool = False
    opened: dict = field(default_factory=dict)
    closed: dict = field(default_factory=dict)
    notified: int = 0
    timings: dict = field(default_factory=dict)  # seconds per step, for the benchmark

    @property
    def changed(self) -> int:
        return sum(self.opened.values()) + sum(self.closed.values())

    def summary(self) -> str:
        if self.skipped:
            return "Another overdue scan is running; this one did nothing."
        opened = ", ".join(f"{k} {n}" for k, n in self.opened.items() if n) or "none"
        closed = ", ".join(f"{k} {n}" for k, n in self.closed.items() if n) or "none"
        return f"Warnings opened: {opened}. Closed: {closed}. Notified: {self.notified}."


@dataclass(frozen=True)
class Thresholds:
    warning_days: int
    severe_days: int
    ack_days: int
    report_cycle_days: int

    @classmethod
    def current(cls) -> "Thresholds":
        """The values set in the admin (Constance), read in one query at the start of each scan.

        get_values_for_keys rather than ``config.X``: the attribute returns an awaitable proxy
        (and warns) whenever an event loop runs in the thread, e.g. under an ASGI server.
        """
        values = get_values_for_keys(["WARNING_DAYS", "SEVERE_DAYS", "ACK_DAYS", "REPORT_CYCLE_DAYS"])
        return cls(
            warning_days=int(values["WARNING_DAYS"]),
            severe_days=int(values["SEVERE_DAYS"]),
            ack_days=int(values["ACK_DAYS"]),
            report_cycle_days=int(values["REPORT_CYCLE_DAYS"]),
        )


def conditions(today: date, now: datetime, limits: Thresholds) -> dict:
    """Each warning kind's condition on a task, as of ``today``. DESIGN.md "Warning kinds"."""
    active = Q(status__in=OPEN_STATUSES, assigned_at__lte=today)
    report_cutoff = now - timedelta(days=limits.report_cycle_days)
    overdue_notice = Notice.objects.filter(task=OuterRef("pk"), status="open", reply_due__lt=today, issued_at__lte=now)
    return {
        WarningKind.DUE_SOON: active
        & Q(due_date__gte=today, due_date__lte=today + timedelta(days=limits.warning_days)),
        WarningKind.OVERDUE: active & Q(due_date__lt=today),
        WarningKind.SEVERE: active & Q(due_date__lt=today - timedelta(days=limits.severe_days)),
        WarningKind.UNACKNOWLEDGED: Q(status=Status.ASSIGNED, assigned_at__lte=today - timedelta(days=limits.ack_days)),
        # No report for a cycle, counted from the later of the last report and the start of work.
        WarningKind.REPORT_MISSING: Q(status=Status.IN_PROGRESS, status_changed_at__lt=report_cutoff)
        & (Q(last_report_at__isnull=True) | Q(last_report_at__lt=report_cutoff)),
        WarningKind.NOTICE_OVERDUE: Exists(overdue_notice),
    }


def run_scan(*, today: date | None = None, now: datetime | None = None, notify: bool = True) -> ScanResult:
    """The full scan over every task, unless another one holds the lock.

    ``notify=False`` is for replaying past days (the demo's history): the warnings are marked
    notified without telling anyone about days gone by.
    """
    today, now = _moment(today, now)
    with _exclusive() as acquired:
        if not acquired:
            return ScanResult(skipped=True)
        with transaction.atomic():
            return _apply(Task.objects.all(), today=today, now=now, whole=True, notify=notify)


def refresh_tasks(tasks: QuerySet, *, today: date | None = None) -> ScanResult:
    """The same scan for a few tasks, inside the caller's transaction (a service that changed them).

    It takes no scan lock: the caller holds the tasks' row locks, and the unique index with
    ON CONFLICT DO NOTHING keeps a concurrent full scan from opening the same warning twice.
    """
    today, now = _moment(today, None)
    return _apply(tasks, today=today, now=now, whole=False)


def _moment(today, now):
    if today is not None and now is None:
        # A scan "as of" a past day (the demo's history) stamps its warnings at noon that day.
        now = timezone.make_aware(datetime.combine(today, time(12, 0)))
    now = now or timezone.now()
    return today or timezone.localdate(now), now


def _apply(tasks: QuerySet, *, today: date, now: datetime, whole: bool, notify: bool = True) -> ScanResult:
    result = ScanResult()
    limits = Thresholds.current()
    scope = tasks.values("pk")
    stamp = connection.ops.adapt_datetimefield_value(now)
    table = TaskWarning._meta.db_table
    for kind, condition in conditions(today, now, limits).items():
        started = time_now()
        missing = Task.objects.filter(condition).filter(
            ~Exists(TaskWarning.objects.filter(task=OuterRef("pk"), kind=kind, closed_at__isnull=True))
        )
        if not whole:
            missing = missing.filter(pk__in=scope)
        sql, params = missing.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            # The run that opens a warning notifies it, in the same transaction: notified_at is set
            # here, and "once per warning" holds by construction. "WHERE true" keeps SQLite's
            # parser from reading ON CONFLICT as part of the SELECT.
            cursor.execute(
                f"INSERT INTO {table} (task_id, kind, opened_at, notified_at) "  # noqa: S608 -- model's table
                f"SELECT due.pk, %s, %s, %s FROM ({sql}) AS due WHERE true ON CONFLICT DO NOTHING",
                [str(kind), stamp, stamp, *params],
            )
            result.opened[str(kind)] = max(cursor.rowcount, 0)
        cleared = TaskWarning.objects.filter(kind=kind, closed_at__isnull=True).exclude(
            Exists(Task.objects.filter(condition, pk=OuterRef("task_id")))
        )
        if not whole:
            cleared = cleared.filter(task__in=scope)
        result.closed[str(kind)] = cleared.update(closed_at=now)
        result.timings[str(kind)] = time_now() - started

    started = time_now()
    if result.changed or not whole:
        refresh_warning_flags(None if whole else scope)
    result.timings["flags"] = time_now() - started
    started = time_now()
    if notify:
        new = TaskWarning.objects.filter(opened_at=now, notified_at=now)
        result.notified = notify_warnings(new if whole else new.filter(task__in=scope))
    result.timings["notify"] = time_now() - started
    return result


def refresh_warning_flags(scope: QuerySet | None) -> None:
    """Set each task's stored light and open-warning count from its open warnings, set-based.

    One UPDATE … FROM an aggregate of the open warnings (a hash aggregate, not a subquery per
    task), and one UPDATE turning tasks without open warnings back to green; both write only rows
    whose values change. ``scope`` (task ids) limits both; None means every task.
    """
    tasks, warnings = Task._meta.db_table, TaskWarning._meta.db_table
    red = ", ".join(f"'{k}'" for k in sorted(RED_KINDS))
    yellow = ", ".join(f"'{k}'" for k in sorted(YELLOW_KINDS))
    in_scope, params = "", []
    if scope is not None:
        scope_sql, params = scope.order_by().values("pk").query.sql_with_params()
        in_scope = f"AND task_id IN ({scope_sql})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {tasks} SET light = agg.light, open_warning_count = agg.n
            FROM (
                SELECT task_id, COUNT(*) AS n,
                       CASE WHEN SUM(CASE WHEN kind IN ({red}) THEN 1 ELSE 0 END) > 0 THEN '{Light.RED}'
                            WHEN SUM(CASE WHEN kind IN ({yellow}) THEN 1 ELSE 0 END) > 0 THEN '{Light.YELLOW}'
                            ELSE '{Light.GREEN}' END AS light
                FROM {warnings} WHERE closed_at IS NULL {in_scope} GROUP BY task_id
            ) AS agg
            WHERE {tasks}.id = agg.task_id AND ({tasks}.light <> agg.light OR {tasks}.open_warning_count <> agg.n)
            """,  # noqa: S608 -- names from the models, kinds from the code
            params,
        )
        cursor.execute(
            f"""
            UPDATE {tasks} SET light = '{Light.GREEN}', open_warning_count = 0
            WHERE (light <> '{Light.GREEN}' OR open_warning_count <> 0) {in_scope.replace("task_id", "id")}
              AND NOT EXISTS (SELECT 1 FROM {warnings} w WHERE w.task_id = {tasks}.id AND w.closed_at IS NULL)
            """,  # noqa: S608 -- names from the models
            params,
        )


class _exclusive:
    """Context manager yielding True if this process may run the full scan now."""

    def __enter__(self):
        if connection.vendor == "postgresql":
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
                return bool(cursor.fetchone()[0])
        self.atomic = None
        self.token = uuid.uuid4().hex
        now = timezone.now()
        with transaction.atomic():
            ScanLock.objects.get_or_create(name=LOCK_NAME)
            claimed = (
                ScanLock.objects.filter(name=LOCK_NAME)
                .filter(Q(holder="") | Q(acquired_at__lt=now - STALE_LOCK))
                .update(holder=self.token, acquired_at=now)
            )
        self.acquired = bool(claimed)
        return self.acquired

    def __exit__(self, *exc):
        if self.atomic is not None:
            return self.atomic.__exit__(*exc)  # the advisory lock ends with the transaction
        if self.acquired:
            ScanLock.objects.filter(name=LOCK_NAME, holder=self.token).update(holder="", acquired_at=None)
        return False
