"""The projects API: drafts within permissions, bad input refused per field with nothing saved,
filters, Chinese search, ordering, allowed actions, the timeline and the change log."""

from decimal import Decimal

import pytest

from projects.lifecycle import Stage
from projects.models import Project
from tests import factories
from tests.projects import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(plan):
    return {
        "name": "智慧公路养护管理系统",
        "description": "路况自动巡检，病害识别，养护工单管理。",
        "functions": "路况自动巡检\n路面病害识别",
        "plan": plan.pk,
        "domain": factories.domain("livable").pk,
        "year": 2026,
        "budget_requested": "2800000.00",
        "planned_start": "2026-03-01",
        "planned_end": "2026-12-31",
        "beneficiaries": 500000,
        "warranty_months": 24,
    }


def test_owner_drafts_a_proposal_for_its_organization_with_a_readable_code(api, owner, proposal, transport_bureau):
    response = api.as_(owner).post("/api/v1/projects/", proposal, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "2026-交通-0001"
    assert (body["stage"], body["owner_org"], body["created_by"]) == ("draft", transport_bureau.pk, owner.pk)
    assert body["allowed_actions"] == ["submit"]
    second = api.as_(owner).post("/api/v1/projects/", {**proposal, "name": "第二个"}, format="json").json()
    assert second["code"] == "2026-交通-0002"
    other_year = api.as_(owner).post("/api/v1/projects/", {**proposal, "year": 2027}, format="json").json()
    assert other_year["code"] == "2027-交通-0001"


def test_only_owners_draft_and_only_for_their_own_organizations(api, manager, owner, proposal, health_bureau):
    assert api.as_(manager).post("/api/v1/projects/", proposal, format="json").status_code == 403
    response = api.as_(owner).post("/api/v1/projects/", {**proposal, "owner_org": health_bureau.pk}, format="json")
    assert response.status_code == 400
    assert "owner_org" in response.json()
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"budget_requested": "-1"}, "budget_requested"),
        ({"budget_requested": "100000000000.01"}, "budget_requested"),
        ({"budget_requested": "12.345"}, "budget_requested"),
        ({"planned_start": "2026-12-31", "planned_end": "2026-01-01"}, "planned_end"),
        ({"name": "项" * 201}, "name"),
        ({"name": ""}, "name"),
        ({"domain": 999999}, "domain"),
        ({"year": 2031}, "year"),
        ({"warranty_months": -3}, "warranty_months"),
        ({"beneficiaries": "很多"}, "beneficiaries"),
    ],
)
def test_bad_input_is_400_with_a_message_on_the_field_and_nothing_saved(api, owner, proposal, change, field):
    response = api.as_(owner).post("/api/v1/projects/", {**proposal, **change}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in errors[field]), "in Chinese"
    assert not Project.objects.exists()


def test_owner_edits_a_draft_and_the_change_log_says_who_changed_what(api, owner, draft):
    response = api.as_(owner).patch(f"/api/v1/projects/{draft.pk}/", {"budget_requested": "3900000"}, format="json")
    assert response.status_code == 200
    assert response.json()["budget_requested"] == "3900000.00"
    edits = api.as_(owner).get(f"/api/v1/projects/{draft.pk}/changes/").json()
    assert edits[0]["kind"] == "+"
    last = edits[-1]
    assert (last["by"], last["by_name"]) == (owner.pk, owner.name)
    assert last["changes"] == [
        {"field": "budget_requested", "label": "申报预算（元）", "old": "4,200,000.00", "new": "3,900,000.00"}
    ]


def test_linked_systems_are_logged_as_one_change(api, owner, draft, transport_bureau):
    system = factories.system(transport_bureau, name="公交电子站牌与实时公交系统")
    response = api.as_(owner).patch(f"/api/v1/projects/{draft.pk}/", {"systems": [system.pk]}, format="json")
    assert response.status_code == 200
    edits = api.as_(owner).get(f"/api/v1/projects/{draft.pk}/changes/").json()
    assert len(edits) == 2
    assert edits[-1]["changes"] == [
        {"field": "systems", "label": "关联信息系统", "old": "—", "new": "公交电子站牌与实时公交系统"}
    ]


