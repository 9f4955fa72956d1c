"""Red lines block approval until resolved or overridden by a manager with a written reason, and the
override is recorded (who, when, why) and frozen in the approval gate record."""

from decimal import Decimal

import pytest

from projects import services
from projects.lifecycle import Stage
from projects.models import GateRecord, TransitionRecord
from projects.prereview.models import PreReview, RedLineOverride, ReviewRule
from tests.projects import factories as pf

pytestmark = pytest.mark.django_db

APPROVE = {"approved_budget": "150000", "approval_number": "临数批〔2025〕8号"}


def rule(name) -> ReviewRule:
    return ReviewRule.objects.get(versions__name=name)


def approve(api, manager, project):
    return api.as_(manager).post(f"/api/v1/projects/{project.pk}/approve/", APPROVE, format="json")


def test_approve_is_refused_while_a_red_line_stands_and_says_which(api, manager, in_review):
    project = in_review(has_mobile_app=True, budget_requested=Decimal("200000.00"))
    response = approve(api, manager, project)
    assert response.status_code == 400
    message = response.json()["red_lines"][0]
    assert "红线“建设独立移动App”尚未解除" in message and "书面说明理由解除" in message
    project.refresh_from_db()
    assert project.stage == Stage.PREREVIEW
    assert not TransitionRecord.objects.filter(project=project, action="approve").exists()
    assert PreReview.objects.get(project=project).is_open


def test_budget_of_300000_or_more_needs_an_expert_review(api, manager, in_review):
    project = in_review(budget_requested=Decimal("300000.00"))
    refused = approve(api, manager, project)
    assert refused.status_code == 400 and "预算30万元及以上须经专家评审" in refused.json()["red_lines"][0]
    cheaper = in_review(
        budget_requested=Decimal("299999.99"), name="校园食堂明厨亮灶", functions="后厨视频接入\n食品留样登记"
    )
    assert approve(api, manager, cheaper).status_code == 200
    pf.expert_review(project, manager=manager)
    assert approve(api, manager, project).status_code == 200


def test_an_override_is_recorded_and_then_approval_goes_through(api, manager, in_review):
    project = in_review(warranty_months=6, budget_requested=Decimal("200000.00"))
    short = rule("质保期少于12个月")
    url = f"/api/v1/projects/{project.pk}/prereview/overrides/"
    response = api.as_(manager).post(url, {"rule": short.pk, "reason": "厂商承诺延保至24个月，已写入合同条款。"})
    assert response.status_code == 200, response.json()
    line = next(line for line in response.json()["red_lines"] if line["rule"] == short.pk)
    assert (line["overridden"], line["overridden_by_name"], line["reason"]) == (
        True,
        "陈静",
        "厂商承诺延保至24个月，已写入合同条款。",
    )
    override = RedLineOverride.objects.get()
    assert (override.by, override.rule, override.rule_version.number) == (manager, short, 1)
    assert response.json()["recommendation"]["blocked"] is False

    assert approve(api, manager, project).status_code == 200
    gate = GateRecord.objects.get(project=project)
    frozen = next(line for line in gate.prereview["red_lines"] if line["rule"] == short.pk)
    assert frozen["overridden"] and frozen["reason"] == "厂商承诺延保至24个月，已写入合同条款。"
    assert frozen["overridden_by"] == manager.pk and frozen["overridden_at"]
    round_ = PreReview.objects.get(project=project)
    assert (round_.outcome, round_.final["round"]["outcome"]) == ("approve", "approve")
    assert round_.final == gate.prereview


