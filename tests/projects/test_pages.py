"""The project pages, in Chinese: list, proposal form, detail with exactly this user's actions,
the manager's queue, home panels and menu entries."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from projects.lifecycle import Stage
from projects.models import Project, TransitionRecord
from tests import factories
from tests.projects import factories as pf

pytestmark = pytest.mark.django_db


def action_buttons(html: str) -> list[str]:
    return re.findall(r'data-testid="action-([a-z-]+)"', html)


def test_list_shows_stage_badges_filters_and_counts(client, owner, make_project):
    make_project(Stage.DRAFT, name="智慧公路养护")
    make_project(Stage.APPROVED, name="公交优先信号")
    client.force_login(owner)
    html = client.get("/projects/").content.decode()
    assert "智慧公路养护" in html and "公交优先信号" in html
    assert 'data-stage="draft">草稿<' in html and 'data-stage="approved">已立项<' in html
    assert "全部领域" in html and "筛选" in html and "新建项目申报" in html
    filtered = client.get("/projects/", {"stage": "approved"}).content.decode()
    assert "公交优先信号" in filtered and "智慧公路养护" not in filtered
    searched = client.get("/projects/", {"search": "养护"}).content.decode()
    assert "智慧公路养护" in searched and "公交优先信号" not in searched


def test_manager_sees_no_new_proposal_button_and_cannot_open_the_form(client, manager):
    client.force_login(manager)
    assert "新建项目申报" not in client.get("/projects/").content.decode()
    assert client.get("/projects/new/").status_code == 403


def test_proposal_form_shows_errors_beside_the_fields(client, owner, plan):
    client.force_login(owner)
    response = client.post(
        "/projects/new/",
        {
            "name": "",
            "plan": plan.pk,
            "domain": factories.domain().pk,
            "year": 2025,
            "budget_requested": "-5",
            "planned_start": "2025-09-01",
            "planned_end": "2025-03-01",
            "save": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-name"' in html
    assert 'data-testid="error-budget_requested"' in html
    assert "计划完成日期不能早于计划开工日期" in html
    assert not Project.objects.exists()


def test_owner_saves_a_draft_from_the_form(client, owner, plan):
    client.force_login(owner)
    response = client.post(
        "/projects/new/",
        {"name": "智慧公路养护管理系统", "plan": plan.pk, "domain": factories.domain().pk, "year": 2025, "save": ""},
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert (project.stage, project.created_by, project.code) == (Stage.DRAFT, owner, "2025-交通-0001")
    detail = client.get(response["Location"]).content.decode()
    assert "草稿已保存" in detail
    assert 'data-testid="missing-for-submit"' in detail and "尚未填写" in detail and "申报材料" in detail


def test_save_and_submit_with_gaps_keeps_the_draft_and_marks_the_fields(client, owner, plan):
    client.force_login(owner)
    response = client.post(
        "/projects/new/",
        {"name": "智慧公路养护管理系统", "plan": plan.pk, "domain": factories.domain().pk, "year": 2025, "submit": ""},
    )
    project = Project.objects.get()
    assert project.stage == Stage.DRAFT
    assert response["Location"] == f"/projects/{project.pk}/edit/"
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="error-budget_requested"' in html and "提交申报前请填写此项" in html
    assert "尚不能申报" in html


def test_save_and_submit_a_complete_proposal(client, owner, draft):
    client.force_login(owner)
    data = {
        "name": draft.name,
        "plan": draft.plan_id,
        "domain": draft.domain_id,
        "year": draft.year,
        "description": draft.description,
        "functions": draft.functions,
        "budget_requested": "4200000",
        "planned_start": "2025-03-01",
        "planned_end": "2025-12-31",
        "beneficiaries": 350000,
        "warranty_months": 24,
        "submit": "",
    }
    # Without the plan goal or scenario it serves, the proposal is saved but not submitted.
    client.post(f"/projects/{draft.pk}/edit/", data)
    draft.refresh_from_db()
    assert draft.stage == Stage.DRAFT and draft.plan_goal_id is None
    response = client.post(f"/projects/{draft.pk}/edit/", {**data, "plan_goal": draft.plan.goals.get().pk})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.stage == Stage.SUBMITTED


@pytest.mark.parametrize(
    ("stage", "persona", "buttons"),
    [
        (Stage.DRAFT, "owner", ["submit"]),
        (Stage.DRAFT, "manager", ["terminate"]),
        (Stage.SUBMITTED, "owner", []),
        (Stage.SUBMITTED, "manager", ["start-review", "terminate"]),
        (Stage.PREREVIEW, "manager", ["return", "reject", "approve", "terminate"]),
        (Stage.APPROVED, "owner", ["start"]),
        (Stage.IMPLEMENTING, "owner", ["request-acceptance"]),
        (Stage.ACCEPTANCE, "manager", ["accept", "fail-acceptance", "terminate"]),
        (Stage.ACCEPTED, "manager", []),
        (Stage.PREREVIEW, "supervisor", []),
        (Stage.PREREVIEW, "finance", []),
    ],
)
def test_detail_shows_exactly_the_actions_this_user_may_take(request, client, make_project, stage, persona, buttons):
    project = make_project(stage)
    client.force_login(request.getfixturevalue(persona))
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert action_buttons(html) == buttons
    if not buttons:
        assert 'data-testid="no-actions"' in html


def test_approve_form_asks_for_budget_and_number_and_shows_what_is_missing(client, manager, make_project):
    project = make_project(Stage.PREREVIEW)
    client.force_login(manager)
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'name="approve-approved_budget"' in html and 'name="approve-approval_number"' in html
    response = client.post(f"/projects/{project.pk}/actions/approve/", {"approve-comment": "同意"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写批复预算" in html and "请填写批复文号" in html
    assert 'class="collapse show" id="action-approve"' in html
    project.refresh_from_db()
    assert project.stage == Stage.PREREVIEW


def test_return_needs_a_comment_then_the_timeline_shows_it(client, manager, make_project):
    project = make_project(Stage.PREREVIEW)
    client.force_login(manager)
    refused = client.post(f"/projects/{project.pk}/actions/return/", {"return-comment": "  "})
    assert refused.status_code == 400
    assert "请写明需要修改的内容" in refused.content.decode()
    done = client.post(f"/projects/{project.pk}/actions/return/", {"return-comment": "请补充预算明细"}, follow=True)
    html = done.content.decode()
    assert "已办理" in html and "请补充预算明细" in html and "退回修改" in html
    assert TransitionRecord.objects.get().comment == "请补充预算明细"


def test_stale_page_action_answers_409_with_the_reason(client, manager, make_project):
    project = make_project(Stage.APPROVED)
    client.force_login(manager)
    response = client.post(f"/projects/{project.pk}/actions/start-review/")
    assert response.status_code == 409
    assert "当前状态为“已立项”，不能执行“受理预审”。可执行的操作：开工实施、终止。" in response.content.decode()


def test_owner_cannot_take_a_managers_action_from_a_page(client, owner, make_project):
    project = make_project(Stage.PREREVIEW)
    client.force_login(owner)
    response = client.post(f"/projects/{project.pk}/actions/approve/", {"approve-approved_budget": "1"})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.stage == Stage.PREREVIEW


def test_owner_adds_and_updates_milestones_from_the_page(client, owner, make_project):
    project = make_project(Stage.IMPLEMENTING)
    client.force_login(owner)
    response = client.post(
        f"/projects/{project.pk}/milestones/new/", {"name": "系统上线", "planned_date": "2025-09-30", "order": 1}
    )
    assert response.status_code == 302
    milestone = project.milestones.get()
    bad = client.post(
        f"/projects/{project.pk}/milestones/{milestone.pk}/edit/",
        {"name": "系统上线", "planned_date": "2025-09-30", "done": "on", "order": 1},
    )
    assert bad.status_code == 400 and "须填写实际日期" in bad.content.decode()
    client.post(
        f"/projects/{project.pk}/milestones/{milestone.pk}/edit/",
        {"name": "系统上线", "planned_date": "2025-09-30", "done": "on", "actual_date": "2025-09-28", "order": 1},
    )
    milestone.refresh_from_db()
    assert milestone.done and str(milestone.actual_date) == "2025-09-28"
    # The milestone plan is drafted with the proposal and frozen while it is under review.
    submitted = make_project(Stage.SUBMITTED)
    assert client.get(f"/projects/{submitted.pk}/milestones/new/").status_code == 302
    assert client.get(f"/projects/{make_project(Stage.DRAFT).pk}/milestones/new/").status_code == 200


def test_queue_lists_what_waits_for_the_manager(client, manager, owner, make_project):
    waiting = [make_project(stage) for stage in (Stage.SUBMITTED, Stage.PREREVIEW, Stage.ACCEPTANCE)]
    make_project(Stage.DRAFT, name="不该出现的草稿")
    client.force_login(manager)
    html = client.get("/projects/queue/").content.decode()
    for project in waiting:
        assert project.name in html
    assert "不该出现的草稿" not in html
    assert 'data-testid="queue-count-submitted">1<' in html
    client.force_login(owner)
    assert client.get("/projects/queue/").status_code == 403


def test_home_panels_owner_desk_and_manager_queue(client, owner, manager, make_project):
    make_project(Stage.RETURNED, name="被退回的申报")
    make_project(Stage.SUBMITTED)
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert "我的待办项目" in html and "被退回的申报" in html
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert "待主管部门办理" in html and 'data-testid="panel-queue-submitted"' in html


def test_menu_entries_by_role(client, owner, manager, reviewer):
    client.force_login(owner)
    nav = client.get("/projects/").content.decode()
    assert 'href="/projects/"' in nav and 'href="/projects/queue/"' not in nav
    client.force_login(manager)
    nav = client.get("/projects/queue/").content.decode()
    # The manager's project entries fold into one dropdown; only the closest entry is active.
    assert re.search(r'class="dropdown-item active" href="/projects/queue/"', nav)
    assert not re.search(r'class="dropdown-item active" href="/projects/"', nav)
    client.force_login(reviewer)
    assert "分配给我的预审项目" in client.get("/").content.decode()


def test_english_is_selectable(client, owner, make_project):
    make_project(Stage.DRAFT)
    client.force_login(owner)
    html = client.get("/projects/", headers={"Accept-Language": "en"}).content.decode()
    assert "New proposal" in html and "Draft" in html


def test_owner_deletes_a_draft_from_its_page(client, owner, make_project):
    project = make_project(Stage.DRAFT)
    client.force_login(owner)
    response = client.post(f"/projects/{project.pk}/delete/")
    assert response.status_code == 302 and not Project.objects.filter(pk=project.pk).exists()


def test_returned_proposal_shows_what_to_revise(client, owner, manager, draft):
    from projects import services

    services.transition(draft, "submit", by=owner)
    services.transition(draft, "start_review", by=manager)
    services.transition(draft, "return", by=manager, comment="请补充与执法平台的关系说明")
    client.force_login(owner)
    html = client.get(f"/projects/{draft.pk}/").content.decode()
    assert 'data-testid="return-comment"' in html and "请补充与执法平台的关系说明" in html
    assert "请补充与执法平台的关系说明" in client.get(f"/projects/{draft.pk}/edit/").content.decode()


def test_detail_page_attachment_for_a_draft_can_be_downloaded(client, owner, make_project):
    project = make_project(Stage.DRAFT)
    attachment = pf.attachment(project, owner, name="项目申报书.pdf")
    client.force_login(owner)
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"/projects/{project.pk}/attachments/{attachment.pk}/download/" in html


def test_admin_shows_projects_read_only_with_their_records(client, manager, make_project):
    from projects import services

    project = make_project(Stage.PREREVIEW, budget_requested=Decimal("200000.00"))
    services.transition(project, "approve", by=manager, approved_budget="1", approval_number="1号")
    gate = project.gate_records.get()
    client.force_login(manager)
    for path in (
        "/admin/projects/project/",
        f"/admin/projects/project/{project.pk}/change/",
        f"/admin/projects/project/{project.pk}/history/",
        f"/admin/projects/gaterecord/{gate.pk}/change/",
    ):
        assert client.get(path).status_code == 200, path
    page = client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()
    assert 'name="_save"' not in page  # nothing to save: the lifecycle changes projects, not the admin
    assert client.post(f"/admin/projects/gaterecord/{gate.pk}/change/", {}).status_code == 403


def test_ordering_choices_are_in_chinese(client, owner):
    client.force_login(owner)
    html = client.get("/projects/").content.decode()
    assert "申报预算（降序）" in html and "descending" not in html


def test_milestone_and_attachment_removed_from_the_page_only_while_allowed(client, owner, manager, make_project):
    implementing = make_project(Stage.IMPLEMENTING)
    milestone = pf.milestone(implementing, name="培训")
    client.force_login(owner)
    response = client.post(f"/projects/{implementing.pk}/milestones/{milestone.pk}/delete/", follow=True)
    assert "里程碑“培训”已删除" in response.content.decode()
    assert not implementing.milestones.exists()

    accepted = make_project(Stage.ACCEPTED)
    kept = pf.milestone(accepted, name="上线")
    response = client.post(f"/projects/{accepted.pk}/milestones/{kept.pk}/delete/", follow=True)
    assert "不能执行“维护里程碑”" in response.content.decode()
    assert accepted.milestones.filter(pk=kept.pk).exists()

    draft = make_project(Stage.DRAFT)
    attachment = pf.attachment(draft, owner, name="旧版申报书.pdf")
    response = client.post(f"/projects/{draft.pk}/attachments/{attachment.pk}/delete/", follow=True)
    assert "文件“旧版申报书.pdf”已删除" in response.content.decode()
    submitted = make_project(Stage.SUBMITTED)
    frozen = pf.attachment(submitted, owner)
    response = client.post(f"/projects/{submitted.pk}/attachments/{frozen.pk}/delete/", follow=True)
    assert "不能执行“删除“申报材料”" in response.content.decode()
    assert submitted.attachments.filter(pk=frozen.pk).exists()


def test_remove_buttons_only_for_files_this_user_may_still_remove(client, owner, manager, make_project):
    from projects import services

    draft = make_project(Stage.DRAFT)
    mine = pf.attachment(draft, owner)
    client.force_login(owner)
    assert f'data-testid="remove-attachment-{mine.pk}"' in client.get(f"/projects/{draft.pk}/").content.decode()
    client.force_login(manager)
    assert "remove-attachment" not in client.get(f"/projects/{draft.pk}/").content.decode()

    prereview = make_project(Stage.PREREVIEW, budget_requested=Decimal("200000.00"))
    before = pf.attachment(prereview, manager, kind="approval")
    services.transition(prereview, "approve", by=manager, approved_budget="1", approval_number="1号")
    after = pf.attachment(prereview, manager, kind="approval")
    html = client.get(f"/projects/{prereview.pk}/").content.decode()
    assert f"remove-attachment-{before.pk}" not in html and f"remove-attachment-{after.pk}" in html


def test_saving_a_stale_edit_form_after_submission_is_refused_clearly(client, owner, draft):
    from projects import services

    client.force_login(owner)
    form = client.get(f"/projects/{draft.pk}/edit/")
    assert form.status_code == 200
    services.transition(draft, "submit", by=owner)  # meanwhile, in another tab
    response = client.post(
        f"/projects/{draft.pk}/edit/",
        {"name": "改名", "plan": draft.plan_id, "domain": draft.domain_id, "year": draft.year, "save": ""},
        follow=True,
    )
    assert "只有草稿或被退回修改的申报可以修改" in response.content.decode()
    draft.refresh_from_db()
    assert draft.name != "改名" and draft.stage == Stage.SUBMITTED


def test_a_future_milestone_reads_not_done_and_a_frozen_file_list_has_no_blank_strip(client, owner, make_project):
    approved = make_project(Stage.APPROVED)
    pf.milestone(approved, done=False, name="招标采购", planned_date=date.today() + timedelta(days=60))
    pf.attachment(approved, owner, name="立项批复.pdf")
    client.force_login(owner)
    html = client.get(f"/projects/{approved.pk}/").content.decode()
    row = html[html.index("招标采购") :]
    row = row[: row.index("</tr>")]
    assert "未完成" in row and "进行中" not in row  # the project has not even started
    attachments = html[html.index('id="attachments"') :]
    attachments = attachments[: attachments.index("</section>")]
    assert "立项批复.pdf" in attachments and not re.search(r'<div class="card-body">\s*</div>', attachments)
