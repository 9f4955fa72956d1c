"""Who sees which project, on every endpoint: an owner sees its organization's subtree, another
bureau gets 404 (never 403), a reviewer sees nothing until proposals are assigned to it, the
manager sees the whole region."""

import pytest

from projects.lifecycle import AttachmentKind, Stage
from tests.projects import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen(make_project, owner, manager):
    """A 交通局 project in implementation with a milestone, an attachment and a gate record."""
    from projects import services

    project = make_project(Stage.PREREVIEW)
    pf.expert_review(project, manager=manager)  # the red line on budgets of 300,000 yuan or more
    attachment = pf.attachment(project, owner, kind=AttachmentKind.APPLICATION)
    record = services.transition(
        project, "approve", by=manager, approved_budget="800000", approval_number="临数批〔2025〕3号"
    )
    project = record.project
    milestone = pf.milestone(project)
    return {"project": project, "attachment": attachment, "milestone": milestone, "gate": project.gate_records.get()}


def endpoints(seen):
    p = seen["project"].pk
    return [
        f"/api/v1/projects/{p}/",
        f"/api/v1/projects/{p}/history/",
        f"/api/v1/projects/{p}/changes/",
        f"/api/v1/attachments/{seen['attachment'].pk}/",
        f"/api/v1/attachments/{seen['attachment'].pk}/download/",
        f"/api/v1/milestones/{seen['milestone'].pk}/",
        f"/api/v1/gate-records/{seen['gate'].pk}/",
        f"/projects/{p}/",
        f"/projects/{p}/edit/",
        f"/projects/{p}/attachments/{seen['attachment'].pk}/download/",
    ]


LISTS = ["/api/v1/projects/", "/api/v1/attachments/", "/api/v1/milestones/", "/api/v1/gate-records/"]


@pytest.mark.parametrize("persona", ["owner", "manager", "supervisor", "finance"])
def test_those_who_may_see_the_project_see_it_everywhere(request, persona, api, client, seen):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for path in endpoints(seen):
        if path.endswith("/edit/"):
            continue  # the edit page is the owner's, and only while the proposal is editable
        response = (client if path.startswith("/projects/") else api.as_(user)).get(path)
        assert response.status_code == 200, path
    for path in LISTS:
        assert api.as_(user).get(path).json()["count"] == 1, path
    assert seen["project"].name in client.get("/projects/").content.decode()


@pytest.mark.parametrize("persona", ["other_owner", "reviewer"])
def test_other_bureau_and_unassigned_reviewer_get_404_everywhere(request, persona, api, client, seen):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for path in endpoints(seen):
        response = (client if path.startswith("/projects/") else api.as_(user)).get(path)
        assert response.status_code == 404, path
    for path in LISTS:
        assert api.as_(user).get(path).json()["count"] == 0, path
    assert seen["project"].name not in client.get("/projects/").content.decode()


@pytest.mark.parametrize("persona", ["other_owner", "reviewer"])
def test_other_bureau_cannot_act_on_upload_to_or_change_the_project(request, persona, api, client, seen):
    user = request.getfixturevalue(persona)
    p = seen["project"]
    for action in ("start", "terminate", "submit", "approve"):
        assert api.as_(user).post(f"/api/v1/projects/{p.pk}/{action}/", {"comment": "x"}).status_code == 404
    assert api.as_(user).patch(f"/api/v1/projects/{p.pk}/", {"name": "改名"}).status_code == 404
    assert api.as_(user).delete(f"/api/v1/projects/{p.pk}/").status_code == 404
    upload = api.as_(user).post(
        "/api/v1/attachments/", {"project": p.pk, "kind": "acceptance", "file": pf.pdf()}, format="multipart"
    )
    # Another bureau's owner cannot name the project (400 on "project"); a reviewer never attaches
    # anything (403 for the role, whatever the project): neither learns that the project exists.
    assert (upload.status_code, "project" in upload.json()) in {(400, True), (403, False)}
    assert api.as_(user).delete(f"/api/v1/attachments/{seen['attachment'].pk}/").status_code == 404
    milestone = api.as_(user).post("/api/v1/milestones/", {"project": p.pk, "name": "x", "planned_date": "2025-05-01"})
    assert (milestone.status_code, "project" in milestone.json()) in {(400, True), (403, False)}
    assert p.attachments.count() == 1 and p.milestones.count() == 1
    client.force_login(user)
    assert client.post(f"/projects/{p.pk}/actions/start/").status_code == 404
    assert client.post(f"/projects/{p.pk}/attachments/", {"kind": "acceptance"}).status_code == 404
    p.refresh_from_db()
    assert p.stage == Stage.APPROVED and p.name != "改名"


def test_owner_sees_the_projects_of_organizations_below_it(api, owner, transport_bureau, plan):
    from tests import factories

    district_office = factories.organization("滨江区交通分局", parent=transport_bureau, short_name="滨江交通")
    below = pf.project(district_office, plan)
    assert api.as_(owner).get(f"/api/v1/projects/{below.pk}/").status_code == 200


def test_owner_of_a_child_organization_does_not_see_the_parents_projects(api, transport_bureau, plan):
    from portfolio.models import Role
    from tests import factories

    district_office = factories.organization("滨江区交通分局", parent=transport_bureau, short_name="滨江交通")
    child_owner = factories.user(Role.OWNER, organization_=district_office)
    above = pf.project(transport_bureau, plan)
    assert api.as_(child_owner).get(f"/api/v1/projects/{above.pk}/").status_code == 404


def test_signed_out_visitors_see_nothing(api, client, seen):
    p = seen["project"].pk
    assert api.get(f"/api/v1/projects/{p}/").status_code in (401, 403)
    assert api.get("/api/v1/projects/").status_code in (401, 403)
    assert client.get(f"/projects/{p}/").status_code == 302