def test_an_override_needs_a_written_reason_and_a_standing_red_line(api, manager, in_review):
    project = in_review(has_mobile_app=True)
    url = f"/api/v1/projects/{project.pk}/prereview/overrides/"
    app = rule("建设独立移动App")
    no_reason = api.as_(manager).post(url, {"rule": app.pk, "reason": "  同意 "})
    assert no_reason.status_code == 400 and "至少 10 个字" in no_reason.json()["reason"][0]
    not_fired = api.as_(manager).post(
        url, {"rule": rule("质保期少于12个月").pk, "reason": "这条红线并未触发，不能解除。"}
    )
    assert not_fired.status_code == 400 and "不是该项目当前未解除的红线" in not_fired.json()["rule"][0]
    points_rule = api.as_(manager).post(
        url, {"rule": rule("复用公共支撑组件").pk, "reason": "这是加分规则，不是红线。"}
    )
    assert points_rule.status_code == 400
    assert (
        api.as_(manager).post(url, {"rule": app.pk, "reason": "依托“临江办”统一入口，独立App仅为过渡。"}).status_code
        == 200
    )
    twice = api.as_(manager).post(url, {"rule": app.pk, "reason": "再次解除同一条红线的理由。"})
    assert twice.status_code == 400 and "已解除" in twice.json()["rule"][0]
    assert RedLineOverride.objects.count() == 1


def test_only_the_office_overrides_and_only_in_pre_review(api, owner, supervisor, manager, in_review, make_project):
    project = in_review(has_mobile_app=True)
    data = {"rule": rule("建设独立移动App").pk, "reason": "依托统一入口建设，经研究同意。"}
    assert api.as_(owner).post(f"/api/v1/projects/{project.pk}/prereview/overrides/", data).status_code == 403
    assert api.as_(supervisor).post(f"/api/v1/projects/{project.pk}/prereview/overrides/", data).status_code == 403
    returned = make_project(Stage.RETURNED, has_mobile_app=True)
    refused = api.as_(manager).post(f"/api/v1/projects/{returned.pk}/prereview/overrides/", data)
    assert refused.status_code == 409 and refused.json()["stage"] == "returned"
    assert not RedLineOverride.objects.exists()


def test_overrides_do_not_carry_over_to_the_next_round(api, manager, owner, in_review):
    project = in_review(has_mobile_app=True, budget_requested=Decimal("200000.00"))
    data = {"rule": rule("建设独立移动App").pk, "reason": "依托统一入口建设，经研究同意。"}
    api.as_(manager).post(f"/api/v1/projects/{project.pk}/prereview/overrides/", data)
    services.transition(project, "return", by=manager, comment="请补充数据安全方案")
    first = PreReview.objects.get(project=project)
    assert not first.is_open and first.final["round"]["outcome"] == "return"
    pf.attachment(project, owner)
    services.transition(project, "submit", by=owner)
    services.transition(project, "start_review", by=manager)
    assert PreReview.objects.filter(project=project).count() == 2
    refused = approve(api, manager, project)
    assert refused.status_code == 400 and "建设独立移动App" in refused.json()["red_lines"][0]


def test_the_page_overrides_a_red_line_and_the_approve_form_warns_before(client, manager, in_review):
    project = in_review(has_mobile_app=True, budget_requested=Decimal("200000.00"))
    client.force_login(manager)
    detail = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="approve-blocked"' in detail and "建设独立移动App" in detail
    app = rule("建设独立移动App")
    refused = client.post(
        f"/projects/{project.pk}/prereview/red-lines/{app.pk}/override/", {f"override-{app.pk}-reason": "同意"}
    )
    assert refused.status_code == 400 and "至少 10 个字" in refused.content.decode()
    done = client.post(
        f"/projects/{project.pk}/prereview/red-lines/{app.pk}/override/",
        {f"override-{app.pk}-reason": "依托“临江办”统一入口，独立App仅为过渡。"},
        follow=True,
    )
    html = done.content.decode()
    assert "红线已解除，解除理由已记录。" in html and f'data-testid="override-{app.pk}"' in html
    assert "陈静" in html.split(f'data-testid="override-{app.pk}"')[1][:400]
    assert 'data-testid="approve-blocked"' not in client.get(f"/projects/{project.pk}/").content.decode()
