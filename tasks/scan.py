"""The overdue scan: opens and closes warnings for every task in a few set-based statements.

For each warning kind the condition is one queryset of tasks (``conditions``). The scan then runs,
per kind, one ``INSERT … SELECT`` of the tasks that meet it and have no open warning of that kind
(``ON CONFLICT DO NOTHING`` against the partial unique index on open warnings, so a task refreshed
by a service at the same moment cannot make it fail), and one ``UPDATE`` closing the open warnings
whose condition no longer holds. It then refreshes the stored light and counts of the tasks it
touched, and notifies once per new warning: it claims the unnotified warnings by stamping them
with this run's time (a conditional UPDATE, as Healthchecks claims its flips), then reads back
exactly what it claimed. Running it twice changes nothing the second time.

Two full scans never run at once: on PostgreSQL a transaction-scoped advisory lock, elsewhere a
lock row claimed with a conditional UPDATE. The second one returns at once, saying it skipped.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from constance.utils import get_values_for_keys
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tasks.lifecycle import OPEN_STATUSES, Status, WarningKind
from tasks.models import Notice, ScanLock, Task, TaskWarning
from tasks.notify import notify_new_warnings
from tasks.selectors import refresh_task_flags

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
    for kind, condition in conditions(today, now, limits).items():
        missing = Task.objects.filter(condition).filter(
            ~Exists(TaskWarning.objects.filter(task=OuterRef("pk"), kind=kind, closed_at__isnull=True))
        )
        if not whole:
            missing = missing.filter(pk__in=scope)
        sql, params = missing.order_by().values("pk").query.sql_with_params()
        table = TaskWarning._meta.db_table
        with connection.cursor() as cursor:
            # "WHERE true" keeps SQLite's parser from reading ON CONFLICT as part of the SELECT.
            cursor.execute(
                f"INSERT INTO {table} (task_id, kind, opened_at) "  # noqa: S608 -- table name from the model
                f"SELECT due.pk, %s, %s FROM ({sql}) AS due WHERE true ON CONFLICT DO NOTHING",
                [str(kind), stamp, *params],
            )
            result.opened[str(kind)] = max(cursor.rowcount, 0)
        cleared = TaskWarning.objects.filter(kind=kind, closed_at__isnull=True).exclude(
            Exists(Task.objects.filter(condition, pk=OuterRef("task_id")))
        )
        if not whole:
            cleared = cleared.filter(task__in=scope)
        result.closed[str(kind)] = cleared.update(closed_at=now)

    if whole:
        touched = Task.objects.filter(
            Exists(TaskWarning.objects.filter(Q(opened_at=now) | Q(closed_at=now), task=OuterRef("pk")))
        )
    else:
        touched = tasks
    if result.changed or not whole:
        refresh_task_flags(touched)
    if notify:
        result.notified = notify_new_warnings(now=now, tasks=None if whole else scope)
    else:
        TaskWarning.objects.filter(notified_at__isnull=True).update(notified_at=now)
    return result


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
