"""Large synthetic data for benchmarks: the tasks app's part of ``seed_scale``.

``--tasks N`` key tasks spread over every organization of every city, with statuses, assignment
and due dates spread over the last and the next year around today, so the overdue scan has real
work (due soon, overdue, severely overdue, unacknowledged, reports missing), about one in five
with a partner organization of the same city, and one open supervision notice per hundred tasks
(a third of them past their reply deadline). On PostgreSQL the rows go in with COPY; elsewhere
with bulk_create in batches.
"""

import json
from datetime import datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from portfolio.models import Organization, Role, User
from portfolio.scale import BATCH, Scale
from tasks.lifecycle import NoticeStatus, Status
from tasks.models import Notice, NoticeSequence, Task

STATUSES = [
    (Status.ASSIGNED, 10),
    (Status.ACKNOWLEDGED, 10),
    (Status.IN_PROGRESS, 50),
    (Status.REPORTED, 5),
    (Status.COMPLETED, 20),
    (Status.SUSPENDED, 5),
]
VERBS = ["建设", "推进", "完善", "升级", "推广", "建成", "优化"]
COLUMNS = [
    "code", "title", "description", "plan_id", "domain_id", "lead_org_id", "partner_names", "assigned_at",
    "due_date", "deadline_text", "status", "status_changed_at", "suspended_from", "progress", "last_report_at",
    "completed_at", "light", "open_warning_count", "open_notice_count", "import_key", "created_at", "updated_at",
]  # fmt: skip


def _rows(scale: Scale, count: int, region_of: dict):
    """The rows, computed without a query: they are produced while the connection is in COPY."""
    rng, today = scale.rng, timezone.localdate()
    now = timezone.now()
    statuses = [s for s, weight in STATUSES for _ in range(weight)]
    subjects = [
        "政务服务",
        "城市运行",
        "公交",
        "停车",
        "医疗健康",
        "养老",
        "应急",
        "防汛",
        "燃气",
        "信用",
        "园区",
        "社区",
    ]
    domains = [d.pk for d in scale.domains]
    for n in range(1, count + 1):
        org_id = rng.choice(scale.org_ids)
        plan = scale.plans_by_city[region_of[org_id]]
        status = rng.choice(statuses)
        assigned = today - timedelta(days=rng.randint(0, 365))
        due = None if rng.random() < 0.03 else assigned + timedelta(days=rng.randint(20, 540))
        changed = timezone.make_aware(datetime.combine(assigned + timedelta(days=rng.randint(0, 20)), time(10)))
        changed = min(changed, now)
        last_report = None
        if status in (Status.IN_PROGRESS, Status.REPORTED) and rng.random() < 0.8:
            last_report = now - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
        completed = None
        if status == Status.COMPLETED:
            completed = min(now, changed + timedelta(days=rng.randint(10, 300)))
        yield (
            f"S-{n:07d}",
            f"{rng.choice(VERBS)}{rng.choice(subjects)}数字化项目任务{n}",
            "",
            plan.pk,
            rng.choice(domains),
            org_id,
            json.dumps(["各区政府"]) if n % 50 == 0 else "[]",
            assigned,
            due,
            "" if due else "持续推进",
            status,
            changed,
            Status.IN_PROGRESS if status == Status.SUSPENDED else "",
            100 if status in (Status.REPORTED, Status.COMPLETED) else rng.randint(0, 90),
            last_report,
            completed,
            "green",
            0,
            0,
            "",
            now,
            now,
        )


def seed_tasks(scale: Scale) -> None:
    count = scale.sizes.get("tasks", 0)
    if not count:
        return
    rows = _rows(scale, count, dict(Organization.objects.values_list("pk", "region_id")))
    if connection.vendor == "postgresql":
        sql = f"COPY {Task._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        batch = []
        for row in rows:
            values = dict(zip(COLUMNS, row, strict=True))
            values["partner_names"] = json.loads(values["partner_names"])
            batch.append(Task(**values))
            if len(batch) == BATCH:
                Task.objects.bulk_create(batch)
                batch = []
        Task.objects.bulk_create(batch)
    _partners_and_notices(scale)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Task._meta.db_table}")  # the visibility map index-only scans need
    scale.say(f"  tasks: {count} key tasks")


def _partners_and_notices(scale: Scale) -> None:
    rng = scale.rng
    region_of = dict(Organization.objects.values_list("pk", "region_id"))
    through = Task.partner_orgs.through
    pairs, notices = [], []
    supervisor = User.objects.filter(role=Role.SUPERVISOR).first()
    if supervisor is None:
        office = Organization.objects.order_by("pk").first()
        supervisor = User.objects.create(
            username="scale-supervisor", name="督查", organization=office, role=Role.SUPERVISOR
        )
    today = timezone.localdate()
    for task_id, lead_id in Task.objects.values_list("pk", "lead_org_id").iterator(chunk_size=20000):
        if rng.random() < 0.2:
            partner = rng.choice(scale.orgs_by_city[region_of[lead_id]])
            if partner != lead_id:
                pairs.append(through(task_id=task_id, organization_id=partner))
        if task_id % 100 == 0:
            notices.append(
                Notice(
                    task_id=task_id,
                    requirement="请说明进展滞后原因及整改措施。",
                    reply_due=today + timedelta(days=rng.randint(-20, 40)),
                    status=NoticeStatus.OPEN,
                    issued_by=supervisor,
                )
            )
        if len(pairs) >= BATCH:
            through.objects.bulk_create(pairs)
            pairs = []
    through.objects.bulk_create(pairs, batch_size=BATCH)
    first = NoticeSequence.take(today.year, len(notices)) if notices else 0
    for offset, notice in enumerate(notices):
        notice.year, notice.serial = today.year, first + offset
    Notice.objects.bulk_create(notices, batch_size=BATCH)
    # Open notices count on their task, as the services keep them.
    Task.objects.filter(pk__in=Notice.objects.values("task_id")).update(open_notice_count=1)
