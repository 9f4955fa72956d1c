"""Computed status: each rule, its reasons, the thresholds as data; baselines and variance."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cockpit import selectors
from cockpit.models import StatusRule
from cockpit.status import Facts, compute
from projects import services
from projects.lifecycle import Stage
from projects.models import GateRecord, Milestone
from tasks.models import TaskWarning
from tests.cockpit.conftest import grade, spend
from tests.projects import factories as project_factories
from tests.tasks import factories as task_factories


def rules():
    return list(StatusRule.objects.filter(active=True))


@pytest.mark.parametrize(
    ("facts", "light", "rule"),
    [
        (Facts(schedule_days=14), "green", None),
        (Facts(schedule_days=15, worst_milestone="上线"), "yellow", "schedule_days"),
        (Facts(schedule_days=30, worst_milestone="上线"), "red", "schedule_days"),
        (Facts(schedule_share=Decimal("12.0"), worst_milestone="上线"), "yellow", "schedule_share"),
        (Facts(schedule_share=Decimal("20.0"), worst_milestone="上线"), "red", "schedule_share"),
        (Facts(overdue_milestones=1), "yellow", "overdue_milestones"),
        (Facts(overdue_milestones=2), "red", "overdue_milestones"),
        (Facts(red_warnings=1), "red", "red_warnings"),
        (Facts(elapsed=Decimal(60), execution=Decimal(25)), "yellow", "execution_behind"),
        (Facts(elapsed=Decimal(80), execution=Decimal(20)), "red", "execution_behind"),
        (Facts(elapsed=Decimal(80), execution=None), "green", None),
        (Facts(grade="D"), "red", "grade_d"),
        (Facts(grade="C"), "green", None),
    ],
)
def test_each_rule_gives_its_light_and_says_why(db, facts, light, rule):
    status = compute(facts, rules())
    assert status.light == light
    assert [r["rule"] for r in status.reasons] == ([rule] if rule else [])
    if rule:
        assert status.reasons[0]["text"]  # a sentence, in the site language


def test_the_worst_light_wins_and_every_fired_rule_is_a_reason(db):
    status = compute(Facts(overdue_milestones=1, red_warnings=2, worst_milestone="上线"), rules())
    assert status.light == "red"
    assert [(r["rule"], r["light"]) for r in status.reasons] == [
        ("overdue_milestones", "yellow"),
        ("red_warnings", "red"),
    ]


def test_thresholds_are_data_the_office_can_change(db):
    assert compute(Facts(schedule_days=20), rules()).light == "yellow"
    StatusRule.objects.filter(kind="schedule_days", light="red").update(threshold=Decimal(20))
    assert compute(Facts(schedule_days=20), rules()).light == "red"
    StatusRule.objects.filter(kind="schedule_days").update(active=False)
    assert compute(Facts(schedule_days=200), rules()).light == "green"


# --- against the database ------------------------------------------------------------------


def status_of(project):
    return selectors.project_status(project)


def test_baseline_is_frozen_at_approval_and_variance_measured_after_milestones_move(owner, manager, plan):
    draft = project_factories.draft(owner, plan, budget_requested=Decimal("250000"))  # below the review red line
    services.add_milestone(draft, by=owner, name="招标采购", planned_date=datetime.date(2025, 5, 1), order=1)
    services.add_milestone(draft, by=owner, name="系统上线", planned_date=datetime.date(2025, 11, 1), order=2)
    services.transition(draft, "submit", by=owner)
    services.transition(draft, "start_review", by=manager)
    services.transition(draft, "approve", by=manager, approved_budget="200000", approval_number="临数批〔2025〕1号")
    gate = GateRecord.objects.get(project=draft, gate="approval")
    baseline = gate.snapshot["baseline"]
    assert baseline["approved_budget"] == "200000.00"
    assert [(m["name"], m["planned_date"]) for m in baseline["milestones"]] == [
        ("招标采购", "2025-05-01"),
        ("系统上线", "2025-11-01"),
    ]
    services.transition(draft, "start", by=owner)
    launch = Milestone.objects.get(project=draft, name="系统上线")
    # The owner moves the plan and forecasts later still: the baseline stays where approval put it.
    services.update_milestone(launch, by=owner, planned_date=datetime.date(2025, 11, 20))
    services.update_milestone(launch, by=owner, forecast_date=datetime.date(2025, 12, 6))
    launch.refresh_from_db()
    assert launch.baseline_date == datetime.date(2025, 11, 1)
    added = services.add_milestone(draft, by=owner, name="等保测评", planned_date=datetime.date(2025, 12, 1), order=3)
    status = status_of(draft)
    variance = {m["name"]: m for m in status.milestones}
    assert variance["系统上线"]["variance_days"] == 35
    # planned 2025-03-01 → 2025-12-31: 305 days; 35 of them is 11.5 %
    assert variance["系统上线"]["variance_share"] == Decimal("11.5")
    assert variance["等保测评"]["variance_days"] is None and added.baseline_date is None
    assert variance["招标采购"]["variance_days"] == 0
    assert GateRecord.objects.get(pk=gate.pk).snapshot == gate.snapshot  # never edited
    assert {r["rule"] for r in status.reasons} >= {"schedule_days", "schedule_share"}


def test_overdue_milestones_open_red_warnings_execution_and_grade_are_read(portfolio):
    bus = portfolio["bus"]
    today = timezone.localdate()
    for n in range(2):
        project_factories.milestone(bus, done=False, planned_date=today - datetime.timedelta(days=3 + n))
    status = status_of(bus)
    assert status.facts.overdue_milestones == 2 and status.computed == "red"

    street = portfolio["street"]
    task = task_factories.task(street.owner_org, plan=street.plan, due_in=-5, assigned_days_ago=40)
    task.projects.add(street)
    TaskWarning.objects.create(task=task, kind="overdue", opened_at=timezone.now())
    TaskWarning.objects.create(task=task, kind="due_soon", opened_at=timezone.now())  # yellow: not counted
    TaskWarning.objects.create(task=task, kind="severe", opened_at=timezone.now(), closed_at=timezone.now())
    status = status_of(street)
    assert status.facts.red_warnings == 1 and [r["rule"] for r in status.reasons] == ["red_warnings"]

    # bus: 50 % of its period gone; spending of 300,000 of 900,000 is 33.3 % — 16.7 points behind
    assert status_of(bus).facts.execution == Decimal("33.3")
    bus.milestones.all().delete()
    bus.planned_start = today - datetime.timedelta(days=190)
    bus.planned_end = today + datetime.timedelta(days=10)
    bus.save(update_fields=["planned_start", "planned_end"])
    status = status_of(bus)
    assert status.facts.elapsed == Decimal("95.0") and status.computed == "red"
    assert [r["rule"] for r in status.reasons] == ["execution_behind"]

    grade(street, "D")
    TaskWarning.objects.filter(task=task).update(closed_at=timezone.now())
    status = status_of(street)
    assert status.grade == "D" and [r["rule"] for r in status.reasons] == ["grade_d"]


def test_only_implementing_projects_get_a_computed_status(portfolio):
    spend(portfolio["clinic"], "1")
    assert status_of(portfolio["clinic"]).computed is None
    assert status_of(portfolio["portal"]).computed is None
    assert status_of(portfolio["street"]).computed == "green"


def test_status_api_explains_itself_and_hides_other_bureaus(api, owner, other_owner, portfolio):
    bus = portfolio["bus"]
    project_factories.milestone(
        bus, done=False, planned_date=timezone.localdate() - datetime.timedelta(days=1), baseline_date=None
    )
    body = api.as_(owner).get(f"/api/v1/projects/{bus.pk}/status/").json()
    assert body["computed"] == "yellow"
    assert body["computed_reasons"][0]["rule"] == "overdue_milestones"
    assert body["self_rated"] is None and body["optimistic"] is False
    assert api.as_(other_owner).get(f"/api/v1/projects/{bus.pk}/status/").status_code == 404
    assert api.as_(owner).get("/api/v1/projects/999999/status/").status_code == 404
    assert body["stage"] == Stage.IMPLEMENTING
