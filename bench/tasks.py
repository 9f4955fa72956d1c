"""Task supervision: the set-based overdue scan vs a per-task ORM loop; the board vs its raw SQL."""

import random
import time

from django.db import connection, transaction

from bench.harness import Timing

SCALE = {"orgs": 2000, "cities": 100, "tasks": 1000000}
NAIVE_SAMPLE = 5000  # tasks the per-task loop runs over; its time is scaled to the whole table


class _Rollback(Exception):
    pass


def _reset_warnings():
    from tasks.models import Task, TaskWarning

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TaskWarning._meta.db_table}")
    Task.objects.exclude(light="green", open_warning_count=0).update(light="green", open_warning_count=0)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Task._meta.db_table}")


def naive_scan(task_ids, today, now):
    """What the scan replaces: load each task, decide each kind in Python, write warning by warning."""
    from datetime import timedelta

    from tasks.lifecycle import OPEN_STATUSES, RED_KINDS, YELLOW_KINDS, Status
    from tasks.models import Notice, Task, TaskWarning
    from tasks.scan import Thresholds

    limits = Thresholds.current()
    cutoff = now - timedelta(days=limits.report_cycle_days)
    for task in Task.objects.filter(pk__in=task_ids):
        active = task.status in OPEN_STATUSES and task.assigned_at <= today
        due = task.due_date
        wanted = {
            "due_soon": bool(active and due and today <= due <= today + timedelta(days=limits.warning_days)),
            "overdue": bool(active and due and due < today),
            "severe": bool(active and due and due < today - timedelta(days=limits.severe_days)),
            "unacknowledged": task.status == Status.ASSIGNED
            and task.assigned_at <= today - timedelta(days=limits.ack_days),
            "report_missing": task.status == Status.IN_PROGRESS
            and task.status_changed_at < cutoff
            and (task.last_report_at is None or task.last_report_at < cutoff),
            "notice_overdue": Notice.objects.filter(task=task, status="open", reply_due__lt=today).exists(),
        }
        open_now = {w.kind: w for w in TaskWarning.objects.filter(task=task, closed_at__isnull=True)}
        for kind, on in wanted.items():
            if on and kind not in open_now:
                open_now[kind] = TaskWarning.objects.create(task=task, kind=kind, opened_at=now)
            elif not on and kind in open_now:
                warning = open_now.pop(kind)
                warning.closed_at = now
                warning.save(update_fields=["closed_at"])
        light = "red" if open_now.keys() & RED_KINDS else "yellow" if open_now.keys() & YELLOW_KINDS else "green"
        if (task.light, task.open_warning_count) != (light, len(open_now)):
            task.light, task.open_warning_count = light, len(open_now)
            task.save(update_fields=["light", "open_warning_count"])


def bench_scan(ctx):
    from django.utils import timezone

    from tasks.models import Task, TaskWarning
    from tasks.scan import run_scan

    total = Task.objects.count()
    _reset_warnings()
    ids = list(Task.objects.values_list("pk", flat=True))
    sample = random.Random(7).sample(ids, min(NAIVE_SAMPLE, len(ids)))
    started = time.perf_counter()
    try:
        with transaction.atomic():
            naive_scan(sample, timezone.localdate(), timezone.now())
            raise _Rollback
    except _Rollback:
        pass
    naive = (time.perf_counter() - started) * total / len(sample)
    ctx.report("tasks", f"naive per-task ORM loop ({len(sample)} tasks timed, scaled to {total})", f"{naive:.1f} s")

    started = time.perf_counter()
    first = run_scan()
    full = time.perf_counter() - started
    opened = sum(first.opened.values())
    ctx.report("tasks", f"set-based scan over {total} tasks (opened {opened} warnings)", f"{full:.1f} s")
    steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in first.timings.items())
    print(f"    steps (s): {steps}", flush=True)
    ctx.report("tasks", "scan speed-up over the naive loop", f"{naive / full:.1f}×", "≥ 10×", naive / full >= 10)
    started = time.perf_counter()
    second = run_scan()
    again = time.perf_counter() - started
    ctx.report("tasks", f"second scan ({again:.1f} s): rows changed", str(second.changed), "0", second.changed == 0)
    ctx.report("tasks", "open warnings after the scan", str(TaskWarning.objects.filter(closed_at__isnull=True).count()))


BOARD_SQL = """
SELECT t.lead_org_id, o.name,
       count(*) FILTER (WHERE t.light = 'green'), count(*) FILTER (WHERE t.light = 'yellow'),
       count(*) FILTER (WHERE t.light = 'red'), count(*),
       coalesce(sum(t.open_warning_count), 0), coalesce(sum(t.open_notice_count), 0),
       {statuses}
FROM tasks_task t JOIN portfolio_organization o ON o.id = t.lead_org_id
WHERE t.lead_org_id IN (
    SELECT org.id FROM portfolio_organization org JOIN portfolio_region r ON r.id = org.region_id
    WHERE r.path LIKE %s)
GROUP BY t.lead_org_id, o.name
"""


def bench_board(ctx):
    from portfolio.models import Region
    from tasks import selectors
    from tasks.filters import TaskFilter
    from tasks.lifecycle import Status
    from tasks.models import Task

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Task._meta.db_table}")
    city = Region.objects.filter(level="city").order_by("pk")[len(Region.objects.filter(level="city")) // 2]

    # The FilterSet the API uses, built once: what is timed is the board's aggregation.
    tasks = TaskFilter({"region": city.pk}, queryset=Task.objects.all()).qs

    def orm():
        return selectors.board(tasks)

    statuses = ", ".join(f"count(*) FILTER (WHERE t.status = '{s}')" for s in Status.values)
    sql = BOARD_SQL.format(statuses=statuses)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql, [city.path + "%"])
            return cursor.fetchall()

    rows = orm()
    assert len(raw()) == len(rows["rows"]), "the raw SQL and the board disagree"
    # Interleaved samples, so that load from other processes weighs on both alike.
    samples = {orm: [], raw: []}
    for round_ in range(63):
        for fn in (orm, raw):
            started = time.perf_counter()
            fn()
            if round_ >= 3:  # warm-up
                samples[fn].append(time.perf_counter() - started)
    orm_time, raw_time = Timing(samples[orm]), Timing(samples[raw])
    ratio = orm_time.p50 / raw_time.p50
    ctx.report(
        "tasks",
        f"board for one city ({len(rows['rows'])} organizations, {rows['totals']['total']} tasks)",
        str(orm_time),
    )
    ctx.report("tasks", "raw SQL of the same aggregation", str(raw_time))
    ctx.report("tasks", "board p50 / raw SQL p50", f"{ratio:.2f}×", "≤ 1.5×", ratio <= 1.5)

    queryset = selectors.board_queryset(tasks)
    query, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    seq = "Seq Scan on tasks_task" in plan
    indexed = "Index Only Scan using task_board_idx" in plan or "Index Scan using task_board_idx" in plan
    print("    plan:\n      " + plan.replace("\n", "\n      "))
    ctx.report(
        "tasks",
        "board plan on tasks_task",
        "index" + (" only" if "Index Only" in plan else "") + " scan" if indexed else "other",
        "index scan, no sequential scan",
        indexed and not seq,
    )


def run(ctx):
    from django.conf import settings

    if connection.vendor != "postgresql":
        ctx.report("tasks", "skipped", f"needs PostgreSQL, not {connection.vendor}")
        return
    assert not settings.DEBUG
    bench_scan(ctx)
    bench_board(ctx)
