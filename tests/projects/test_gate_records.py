"""Gate records: what approval and acceptance rested on, frozen and never edited."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import services
from projects.lifecycle import AttachmentKind, Stage
from projects.models import GateRecord
from tests.projects import factories as pf

pytestmark = pytest.mark.django_db


def approve(project, manager):
    if not project.expert_reviews.exists():
        pf.expert_review(project, manager=manager)  # the red line on budgets of 300,000 yuan or more
    return services.transition(
        project,
        "approve",
        by=manager,
        comment="同意立项",
        approved_budget="800000",
        approval_number="临数批〔2025〕7号",
    )


def test_approval_freezes_the_fields_budget_and_attachments_with_checksums(make_project, owner, manager):
    project = make_project(Stage.PREREVIEW, budget_requested=Decimal("1000000"))
    application = pf.attachment(project, owner, kind=AttachmentKind.APPLICATION)
    record = approve(project, manager)
    gate = GateRecord.objects.get(project=project)
    assert (gate.gate, gate.transition, gate.decided_by) == ("approval", record, manager)
    assert gate.approved_budget == Decimal("800000.00")
    assert gate.conclusion == "同意立项"
    assert gate.prereview["recommendation"]["action"] == "approve"
    assert gate.prereview["review_summary"]["submitted"] == 1
    assert gate.prereview["round"]["outcome"] == "approve" and gate.prereview["round"]["closed_at"]
    assert gate.snapshot["project"]["budget_requested"] == "1000000.00"
    assert gate.snapshot["project"]["approved_budget"] == "800000.00"
    assert gate.snapshot["project"]["approval_number"] == "临数批〔2025〕7号"
    assert gate.snapshot["attachments"] == [application.as_listed()]
    assert gate.snapshot["attachments"][0]["sha256"] == application.sha256


def test_a_gate_record_is_never_changed_nor_deleted(make_project, manager):
    project = make_project(Stage.PREREVIEW)
    approve(project, manager)
    gate = GateRecord.objects.get()
    gate.conclusion = "改写"
    with pytest.raises(ValidationError):
        gate.save()
    with pytest.raises(ValidationError):
        gate.delete()
    assert GateRecord.objects.get().conclusion == "同意立项"


def test_later_edits_do_not_touch_the_frozen_record(make_project, owner, manager):
    project = make_project(Stage.PREREVIEW)
    approve(project, manager)
    services.transition(project, "start", by=owner)
    services.add_attachment(project, by=owner, kind=AttachmentKind.ACCEPTANCE, file=pf.pdf("验收报告.pdf"))
    gate = GateRecord.objects.get()
    assert gate.snapshot["attachments"] == []
    assert project.attachments.count() == 1


def test_acceptance_freezes_the_milestones_and_the_conclusion(make_project, owner, manager):
    project = make_project(Stage.ACCEPTANCE)
    pf.milestone(project, name="系统上线", done=True)
    pf.milestone(project, name="培训", done=False, explanation="与运维合同合并开展")
    report = pf.attachment(project, owner, kind=AttachmentKind.ACCEPTANCE, name="验收报告.pdf")
    services.transition(project, "accept", by=manager, comment="运行稳定，同意通过验收。")
    gate = GateRecord.objects.get(gate="acceptance")
    assert gate.conclusion == "运行稳定，同意通过验收。"
    assert [m["name"] for m in gate.snapshot["milestones"]] == ["系统上线", "培训"]
    assert gate.snapshot["milestones"][1]["explanation"] == "与运维合同合并开展"
    assert gate.snapshot["attachments"] == [report.as_listed()]
    assert gate.approved_budget == project.approved_budget


def test_the_project_page_shows_the_gate_record(client, make_project, manager):
    project = make_project(Stage.PREREVIEW)
    approve(project, manager)
    client.force_login(manager)
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="gate-approval"' in html and "800,000.00 元" in html
    frozen = html.split('data-testid="gate-prereview"')[1].split("</dd>")[0]
    assert "立项" in frozen and "1 份专家评审" in frozen and "未记录预审结果" not in html
