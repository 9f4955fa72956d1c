"""The authorization matrix: every route of the URLconf and every operation of the API schema,
for every role (an owner, the owner of another bureau, a reviewer, the portfolio office,
supervision, finance) and for an anonymous caller.

The world is two bureaus, 交通局 and 卫健委, each with a project and all its parts, a proposal in
pre-review, a key task with a report, evidence, warnings and a notice, a project in operation with
tickets, ratings, spending, a measured value, a rectification, an evaluation and a budget line,
a system, a data resource, an account and a notification. Every text of a bureau's rows carries
its mark (交通机密, 卫健机密), so a leak of one bureau's rows to the other is a string in a body.

For each role and each route of ``MATRIX`` the test sends, with the role's own session:

- every method the route answers (the schema's operations for the API, GET and POST for pages),
  with the ids of rows the role may not see, and again with ids that do not exist: both answers
  must be the same (status, and body for JSON) — no existence oracle — and never a success;
- for each list the schema documents a filter on (project, task, reviewer, system) and for the
  pages' filter forms: ``?filter=<foreign id>`` against ``?filter=<missing id>``, the same;
- the same reads with the ids of its own rows, ``OPTIONS`` on every API route, the browsable
  API's page (``?format=api``, whose forms are the choice lists), every export opened as a
  workbook, history, board, ranking and budget aggregates: none may contain the other bureau's
  mark;
- the region-wide roles read every row of both bureaus (a 404 there means the world is wrong,
  not that the matrix passed), and write only to ids that do not exist;
- the anonymous caller gets 401 from the API and the sign-in page from the pages.

No answer may be a server error. A route of the URLconf or an operation of the schema that is not
in ``MATRIX`` fails the test, so a new endpoint cannot ship unprobed.
"""

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from portfolio.channels import hint, seal
from portfolio.models import Channel, DataResource, Notification, Role
from projects import services as project_services
from projects.demo import tiny_pdf
from projects.lifecycle import Stage
from projects.prereview import services as prereview_services
from tasks import services as task_services
from tasks.lifecycle import Status
from tasks.scan import run_scan
from tests import factories
from tests.evaluation import factories as outcome
from tests.projects import factories as pf
from tests.tasks import factories as task_factories

pytestmark = pytest.mark.django_db

