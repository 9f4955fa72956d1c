"""One POST per lifecycle action: the happy path, the wrong stage (409), the wrong role (403), the
missing requirement (400), the transition record, and the notification sent once after commit."""

from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

import pytest

from portfolio.models import Notification
from portfolio.tasks import send_notification_emails
from projects.lifecycle import Action, Stage
from projects.models import Project, TransitionRecord
from projects.signals import project_transitioned
from tests.projects import factories as pf

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    start: str
    actor: str
    payload: dict
    to: str
    notifies: str | None  # persona fixture that must get the notification (None: nobody)
    wrong_role: str
    missing: dict | None = None  # payload lacking what the action needs, and the fields named
    missing_fields: set = field(default_factory=set)


CASES = {
    Action.SUBMIT: Case(Stage.DRAFT, "owner", {}, Stage.SUBMITTED, "manager", "manager"),
    Action.START_REVIEW: Case(Stage.SUBMITTED, "manager", {}, Stage.PREREVIEW, None, "owner"),
    Action.RETURN: Case(
        Stage.PREREVIEW, "manager", {"comment": "请补充预算明细"}, Stage.RETURNED, "owner", "owner", {}, {"comment"}
    ),
    Action.REJECT: Case(
        Stage.PREREVIEW, "manager", {"comment": "与现有系统重复"}, Stage.REJECTED, "owner", "owner", {}, {"comment"}
    ),
    Action.APPROVE: Case(
        Stage.PREREVIEW,
        "manager",
        {"approved_budget": "900000.00", "approval_number": "临数批〔2025〕12号", "comment": "同意立项"},
        Stage.APPROVED,
        "owner",
        "owner",
        {"comment": "同意"},
        {"approved_budget", "approval_number"},
    ),
    Action.START: Case(Stage.APPROVED, "owner", {}, Stage.IMPLEMENTING, None, "supervisor"),
    Action.REQUEST_ACCEPTANCE: Case(
        Stage.IMPLEMENTING, "owner", {}, Stage.ACCEPTANCE, "manager", "manager", {}, {"milestones"}
    ),
    Action.ACCEPT: Case(
        Stage.ACCEPTANCE,
        "manager",
        {"comment": "运行稳定，同意验收"},
        Stage.ACCEPTED,
        "owner",
        "owner",
        {},
        {"comment"},
    ),
    Action.FAIL_ACCEPTANCE: Case(
        Stage.ACCEPTANCE, "manager", {"comment": "数据未接入"}, Stage.IMPLEMENTING, "owner", "owner", {}, {"comment"}
    ),
    Action.TERMINATE: Case(
        Stage.IMPLEMENTING,
        "manager",
        {"comment": "需求已并入其他项目"},
        Stage.TERMINATED,
        "owner",
        "owner",
        {},
        {"comment"},
    ),
}


def url(project, action):
    return f"/api/v1/projects/{project.pk}/{action.replace('_', '-')}/"


@pytest.fixture
def at_stage(request, draft, make_project, owner):
    """The project a case starts from: the complete draft for submit, else one put at the stage."""

    def build(action, *, settled=True):
        case = CASES[action]
        if case.start == Stage.DRAFT:
            return draft
        project = make_project(case.start)
        if action == Action.APPROVE:
            pf.expert_review(project)  # the default red line: 300,000 yuan or more needs an expert review
        if case.start in {Stage.IMPLEMENTING, Stage.ACCEPTANCE}:
            pf.milestone(project, done=settled)
        return project

    return build


ACTIONS = list(CASES)