def test_owner_cannot_link_another_bureaus_private_system(api, owner, draft, health_bureau):
    private = factories.system(health_bureau, name="全民健康信息平台")
    response = api.as_(owner).patch(f"/api/v1/projects/{draft.pk}/", {"systems": [private.pk]}, format="json")
    assert response.status_code == 400
    assert "systems" in response.json()


def test_edit_outside_draft_or_returned_is_409_and_manager_edit_is_403(api, owner, manager, make_project):
    submitted = make_project(Stage.SUBMITTED)
    response = api.as_(owner).patch(f"/api/v1/projects/{submitted.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 409
    assert response.json()["stage"] == "submitted"
    returned = make_project(Stage.RETURNED)
    assert api.as_(owner).patch(f"/api/v1/projects/{returned.pk}/", {"name": "改名"}, format="json").status_code == 200
    assert (
        api.as_(manager).patch(f"/api/v1/projects/{returned.pk}/", {"name": "再改"}, format="json").status_code == 403
    )


def test_stage_code_and_decisions_are_read_only(api, owner, draft):
    response = api.as_(owner).patch(
        f"/api/v1/projects/{draft.pk}/",
        {"stage": "approved", "code": "X", "approved_budget": "1", "approval_number": "伪造"},
        format="json",
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.stage, draft.approved_budget, draft.approval_number) == (Stage.DRAFT, None, "")
    assert draft.code.startswith("2025-交通-")


def test_owner_deletes_a_draft_never_submitted_but_not_a_returned_one(api, owner, draft, make_project):
    returned = make_project(Stage.RETURNED)
    assert api.as_(owner).delete(f"/api/v1/projects/{returned.pk}/").status_code == 409
    assert api.as_(owner).delete(f"/api/v1/projects/{draft.pk}/").status_code == 204
    assert not Project.objects.filter(pk=draft.pk).exists()


def test_allowed_actions_depend_on_stage_and_caller(api, owner, manager, supervisor, make_project):
    project = make_project(Stage.APPROVED)
    detail = f"/api/v1/projects/{project.pk}/"
    assert api.as_(owner).get(detail).json()["allowed_actions"] == ["start"]
    assert api.as_(manager).get(detail).json()["allowed_actions"] == ["start", "terminate"]
    assert api.as_(supervisor).get(detail).json()["allowed_actions"] == []


def test_history_lists_every_action_with_who_when_from_to_and_comment(api, owner, manager, draft):
    api.as_(owner).post(f"/api/v1/projects/{draft.pk}/submit/", {})
    api.as_(manager).post(f"/api/v1/projects/{draft.pk}/start-review/", {})
    api.as_(manager).post(f"/api/v1/projects/{draft.pk}/return/", {"comment": "请补充预算明细"})
    history = api.as_(owner).get(f"/api/v1/projects/{draft.pk}/history/").json()
    assert [(h["action"], h["from_stage"], h["to_stage"], h["by"]) for h in history] == [
        ("submit", "draft", "submitted", owner.pk),
        ("start_review", "submitted", "prereview", manager.pk),
        ("return", "prereview", "returned", manager.pk),
    ]
    assert history[-1]["comment"] == "请补充预算明细"
    assert history[-1]["action_label"] == "退回修改" and history[-1]["at"]


def test_list_filters_by_stage_domain_owner_org_and_year(api, manager, make_project, health_bureau):
    livable = factories.domain("livable")
    a = make_project(Stage.DRAFT, domain=livable, year=2025)
    b = make_project(Stage.APPROVED, year=2026)
    c = make_project(Stage.APPROVED, org=health_bureau, year=2026)

    def ids(query):
        response = api.as_(manager).get(f"/api/v1/projects/?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("stage=approved") == {b.pk, c.pk}
    assert ids("stage=approved&stage=draft") == {a.pk, b.pk, c.pk}
    assert ids(f"domain={livable.pk}") == {a.pk}
    assert ids(f"owner_org={health_bureau.pk}") == {c.pk}
    assert ids("year=2026") == {b.pk, c.pk}
    assert api.as_(manager).get("/api/v1/projects/?stage=nonsense").status_code == 400


def test_search_finds_chinese_text_in_name_code_and_description(api, owner, make_project):
    bus = make_project(name="公交到站信息服务提升工程", description="预测车辆到站时间并在站台电子屏发布。")
    parking = make_project(name="智慧停车诱导系统", description="泊位实时查询。")

    def found(text):
        return {row["id"] for row in api.as_(owner).get("/api/v1/projects/", {"search": text}).json()["results"]}

    assert found("到站") == {bus.pk}
    assert found("电子屏") == {bus.pk}
    assert found("停车 泊位") == {parking.pk}
    assert found("停车，到站") == set()  # every term must match
    assert found(parking.code) == {parking.pk}
    assert found("智慧") == {parking.pk}


def test_ordering_by_budget_and_code(api, owner, make_project):
    small = make_project(budget_requested=Decimal("100000"))
    large = make_project(budget_requested=Decimal("9000000"))
    rows = api.as_(owner).get("/api/v1/projects/?ordering=-budget_requested").json()["results"]
    assert [r["id"] for r in rows] == [large.pk, small.pk]
    rows = api.as_(owner).get("/api/v1/projects/?ordering=code").json()["results"]
    assert [r["id"] for r in rows] == sorted([small.pk, large.pk], key=lambda pk: Project.objects.get(pk=pk).code)


def test_list_is_paginated(api, owner, make_project):
    for _ in range(3):
        make_project()
    body = api.as_(owner).get("/api/v1/projects/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_milestones_are_kept_by_the_owner_while_approved_or_implementing(api, owner, other_owner, make_project):
    implementing = make_project(Stage.IMPLEMENTING)
    data = {"project": implementing.pk, "name": "招标采购", "planned_date": "2025-06-30"}
    created = api.as_(owner).post("/api/v1/milestones/", data, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    done = api.as_(owner).patch(f"/api/v1/milestones/{pk}/", {"done": True}, format="json")
    assert done.status_code == 400 and "actual_date" in done.json()
    done = api.as_(owner).patch(f"/api/v1/milestones/{pk}/", {"done": True, "actual_date": "2025-06-28"}, format="json")
    assert done.status_code == 200 and done.json()["settled"] is True
    future = api.as_(owner).patch(f"/api/v1/milestones/{pk}/", {"actual_date": "2099-01-01"}, format="json")
    assert future.status_code == 400
    early = api.as_(owner).patch(f"/api/v1/milestones/{pk}/", {"planned_date": "2024-01-01"}, format="json")
    assert early.status_code == 400 and "planned_date" in early.json()
    assert api.as_(other_owner).get(f"/api/v1/milestones/{pk}/").status_code == 404

    submitted = make_project(Stage.SUBMITTED)
    refused = api.as_(owner).post("/api/v1/milestones/", {**data, "project": submitted.pk}, format="json")
    assert refused.status_code == 409


def test_gate_records_are_read_only_in_the_api(api, manager, make_project):
    from projects import services

    project = make_project(Stage.PREREVIEW)
    pf.expert_review(project, manager=manager)  # the default red line: 300,000 yuan or more needs a review
    services.transition(project, "approve", by=manager, approved_budget="900000", approval_number="临数批〔2025〕9号")
    gate = project.gate_records.get()
    assert api.as_(manager).get(f"/api/v1/gate-records/?project={project.pk}").json()["count"] == 1
    assert api.as_(manager).patch(f"/api/v1/gate-records/{gate.pk}/", {"conclusion": "x"}).status_code == 405
    assert api.as_(manager).delete(f"/api/v1/gate-records/{gate.pk}/").status_code == 405
    assert api.as_(manager).post("/api/v1/gate-records/", {}).status_code == 405


def test_schema_documents_every_lifecycle_endpoint(api, manager):
    schema = api.as_(manager).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for action in (
        "submit",
        "start-review",
        "return",
        "reject",
        "approve",
        "start",
        "request-acceptance",
        "accept",
        "fail-acceptance",
        "terminate",
        "history",
    ):
        assert f"/api/v1/projects/{{id}}/{action}/" in paths, action
    assert "409" in paths["/api/v1/projects/{id}/approve/"]["post"]["responses"]


def test_factory_projects_are_valid(plan, transport_bureau):
    pf.project(transport_bureau, plan).full_clean()


def test_domain_must_be_one_of_the_plans_domains(api, owner, proposal, plan):
    plan.domains.set([factories.domain("livable")])
    response = api.as_(owner).post("/api/v1/projects/", {**proposal, "domain": factories.domain("safety").pk})
    assert response.status_code == 400 and "domain" in response.json()
    assert api.as_(owner).post("/api/v1/projects/", proposal).status_code == 201