MARK = {"transport": "交通机密", "health": "卫健机密"}
MISSING = 987654  # an id no row has
FOREIGN = {"owner": "health", "other_owner": "transport", "reviewer": "health"}
REGION_WIDE = ("manager", "supervisor", "finance")
# Rows of a bureau that the region-wide roles do not all read: an organization's messenger
# channels are its own and the portfolio office's.
NOT_REGION_WIDE = {"channel"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Route:
    """How to fill a route's path: each parameter names a kind of row of the world, or is a
    literal value (a year, an action). ``filters``: query parameters of a page's filter form
    that name rows (the API's come from the schema). ``public``: served to anonymous callers."""

    params: dict = field(default_factory=dict)
    filters: tuple = ()
    public: bool = False
    login: str = "/accounts/login/"  # where an anonymous caller is sent
    last: bool = False  # changes the session (sign-out, language): probed after everything else


def R(filters=(), public=False, last=False, login="/accounts/login/", **params):
    return Route(params=params, filters=tuple(filters), public=public, last=last, login=login)


# Rows of the world by kind; reference data (plans, organizations, rules…) is every user's.
KINDS = {
    "project",
    "proposal",
    "milestone",
    "attachment",
    "gate",
    "review",
    "task",
    "warning",
    "notice",
    "evidence",
    "operating",
    "ticket",
    "rating",
    "spending",
    "measurement",
    "rectification",
    "evaluation",
    "budget_request",
    "system",
    "data_resource",
    "user",
    "notification",
    "task_import",
    "channel",
}
REFERENCE = {"region", "organization", "domain", "plan", "indicator", "rule"}
# Rows of no bureau that only some roles read (the audit log, the monthly bulletins): no foreign
# counterpart to compare, but probed for every role like the rest.
REGION_ROWS = {"audit", "bulletin"}
# Query and body parameters that name rows of a bureau (the others name reference data).
ROW_PARAMETERS = {"project": "project", "task": "task", "reviewer": "user", "system": "system", "systems": "system"}

MATRIX = {
    # the audit trail, messenger channels, notification choices, bulletins and notice documents
    "audit/": R(),
    "api/v1/audit/": R(),
    "api/v1/audit/<pk>/": R(pk="audit"),
    "api/v1/channels/": R(),
    "api/v1/channels/<pk>/": R(pk="channel"),
    "api/v1/notification-preferences/": R(),
    "notifications/settings/": R(),
    "api/v1/bulletins/": R(),
    "api/v1/bulletins/<pk>/": R(pk="bulletin"),
    "api/v1/bulletins/<pk>/document/": R(pk="bulletin"),
    "api/v1/bulletins/generate/": R(),
    "tasks/bulletins/": R(),
    "api/v1/notices/<pk>/document/": R(pk="notice"),
    "tasks/notices/<int:pk>/document/": R(pk="notice"),
    "evaluation/budget/<int:year>/close/": R(year=2026, last=True),
    # the portfolio cockpit
    "cockpit/": R(),
    "cockpit/at-risk/": R(),
    "cockpit/plans/": R(),
    "cockpit/plans/<int:pk>/": R(pk="plan"),
    "cockpit/projects/<int:pk>/": R(pk="project"),
    "cockpit/projects/<int:pk>/rate/": R(pk="project"),
    "api/v1/portfolio/rollup/": R(),
    "api/v1/plans/<int:pk>/coverage/": R(pk="plan"),
    "api/v1/projects/<int:pk>/status/": R(pk="project"),
    "api/v1/projects/at-risk/": R(),
    "api/v1/projects/totals/": R(),
    "api/v1/status-reports/": R(),
    # portfolio: pages, sign-in, health
    "": R(),
    "accounts/login/": R(public=True),
    "accounts/logout/": R(public=True, last=True),
    "i18n/setlang/": R(public=True, last=True),
    "notifications/": R(),
    "notifications/read-all/": R(last=True),
    "notifications/<int:pk>/open/": R(pk="notification"),
    "health/": R(),
    # /healthz is answered by portfolio.headers.HealthProbeMiddleware, before the URLconf
    "favicon.ico": R(public=True),
    "admin/": R(login="/admin/login/"),  # Django's admin, staff only, with its own sign-in page
    # the API: reference data, accounts, schema
    "api/v1/": R(),
    "api/v1/auth/token/": R(public=True),
    "api/v1/auth/me/": R(),
    "api/v1/schema/": R(public=True),  # the description of the API, no data
    "api/v1/docs/": R(public=True),
    "api/v1/regions/": R(),
    "api/v1/regions/<pk>/": R(pk="region"),
    "api/v1/organizations/": R(),
    "api/v1/organizations/<pk>/": R(pk="organization"),
    "api/v1/users/": R(),
    "api/v1/users/<pk>/": R(pk="user"),
    "api/v1/domains/": R(),
    "api/v1/domains/<pk>/": R(pk="domain"),
    "api/v1/plans/": R(),
    "api/v1/plans/<pk>/": R(pk="plan"),
    "api/v1/systems/": R(),
    "api/v1/systems/<pk>/": R(pk="system"),
    "api/v1/data-resources/": R(),
    "api/v1/data-resources/<pk>/": R(pk="data_resource"),
    # the API: projects
    "api/v1/projects/": R(),
    "api/v1/projects/<pk>/": R(pk="project"),
    "api/v1/projects/<pk>/accept/": R(pk="project"),
    "api/v1/projects/<pk>/approve/": R(pk="proposal"),
    "api/v1/projects/<pk>/changes/": R(pk="project"),
    "api/v1/projects/<pk>/fail-acceptance/": R(pk="project"),
    "api/v1/projects/<pk>/history/": R(pk="project"),
    "api/v1/projects/<pk>/prereview/": R(pk="proposal"),
    "api/v1/projects/<pk>/prereview/overrides/": R(pk="proposal"),
    "api/v1/projects/<pk>/prereview/rescore/": R(pk="proposal"),
    "api/v1/projects/<pk>/reject/": R(pk="proposal"),
    "api/v1/projects/<pk>/request-acceptance/": R(pk="project"),
    "api/v1/projects/<pk>/return/": R(pk="proposal"),
    "api/v1/projects/<pk>/start/": R(pk="project"),
    "api/v1/projects/<pk>/start-review/": R(pk="proposal"),
    "api/v1/projects/<pk>/submit/": R(pk="proposal"),
    "api/v1/projects/<pk>/terminate/": R(pk="project"),
    "api/v1/milestones/": R(),
    "api/v1/milestones/<pk>/": R(pk="milestone"),
    "api/v1/attachments/": R(),
    "api/v1/attachments/<pk>/": R(pk="attachment"),
    "api/v1/attachments/<pk>/download/": R(pk="attachment"),
    "api/v1/gate-records/": R(),
    "api/v1/gate-records/<pk>/": R(pk="gate"),
    "api/v1/review-rules/": R(),
    "api/v1/review-rules/facts/": R(),
    "api/v1/review-rules/<pk>/": R(pk="rule"),
    "api/v1/review-rules/<pk>/versions/": R(pk="rule"),
    "api/v1/reviews/": R(),
    "api/v1/reviews/<pk>/": R(pk="review"),
    "api/v1/reviews/<pk>/submit/": R(pk="review"),
    # the API: tasks
    "api/v1/tasks/": R(),
    "api/v1/tasks/board/": R(),
    "api/v1/tasks/ranking/": R(),
    "api/v1/tasks/<pk>/": R(pk="task"),
    "api/v1/tasks/<pk>/acknowledge/": R(pk="task"),
    "api/v1/tasks/<pk>/finish/": R(pk="task"),
    "api/v1/tasks/<pk>/history/": R(pk="task"),
    "api/v1/tasks/<pk>/reports/": R(pk="task"),
    "api/v1/tasks/<pk>/resume/": R(pk="task"),
    "api/v1/tasks/<pk>/send-back/": R(pk="task"),
    "api/v1/tasks/<pk>/start/": R(pk="task"),
    "api/v1/tasks/<pk>/suspend/": R(pk="task"),
    "api/v1/tasks/<pk>/verify/": R(pk="task"),
    "api/v1/warnings/": R(),
    "api/v1/warnings/<pk>/": R(pk="warning"),
    "api/v1/notices/": R(),
    "api/v1/notices/<pk>/": R(pk="notice"),
    "api/v1/notices/<pk>/close/": R(pk="notice"),
    "api/v1/notices/<pk>/escalate/": R(pk="notice"),
    "api/v1/notices/<pk>/reply/": R(pk="notice"),
    # the API: outcomes and budget
    "api/v1/indicators/": R(),
    "api/v1/indicators/<pk>/": R(pk="indicator"),
    "api/v1/tickets/": R(),
    "api/v1/tickets/upload/": R(),
    "api/v1/tickets/<pk>/": R(pk="ticket"),
    "api/v1/ratings/": R(),
    "api/v1/ratings/upload/": R(),
    "api/v1/ratings/<pk>/": R(pk="rating"),
    "api/v1/spending/": R(),
    "api/v1/spending/upload/": R(),
    "api/v1/spending/<pk>/": R(pk="spending"),
    "api/v1/measurements/": R(),
    "api/v1/measurements/upload/": R(),
    "api/v1/measurements/<pk>/": R(pk="measurement"),
    "api/v1/rectifications/": R(),
    "api/v1/rectifications/<pk>/": R(pk="rectification"),
    "api/v1/rectifications/<pk>/close/": R(pk="rectification"),
    "api/v1/evaluations/": R(),
    "api/v1/evaluations/recompute/": R(),
    "api/v1/evaluations/<pk>/": R(pk="evaluation"),
    "api/v1/budget-requests/": R(),
    "api/v1/budget-requests/<pk>/": R(pk="budget_request"),
    "api/v1/budget/<year>/": R(year=2026),
    "api/v1/budget/<year>/adjust/": R(year=2026),
    "api/v1/budget/<year>/policy/": R(year=2026),
    "api/v1/budget/<year>/simulate/": R(year=2026),
    "api/v1/budget/<year>/close/": R(year=2026, last=True),  # closes the year: after the rest
    # pages: projects and pre-review
    "projects/": R(),
    "projects/queue/": R(),
    "projects/new/": R(),
    "projects/<int:pk>/": R(pk="project"),
    "projects/<int:pk>/edit/": R(pk="proposal"),
    "projects/<int:pk>/delete/": R(pk="proposal"),
    "projects/<int:pk>/actions/<slug:action>/": R(pk="project", action="start"),
    "projects/<int:pk>/milestones/new/": R(pk="project"),
    "projects/<int:pk>/milestones/<int:milestone_pk>/edit/": R(pk="project", milestone_pk="milestone"),
    "projects/<int:pk>/milestones/<int:milestone_pk>/delete/": R(pk="project", milestone_pk="milestone"),
    "projects/<int:pk>/attachments/": R(pk="project"),
    "projects/<int:pk>/attachments/<int:attachment_pk>/download/": R(pk="project", attachment_pk="attachment"),
    "projects/<int:pk>/attachments/<int:attachment_pk>/delete/": R(pk="project", attachment_pk="attachment"),
    "projects/prereview/": R(),
    "projects/<int:pk>/prereview/": R(pk="proposal"),
    "projects/<int:pk>/prereview/rescore/": R(pk="proposal"),
    "projects/<int:pk>/prereview/reviewers/": R(pk="proposal"),
    "projects/<int:pk>/prereview/red-lines/<int:rule_pk>/override/": R(pk="proposal", rule_pk="rule"),
    "projects/reviews/": R(),
    "projects/reviews/<int:review_pk>/": R(review_pk="review"),
    "projects/reviews/<int:review_pk>/withdraw/": R(review_pk="review"),
    "projects/review-rules/": R(),
    "projects/review-rules/new/": R(),
    "projects/review-rules/<int:rule_pk>/": R(rule_pk="rule"),
    "projects/review-rules/<int:rule_pk>/active/": R(rule_pk="rule"),
    # pages: tasks
    "tasks/": R(filters=["project"]),
    "tasks/export.xlsx": R(filters=["project"]),
    "tasks/new/": R(),
    "tasks/board/": R(filters=["project"]),
    "tasks/board/chart.json": R(filters=["project"]),
    "tasks/board/export.xlsx": R(filters=["project"]),
    "tasks/ranking/": R(),
    "tasks/ranking/export.xlsx": R(),
    "tasks/notices/": R(filters=["task"]),
    "tasks/notices/<int:pk>/<str:step>/": R(pk="notice", step="reply"),
    "tasks/import/": R(),
    "tasks/import/<int:pk>/": R(pk="task_import"),
    "tasks/evidence/<int:pk>/": R(pk="evidence"),
    "tasks/<int:pk>/": R(pk="task"),
    "tasks/<int:pk>/edit/": R(pk="task"),
    "tasks/<int:pk>/report/": R(pk="task"),
    "tasks/<int:pk>/notices/new/": R(pk="task"),
    "tasks/<int:pk>/<str:action>/": R(pk="task", action="acknowledge"),
    # pages: outcomes and budget
    "evaluation/": R(),
    "evaluation/projects/<int:pk>/": R(pk="operating"),
    "evaluation/projects/<int:pk>/budget-request/": R(pk="operating"),
    "evaluation/upload/": R(),
    "evaluation/rectifications/": R(filters=["project"]),
    "evaluation/rectifications/<int:pk>/close/": R(pk="rectification"),
    "evaluation/evaluations/": R(filters=["project"]),
    "evaluation/evaluations/recompute/": R(),
    "evaluation/budget/": R(),
    "evaluation/budget/<int:year>/": R(year=2026),
    "evaluation/budget/<int:year>/simulate/": R(year=2026),
    "evaluation/budget/<int:year>/policy/": R(year=2026),
    "evaluation/budget/<int:year>/adjust/<int:project>/": R(year=2026, project="operating"),
    "evaluation/indicators/": R(),
    "evaluation/indicators/new/": R(),
    "evaluation/indicators/<int:pk>/": R(pk="indicator"),
}


# --- the URLconf and the schema --------------------------------------------------------------


def _normalize(pattern: str) -> str:
    """A router's regex as the route it serves: ``^projects/(?P<pk>[^/.]+)/$`` → ``projects/<pk>/``."""
    pattern = pattern.replace("^", "").replace("$", "").replace("\\.", ".")
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", pattern)


def urlconf_routes() -> set[str]:
    """Every route the URLconf serves (the admin as one: Django's own, staff only)."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    found.add(prefix + str(pattern.pattern))
                else:
                    walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = _normalize(prefix + str(pattern.pattern))
                if not re.search(r"<(\w+:)?format>", route):  # DRF's ".json" twins of the same views
                    found.add(route)

    walk(get_resolver().url_patterns, "")
    return found


def canonical(route: str) -> str:
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", route.lstrip("/"))


def schema_operations(client) -> dict[str, dict]:
    """``{canonical route: {method: operation}}`` from the live schema."""
    schema = client.get("/api/v1/schema/?format=json").json()
    operations = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                operations.setdefault(canonical(path), {})[method.upper()] = operation
    return schema, operations


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def query_filters(operation) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query" and p["name"] in ROW_PARAMETERS]


def body_rows(schema, operation) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    body = _resolve(schema, next(iter(content.values()), {}).get("schema", {}))
    return [name for name in body.get("properties", {}) if name in ROW_PARAMETERS]


# --- the world ---------------------------------------------------------------------------------


# What each bureau builds: different enough that the duplicate check passes every approval.
WORK = {
    "transport": (
        "采集公交车辆位置，预测到站时间。",
        "公交车辆定位\n到站时间预测",
        "治理占道停车。",
        "泊位感知\n违停抓拍",
    ),
    "health": ("汇聚居民电子健康档案。", "健康档案调阅\n检验结果互认", "统筹急救资源。", "急救调度\n院前院内衔接"),
}


def _bureau(key, org, owner, *, plan, manager, supervisor, reviewer, indicator):
    mark = MARK[key]
    rows = {}
    work = WORK[key]
    project = pf.project(
        org,
        plan,
        stage=Stage.PREREVIEW,
        name=f"{mark}项目",
        code=f"{key[:2]}-P",
        created_by=owner,
        description=work[0],
        functions=work[1],
    )
    pf.expert_review(project, manager=manager, reviewer=factories.user(Role.REVIEWER, name=f"{mark}专家"))
    project = project_services.transition(
        project, "approve", by=manager, approved_budget="800000", approval_number=f"{mark}批复"
    ).project
    rows["project"] = project
    rows["gate"] = project.gate_records.get()
    rows["milestone"] = pf.milestone(project, name=f"{mark}里程碑")
    rows["attachment"] = pf.attachment(project, owner, name=f"{mark}附件.pdf")

    proposal = pf.project(
        org,
        plan,
        stage=Stage.SUBMITTED,
        name=f"{mark}待审项目",
        code=f"{key[:2]}-Q",
        description=work[2],
        functions=work[3],
    )
    proposal = project_services.transition(proposal, "start_review", by=manager).project
    rows["proposal"] = proposal
    rows["review"] = prereview_services.assign_reviewer(
        proposal, reviewer if key == "transport" else factories.user(Role.REVIEWER, name=f"{mark}评审"), by=manager
    )

    task = task_factories.task(
        org, plan=plan, title=f"{mark}任务", due_in=-40, assigned_days_ago=60, status=Status.IN_PROGRESS
    )
    task.projects.add(project)
    report = task_services.file_report(
        task,
        by=owner,
        period="2026-05",
        text=f"{mark}进展",
        percent=30,
        files=[SimpleUploadedFile(f"{mark}佐证.pdf", tiny_pdf("evidence"), content_type="application/pdf")],
    )
    rows["task"], rows["evidence"] = task, report.evidence.get()
    rows["notice"] = task_services.issue_notice(
        task, by=supervisor, requirement=f"{mark}督办要求", reply_due=timezone.localdate() + timedelta(days=7)
    )

    operating = outcome.project(org, plan=plan, name=f"{mark}运营项目")
    rows["operating"] = operating
    rows["rating"] = outcome.ratings(operating, [5, 4, 1])[-1]
    rows["ticket"] = outcome.tickets(operating, 3, 2)[0]
    rows["spending"] = outcome.spending(operating, "1000.00")
    rows["measurement"] = outcome.measurement(operating, indicator, 50)
    rating = rows["rating"]
    rows["rectification"] = operating.rectifications.create(
        rating=rating,
        org=org,
        rated_at=rating.rated_at,
        period=rating.rated_at.year,
        opened_at=rating.rated_at,
        due_date=rating.rated_at.date(),
    )
    rows["budget_request"] = outcome.budget_request(operating, "1000.00", by=owner)

    rows["system"] = factories.system(org, name=f"{mark}系统")
    rows["data_resource"] = DataResource.objects.create(
        name=f"{mark}数据", org=org, domain=factories.domain(), system=rows["system"]
    )
    rows["user"] = factories.user(Role.OWNER, organization_=org, name=f"{mark}用户")
    rows["notification"] = Notification.objects.create(recipient=owner, kind="matrix", title=f"{mark}通知")
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + "0" * 36
    rows["channel"] = Channel.objects.create(
        kind="wecom", name=f"{mark}工作群", organization=org, url_sealed=seal(url), url_hint=hint(url), created_by=owner
    )
    return rows


@pytest.fixture
def world(owner, other_owner, reviewer, manager, supervisor, finance, transport_bureau, health_bureau, city):
    from evaluation.services import evaluate_period
    from projects.prereview.models import ReviewRule

    plan = factories.plan(city)
    indicator = outcome.indicator("matrix_calls", name="调用量")
    common = {"plan": plan, "manager": manager, "supervisor": supervisor, "reviewer": reviewer, "indicator": indicator}
    bureaus = {
        "transport": _bureau("transport", transport_bureau, owner, **common),
        "health": _bureau("health", health_bureau, other_owner, **common),
    }
    run_scan()
    evaluate_period(2025)
    sheet = (Path(__file__).parent / "data" / "task_list_messy.xlsx").read_bytes()
    upload = task_services.receive_import(
        SimpleUploadedFile("任务分工表.xlsx", sheet, content_type=XLSX), plan=plan, year=2026, by=manager
    )
    from portfolio.models import AuditEvent
    from tasks.bulletin import generate_bulletin  # tasks, not the core: imported where it is used

    region_rows = {"audit": AuditEvent.objects.order_by("pk").first(), "bulletin": generate_bulletin(date(2026, 1, 1))}
    reference = {
        "region": city,
        "organization": transport_bureau,
        "domain": plan.domains.first(),
        "plan": plan,
        "indicator": indicator,
        "rule": ReviewRule.objects.order_by("pk").first(),
    }
    for key, rows in bureaus.items():
        rows["warning"] = rows["task"].warnings.filter(closed_at__isnull=True).first()
        rows["evaluation"] = rows["operating"].evaluations.get()
        rows["task_import"] = upload
        rows.update(reference)
        rows.update(region_rows)
        assert set(rows) == KINDS | REFERENCE | REGION_ROWS, key
        assert all(rows.values()), key
    return {key: {kind: row.pk for kind, row in rows.items()} for key, rows in bureaus.items()}


# --- probing -----------------------------------------------------------------------------------


@dataclass
class Tally:
    requests: int = 0
    cross_bureau: int = 0  # answers checked for another bureau's mark
    pairs: int = 0  # another bureau's ids against ids that do not exist
    problems: list = field(default_factory=list)

    def fail(self, message):
        self.problems.append(message)


def fill(route: str, spec: Route, ids: dict | None) -> str:
    """The concrete path: each parameter from ``ids`` (None: ids that do not exist)."""
    path = route
    for name, value in spec.params.items():
        if isinstance(value, str) and (value in KINDS or value in REFERENCE or value in REGION_ROWS):
            value = MISSING if ids is None else ids[value]
        path = re.sub(rf"<(\w+:)?{name}>", str(value), path)
    assert "<" not in path, path
    return "/" + path


def body_text(response) -> str:
    """What a person would read in the answer: the text, or every cell of a workbook."""
    content_type = response.get("Content-Type", "")
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith(XLSX):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for value in row
        )
    return raw.decode("utf-8", errors="replace") + response.get("Location", "")


def answer(response, ids_used) -> tuple:
    """Status and, for JSON, the body with the ids that were used replaced: the comparable part."""
    text = body_text(response)
    if response.get("Content-Type", "").startswith("application/json"):
        for pk in ids_used:  # as messages quote an id ("无效主键 “7”"), not a row number (第 1 行)
            text = re.sub(rf"(?<=[\"“'‘]){pk}(?=[\"”'’])", "ID", text)
        return response.status_code, text
    return response.status_code, response.get("Location", "").replace(str(MISSING), "ID")


class Prober:
    def __init__(self, client, role, tally, forbidden_mark):
        self.client, self.role, self.tally, self.mark = client, role, tally, forbidden_mark

    def send(self, method, path, data=None, *, api):
        self.tally.requests += 1
        kwargs = {}
        if method in {"POST", "PUT", "PATCH"}:
            if api:
                kwargs = {"data": json.dumps(data or {}), "content_type": "application/json"}
            else:
                kwargs = {"data": data or {}}
        response = getattr(self.client, method.lower())(path, **kwargs)
        where = f"{self.role} {method} {path}"
        if response.status_code >= 500:
            self.tally.fail(f"{where}: server error {response.status_code}")
        if self.mark:
            self.tally.cross_bureau += 1
            if self.mark in body_text(response):
                self.tally.fail(f"{where}: shows {self.mark} (another bureau's rows)")
        return response

    def same_as_missing(self, method, foreign_path, missing_path, *, api, foreign_body=None, missing_body=None, ids):
        """The answer for another bureau's ids must be the answer for ids that do not exist."""
        self.tally.pairs += 1
        foreign = self.send(method, foreign_path, foreign_body, api=api)
        missing = self.send(method, missing_path, missing_body, api=api)
        if 200 <= foreign.status_code < 300 and method != "GET":
            self.tally.fail(
                f"{self.role} {method} {foreign_path}: another bureau's row accepted ({foreign.status_code})"
            )
        if answer(foreign, ids) != answer(missing, [MISSING]):
            self.tally.fail(
                f"{self.role} {method} {foreign_path}: {answer(foreign, ids)} for another bureau's ids but "
                f"{answer(missing, [MISSING])} for ids that do not exist"
            )


def _methods(route, operations):
    if route.startswith("api/"):
        return sorted(operations.get(canonical(route), {"GET": {}}))
    return ["GET", "POST"]


def _ids_in(spec, ids):
    return [ids[v] for v in spec.params.values() if isinstance(v, str) and v in KINDS]


def probe_role(role, client, world, schema, operations, tally):
    foreign_key = FOREIGN.get(role)
    own_key = "health" if role == "other_owner" else "transport"
    own, foreign = world[own_key], world.get(foreign_key) if foreign_key else None
    prober = Prober(client, role, tally, MARK[foreign_key] if foreign_key else None)
    ordered = sorted(MATRIX.items(), key=lambda item: item[1].last)
    for route, spec in ordered:
        api = route.startswith("api/")
        methods = _methods(route, operations)
        own_path = fill(route, spec, own)
        if spec.last:
            for method in methods:
                prober.send(method, own_path, api=api)
            continue
        # Reads of what the role may see, the choice lists, the browsable forms, exports.
        if "GET" in methods:
            response = prober.send("GET", own_path, api=api)
            sees_it = not set(spec.params.values()) & NOT_REGION_WIDE or role == "manager"
            if role in REGION_WIDE and sees_it and response.status_code == 404 and _ids_in(spec, own):
                tally.fail(f"{role} GET {own_path}: 404 for a row the role sees (the world is wrong)")
            if api:
                prober.send("GET", own_path + "?format=api", api=api)
        if api:
            options = prober.send("OPTIONS", own_path, api=api)
            if "json" not in options.get("Content-Type", "") and route != "api/v1/schema/":
                tally.fail(f"{role} OPTIONS {own_path}: not JSON")  # (the schema answers in its own types)
        # Another bureau's ids, in the path, the body and the filters, against ids that do not exist.
        operation_methods = operations.get(canonical(route), {})
        for method in methods:
            rows = body_rows(schema, operation_methods.get(method, {})) if api else []
            if foreign is not None:
                foreign_body = {name: _row_value(name, foreign) for name in rows}
                missing_body = {name: _row_value(name, None) for name in rows}
                ids = _ids_in(spec, foreign) + [foreign[ROW_PARAMETERS[name]] for name in rows]
                if ids:
                    prober.same_as_missing(
                        method,
                        fill(route, spec, foreign),
                        fill(route, spec, None),
                        api=api,
                        foreign_body=foreign_body,
                        missing_body=missing_body,
                        ids=ids,
                    )
            elif method != "GET" and _ids_in(spec, own):
                # The region-wide roles write only to rows that do not exist (the world stays).
                response = prober.send(method, fill(route, spec, None), api=api)
                if response.status_code not in {403, 404, 405}:
                    tally.fail(f"{role} {method} {fill(route, spec, None)}: {response.status_code} for a missing row")
        filters = query_filters(operation_methods.get("GET", {})) if api else list(spec.filters)
        for name in filters:
            if foreign is not None:
                pk = foreign[ROW_PARAMETERS[name]]
                prober.same_as_missing(
                    "GET", f"{own_path}?{name}={pk}", f"{own_path}?{name}={MISSING}", api=api, ids=[pk]
                )
            else:
                prober.send("GET", f"{own_path}?{name}={own[ROW_PARAMETERS[name]]}", api=api)
        if route == "api/v1/budget/<year>/":
            for export in ("xlsx", "csv"):
                prober.send("GET", f"{own_path}?format={export}", api=api)


def _row_value(name, ids):
    pk = MISSING if ids is None else ids[ROW_PARAMETERS[name]]
    return [pk] if name.endswith("s") else pk


def probe_anonymous(client, world, operations, tally):
    for route, spec in MATRIX.items():
        api = route.startswith("api/")
        path = fill(route, spec, world["transport"])
        for method in [*_methods(route, operations), *(["OPTIONS"] if api else [])]:
            tally.requests += 1
            response = getattr(client, method.lower())(path)
            where = f"anonymous {method} {path}"
            if response.status_code >= 500:
                tally.fail(f"{where}: server error {response.status_code}")
            elif spec.public:
                continue
            elif api and method != "OPTIONS" and response.status_code not in {401, 403}:
                tally.fail(f"{where}: {response.status_code}, not 401")
            elif not api and not (response.status_code == 302 and response.get("Location", "").startswith(spec.login)):
                tally.fail(f"{where}: {response.status_code}, not the sign-in page")
            for mark in MARK.values():
                if mark in body_text(response):
                    tally.fail(f"{where}: shows {mark}")


# --- the tests ---------------------------------------------------------------------------------


def test_every_route_and_every_schema_operation_is_in_the_matrix(client, manager):
    client.force_login(manager)
    _schema, operations = schema_operations(client)
    routes = urlconf_routes()
    assert sorted(routes - set(MATRIX)) == [], "routes of the URLconf missing from MATRIX"
    assert sorted(set(MATRIX) - routes) == [], "MATRIX names routes the URLconf no longer has"
    matrix = {canonical(route) for route in MATRIX}
    assert sorted(set(operations) - matrix) == [], "schema operations missing from MATRIX"
    for route, spec in MATRIX.items():
        for name in re.findall(r"<(?:\w+:)?(\w+)>", route):
            assert name in spec.params, f"{route}: MATRIX does not say how to fill <{name}>"


@pytest.mark.parametrize("role", ["owner", "other_owner", "reviewer", *REGION_WIDE])
def test_the_matrix_for_each_role(request, role, world, client):
    user = request.getfixturevalue(role)
    client.force_login(user)
    schema, operations = schema_operations(client)
    tally = Tally()
    probe_role(role, client, world, schema, operations, tally)
    print(
        f"{role}: {tally.requests} requests, {tally.cross_bureau} checked against another bureau's rows, "
        f"{tally.pairs} pairs of another bureau's ids against missing ones"
    )
    assert not tally.problems, f"{len(tally.problems)} problems:\n" + "\n".join(tally.problems)
    if role in FOREIGN:
        assert tally.cross_bureau > 300  # the matrix cannot pass by probing nothing


def test_the_matrix_for_an_anonymous_caller(world, manager):
    signed_in = Client()
    signed_in.force_login(manager)
    _schema, operations = schema_operations(signed_in)
    tally = Tally()
    probe_anonymous(Client(), world, operations, tally)
    print(f"anonymous: {tally.requests} requests")
    assert not tally.problems, f"{len(tally.problems)} problems:\n" + "\n".join(tally.problems)