@pytest.mark.parametrize("action", ACTIONS)
def test_action_moves_the_project_records_it_and_notifies_once_after_commit(
    action, request, api, at_stage, django_capture_on_commit_callbacks
):
    case = CASES[action]
    project = at_stage(action)
    actor = request.getfixturevalue(case.actor)
    recipient = request.getfixturevalue(case.notifies) if case.notifies else None
    sent = mock.MagicMock()
    project_transitioned.connect(sent)
    try:
        with (
            mock.patch.object(send_notification_emails, "delay") as emails,
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            response = api.as_(actor).post(url(project, action), case.payload, format="json")
            assert emails.call_count == 0, "emails go out only after commit"
            assert sent.call_count == 0, "the signal goes out only after commit"
    finally:
        project_transitioned.disconnect(sent)

    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == case.to
    project.refresh_from_db()
    assert project.stage == case.to
    record = TransitionRecord.objects.get(project=project)
    assert (record.action, record.from_stage, record.to_stage, record.by) == (action, case.start, case.to, actor)
    assert record.comment == case.payload.get("comment", "")
    assert sent.call_count == 1
    assert sent.call_args.kwargs["record_id"] == record.pk
    notes = Notification.objects.filter(kind=f"project_{action}")
    if recipient is None:
        assert not notes.exists()
        assert emails.call_count == 0
    else:
        assert list(notes.values_list("recipient", flat=True)) == [recipient.pk]
        assert project.code in notes.get().title
        emails.assert_called_once_with([notes.get().pk])
    assert len(callbacks) == (2 if recipient else 1)


@pytest.mark.parametrize("action", ACTIONS)
def test_action_from_a_wrong_stage_is_409_naming_the_stage_and_what_is_allowed(
    action, request, api, make_project, plan
):
    case = CASES[action]
    actor = request.getfixturevalue(case.actor)
    wrong = Stage.ACCEPTED if case.start != Stage.DRAFT else Stage.SUBMITTED
    project = make_project(wrong)
    response = api.as_(actor).post(url(project, action), case.payload, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["stage"] == wrong
    assert body["stage_label"] in body["detail"]
    expected_allowed = ["terminate"] if (wrong == Stage.SUBMITTED and case.actor == "manager") else []
    if wrong == Stage.SUBMITTED and case.actor == "manager":
        expected_allowed = ["start_review", "terminate"]
    assert body["allowed_actions"] == expected_allowed
    project.refresh_from_db()
    assert project.stage == wrong
    assert not TransitionRecord.objects.filter(project=project).exists()


def test_409_lists_only_the_actions_this_user_may_take(api, make_project, manager, owner):
    project = make_project(Stage.PREREVIEW)
    response = api.as_(manager).post(url(project, Action.SUBMIT), {}, format="json")
    assert response.status_code == 403  # submitting is the owner's, whatever the stage
    response = api.as_(manager).post(url(project, Action.START_REVIEW), {}, format="json")
    assert response.status_code == 409
    assert response.json()["allowed_actions"] == ["return", "reject", "approve", "terminate"]
    assert "退回修改" in response.json()["detail"] and "预审中" in response.json()["detail"]


@pytest.mark.parametrize("action", ACTIONS)
def test_action_by_a_role_that_may_not_take_it_is_403_and_changes_nothing(action, request, api, at_stage):
    case = CASES[action]
    project = at_stage(action)
    response = api.as_(request.getfixturevalue(case.wrong_role)).post(url(project, action), case.payload, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    project.refresh_from_db()
    assert project.stage == case.start
    assert not TransitionRecord.objects.filter(project=project).exists()


@pytest.mark.parametrize("action", [a for a in ACTIONS if CASES[a].missing is not None])
def test_action_missing_what_it_needs_is_400_per_field_and_changes_nothing(action, request, api, at_stage):
    case = CASES[action]
    project = at_stage(action, settled=False)
    response = api.as_(request.getfixturevalue(case.actor)).post(url(project, action), case.missing, format="json")
    assert response.status_code == 400
    assert set(response.json()) == case.missing_fields
    project.refresh_from_db()
    assert project.stage == case.start
    assert not TransitionRecord.objects.filter(project=project).exists()
    assert not Notification.objects.filter(kind__startswith="project_").exists()


def test_submit_needs_the_proposal_complete_and_its_application_materials(api, owner, plan, make_project):
    project = make_project(Stage.DRAFT, budget_requested=None, description="", created_by=owner)
    response = api.as_(owner).post(url(project, Action.SUBMIT), {}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"budget_requested", "description", "attachments"} <= set(errors)
    assert errors["attachments"] == ["提交申报前请上传申报材料。"]
    assert errors["budget_requested"] == ["提交申报前请填写此项。"]


def test_approval_sets_the_budget_and_number_and_refuses_more_than_requested(api, manager, make_project):
    project = make_project(Stage.PREREVIEW, budget_requested=Decimal("1000000.00"))
    pf.expert_review(project, manager=manager)
    too_much = {"approved_budget": "1000000.01", "approval_number": "临数批〔2025〕1号"}
    response = api.as_(manager).post(url(project, Action.APPROVE), too_much, format="json")
    assert response.status_code == 400
    assert "不能超过申报预算" in response.json()["approved_budget"][0]
    for bad in ("-1", "abc", "1.234", "99999999999999"):
        response = api.as_(manager).post(
            url(project, Action.APPROVE), {"approved_budget": bad, "approval_number": "1号"}, format="json"
        )
        assert response.status_code == 400, bad
        assert "approved_budget" in response.json()
    response = api.as_(manager).post(
        url(project, Action.APPROVE), {"approved_budget": "850000", "approval_number": " 临数批〔2025〕1号 "}
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert (project.approved_budget, project.approval_number) == (Decimal("850000.00"), "临数批〔2025〕1号")


def test_request_acceptance_names_the_open_milestones_and_accepts_explained_ones(api, owner, make_project):
    project = make_project(Stage.IMPLEMENTING)
    pf.milestone(project, name="系统开发", done=True)
    open_one = pf.milestone(project, name="试运行", done=False)
    response = api.as_(owner).post(url(project, Action.REQUEST_ACCEPTANCE), {}, format="json")
    assert response.status_code == 400
    assert "试运行" in response.json()["milestones"][0] and "系统开发" not in response.json()["milestones"][0]
    open_one.explanation = "试运行与验收合并进行"
    open_one.save()
    response = api.as_(owner).post(url(project, Action.REQUEST_ACCEPTANCE), {}, format="json")
    assert response.status_code == 200


def test_request_acceptance_needs_milestones_at_all(api, owner, make_project):
    project = make_project(Stage.IMPLEMENTING)
    response = api.as_(owner).post(url(project, Action.REQUEST_ACCEPTANCE), {}, format="json")
    assert response.status_code == 400
    assert "milestones" in response.json()


def test_owner_of_a_parent_organization_acts_for_its_subtree(api, city, transport_bureau, plan, make_project):
    from portfolio.models import Role
    from tests import factories

    district = factories.organization("滨江区交通分局", parent=transport_bureau, short_name="滨江交通")
    project = make_project(Stage.APPROVED, org=district)
    parent_owner = factories.user(Role.OWNER, organization_=transport_bureau)
    assert api.as_(parent_owner).post(url(project, Action.START), {}).status_code == 200


def test_inactive_account_cannot_act(api, owner, draft):
    owner.is_active = False
    owner.save()
    assert api.as_(owner).post(url(draft, Action.SUBMIT), {}).status_code in (403, 404)
    assert Project.objects.get(pk=draft.pk).stage == Stage.DRAFT


def test_service_updates_the_callers_instance_and_returns_the_record(make_project, manager):
    from projects import services

    project = make_project(Stage.PREREVIEW, budget_requested=Decimal("200000.00"))  # below the review red line
    record = services.transition(project, Action.APPROVE, by=manager, approved_budget="1000", approval_number="1号")
    assert (project.stage, project.approved_budget, project.approval_number) == ("approved", Decimal("1000.00"), "1号")
    assert record.project.pk == project.pk and record.action == "approve"
