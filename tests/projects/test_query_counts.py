"""The list endpoint and page cost the same number of queries for 10 projects as for 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.lifecycle import Stage
from tests import factories
from tests.projects import factories as pf

pytestmark = pytest.mark.django_db


def grow(plan, org, n, systems):
    for i in range(n):
        project = pf.project(org, plan, stage=list(Stage)[i % len(Stage)])
        project.systems.set(systems)


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["owner", "manager"])
def test_project_list_endpoint_queries_do_not_grow_with_projects(request, persona, api, plan, transport_bureau):
    user = request.getfixturevalue(persona)
    systems = [factories.system(transport_bureau), factories.system(transport_bureau)]
    grow(plan, transport_bureau, 10, systems)
    few = queries(lambda: api.as_(user).get("/api/v1/projects/?page_size=100"))
    grow(plan, transport_bureau, 90, systems)
    many = queries(lambda: api.as_(user).get("/api/v1/projects/?page_size=100"))
    assert many == few
    assert few <= 6


def test_project_list_page_queries_do_not_grow_with_projects(client, manager, plan, transport_bureau):
    client.force_login(manager)
    grow(plan, transport_bureau, 10, [])
    few = queries(lambda: client.get("/projects/"))
    grow(plan, transport_bureau, 90, [])
    many = queries(lambda: client.get("/projects/"))
    assert many == few


def test_detail_page_queries_are_bounded(client, owner, manager, make_project, django_assert_max_num_queries):
    from projects import services

    project = make_project(Stage.PREREVIEW)
    pf.expert_review(project, manager=manager)
    for _ in range(5):
        pf.attachment(project, manager, kind="approval")
    services.transition(project, "approve", by=manager, approved_budget="1", approval_number="1号")
    for _ in range(5):
        pf.milestone(project)
    client.force_login(owner)
    with django_assert_max_num_queries(40):
        assert client.get(f"/projects/{project.pk}/").status_code == 200


def test_an_approval_costs_the_same_queries_whatever_the_project_carries(manager, make_project, plan):
    """Approving freezes the gate record (fields, attachments with checksums, linked systems, the
    pre-review report): a fixed number of queries, not one per attachment, system or review."""
    from projects import services

    def approve(attachments, systems, reviews, name, functions):
        project = make_project(
            Stage.PREREVIEW, budget_requested=200000, name=name, functions=functions, description=name + functions
        )
        for _ in range(attachments):
            pf.attachment(project, manager, kind="approval")
        project.systems.set([factories.system(project.owner_org) for _ in range(systems)])
        for _ in range(reviews):
            pf.expert_review(project, manager=manager)
        with CaptureQueriesContext(connection) as captured:
            services.transition(project, "approve", by=manager, approved_budget="1", approval_number="1号")
        return len(captured)

    small = approve(1, 1, 1, "河湖长制巡河管理系统", "巡河打卡\n问题上报")
    large = approve(6, 4, 3, "校园食堂明厨亮灶", "后厨视频接入\n食品留样登记")
    assert small == large
    assert large <= 25
