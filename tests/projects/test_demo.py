"""The demo city's projects: every stage, every domain, histories consistent with their stage."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from portfolio.models import Domain, InformationSystem
from projects.lifecycle import TRANSITIONS, Stage
from projects.models import GateRecord, Project

pytestmark = pytest.mark.django_db

# Proposals waiting for pre-review that rebuild (or partly overlap) an existing system, in other words.
REBUILDS = {
    "公交到站信息服务提升工程": "公交电子站牌与实时公交系统",
    "居民健康档案与诊疗信息共享平台": "临江市全民健康信息平台",
    "城市管理问题智能发现与处置系统": "城市运行管理服务平台",
    "易涝积水点实时监测与预警发布系统": "城市内涝监测预警系统",
}
PARTIAL = {
    "城市安全风险综合监测预警平台（一期）": "应急指挥一张图系统",
    "建筑工地安全与扬尘智慧监管（二期）": "智慧工地监管平台",
}


def test_demo_city_projects(tmp_path):
    """One seeding (it takes seconds), every property of the demo projects checked on it."""
    with open(tmp_path / "out.txt", "w") as out:
        call_command("seed_demo", password="Demo-Pass-2025", stdout=out)
    every_stage_and_domain()
    histories_consistent_with_their_stage()
    waiting_proposals_include_rebuilds_and_partial_overlaps()
    the_manager_and_owners_have_something_to_do()
    approvals_rested_on_reviews_or_recorded_overrides()
    the_pre_review_queue_shows_every_situation()
    every_rebuild_is_reported_as_a_duplicate_of_its_system()


def every_stage_and_domain():
    projects = Project.objects.all()
    assert 55 <= projects.count() <= 70
    stages = {p.stage for p in projects}
    assert stages == set(Stage)
    assert projects.filter(stage=Stage.ACCEPTED).count() >= 12
    assert {p.domain_id for p in projects} == set(Domain.objects.values_list("pk", flat=True))
    assert all(re.fullmatch(r"20\d\d-[\u4e00-\u9fff]+-\d{4}", p.code) for p in projects)


def histories_consistent_with_their_stage():
    now = timezone.now()
    for project in Project.objects.prefetch_related("transitions", "milestones", "attachments", "gate_records"):
        steps = list(project.transitions.all())
        stage = Stage.DRAFT
        last = project.created_at
        for step in steps:
            assert step.from_stage == stage, project.name
            assert step.to_stage == TRANSITIONS.target(stage, step.action), project.name
            assert last <= step.at <= now, project.name
            stage, last = step.to_stage, step.at
        assert stage == project.stage, project.name
        gates = {g.gate for g in project.gate_records.all()}
        approved = any(s.action == "approve" for s in steps)
        accepted = project.stage == Stage.ACCEPTED
        assert gates == ({"approval"} if approved else set()) | ({"acceptance"} if accepted else set()), project.name
        if project.stage != Stage.DRAFT:
            assert any(a.kind == "application" for a in project.attachments.all()), project.name
        if project.stage in {Stage.ACCEPTANCE, Stage.ACCEPTED}:
            assert project.milestones.all() and all(m.settled for m in project.milestones.all()), project.name
        if approved:
            assert project.approved_budget and project.approved_budget <= project.budget_requested, project.name


def waiting_proposals_include_rebuilds_and_partial_overlaps():
    for name, system_name in {**REBUILDS, **PARTIAL}.items():
        project = Project.objects.get(name=name)
        system = InformationSystem.objects.get(name=system_name)
        assert project.stage in {Stage.SUBMITTED, Stage.PREREVIEW}
        assert project.domain == system.domain or name in PARTIAL
        assert project.name != system.name and project.description != system.description
    assert GateRecord.objects.filter(gate="acceptance").count() >= 12


def the_manager_and_owners_have_something_to_do():
    from portfolio.models import User

    manager = User.objects.get(username="manager")
    assert manager.notifications.unread().exists()
    owner = User.objects.get(username="owner")
    assert Project.objects.visible_to(owner).filter(stage=Stage.RETURNED).exists()
    assert Project.objects.visible_to(owner).filter(stage=Stage.DRAFT).exists()


def approvals_rested_on_reviews_or_recorded_overrides():
    from projects.prereview.models import RedLineOverride

    for gate in GateRecord.objects.filter(gate="approval").select_related("project"):
        report = gate.prereview
        assert report is not None, gate.project.name
        assert not [line for line in report["red_lines"] if not line["overridden"]], gate.project.name
        overridden = [line for line in report["red_lines"] if line["overridden"]]
        assert report["review_summary"]["submitted"] or overridden, gate.project.name
        assert report["round"]["closed_at"] == gate.decided_at.isoformat(), gate.project.name
    assert RedLineOverride.objects.filter(prereview__closed_at__isnull=False).exists()  # frozen in a gate record
    assert RedLineOverride.objects.filter(prereview__closed_at__isnull=True).exists()  # and one in the queue now
    assert all(len(o.reason) >= 10 for o in RedLineOverride.objects.all())


def the_pre_review_queue_shows_every_situation():
    from projects.prereview.models import PreReview

    open_rounds = PreReview.objects.open()
    assert open_rounds.count() == Project.objects.filter(stage=Stage.PREREVIEW).count()
    assert set(open_rounds.values_list("recommendation", flat=True)) == {
        "reject",
        "return",
        "approve_with_cut",
        "approve",
    }
    assert open_rounds.filter(red_lines_standing__gt=0, recommendation="approve").exists()  # waits for a review
    assert all(r.opened_at < timezone.now() for r in open_rounds)


def every_rebuild_is_reported_as_a_duplicate_of_its_system():
    from django.test import Client

    from portfolio.models import User
    from projects import services
    from projects.prereview import selectors

    manager = User.objects.get(username="manager")
    client = Client()
    client.force_login(manager)
    for name, system_name in REBUILDS.items():
        project = Project.objects.get(name=name)
        if project.stage == Stage.SUBMITTED:
            services.transition(project, "start_review", by=manager)
        _round, report = selectors.report_of(project)
        main = report["duplicate"]["main_match"]
        assert (report["duplicate"]["verdict"], main["kind"], main["name"]) == ("duplicate", "system", system_name)
        assert report["recommendation"]["action"] == "reject", name
        html = client.get(f"/projects/{project.pk}/prereview/").content.decode()
        org = InformationSystem.objects.get(name=system_name).org.name
        assert f"与信息系统“{system_name}”（{org}）重复建设" in html, name
