"""No 500 from input: deep JSON, OPTIONS, malformed filter values, deletes that other records
still refer to, and wrong bodies all answer 4xx in JSON (pages: a message)."""

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db.models import ProtectedError

from portfolio.models import Domain, Organization, Plan, Region, User
from portfolio.references import ProtectedDeleteMiddleware
from projects.lifecycle import Stage
from tests import factories
from tests.projects import factories as pf

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, '{"a":' * 40 + "1" + "}" * 40])
def test_json_nested_too_deep_is_a_400_even_for_the_anonymous_token_endpoint(api, owner, body):
    anonymous = api.post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert anonymous.status_code == 400 and anonymous.json() == {"detail": "JSON 嵌套层级过深。"}
    signed_in = api.as_(owner).post("/api/v1/projects/", data=body, content_type="application/json")
    assert signed_in.status_code == 400 and "嵌套" in signed_in.json()["detail"]
    bulk = api.as_(owner).post("/api/v1/ratings/", data=body, content_type="application/json")
    assert bulk.status_code == 400 and "嵌套" in bulk.json()["detail"]


def test_malformed_json_is_a_400_naming_the_problem(api, owner):
    response = api.as_(owner).post("/api/v1/projects/", data='{"name": ', content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"].startswith("JSON 格式有误")
    nan = api.as_(owner).post("/api/v1/budget-requests/", data='{"amount": NaN}', content_type="application/json")
    assert nan.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ratings/?period=0.5",
        "/api/v1/tickets/?period=abc",
        "/api/v1/spending/?period=99999",
        "/api/v1/projects/?year=0.5",
        "/api/v1/plans/?year=1e400",
        "/api/v1/evaluations/?domain=1.5",
        "/api/v1/measurements/?period=2025.5",
        "/api/v1/organizations/?within=x",
        "/api/v1/tasks/?project=abc",
        "/api/v1/tasks/?project=99999999999999999999999",
    ],
)
def test_malformed_filter_values_are_a_400_naming_the_parameter(api, manager, path):
    response = api.as_(manager).get(path)
    name = path.split("?")[1].split("=")[0]
    assert response.status_code == 400 and name in response.json(), response.content


def test_options_describes_every_endpoint_without_a_server_error(api, manager, owner):
    schema = api.as_(manager).get("/api/v1/schema/?format=json").json()
    for path in schema["paths"]:
        concrete = path.replace("{id}", "999999").replace("{year}", "2026")
        for user in (manager, owner):
            response = api.as_(user).options(concrete)
            # 403: the audit log, which the portfolio office alone may read, says so to the others.
            assert response.status_code in {200, 403, 404}, (path, response.status_code)
            assert response["Content-Type"].startswith("application/json"), path


@pytest.fixture
def referenced(city, transport_bureau, owner, manager):
    """A region, an organization, a user, a plan and a domain, each still referred to by a project."""
    plan = factories.plan(city)
    project = pf.project(transport_bureau, plan, stage=Stage.DRAFT, created_by=owner)
    return {"project": project, "plan": plan}


@pytest.mark.parametrize(
    ("path", "model", "pk", "kind"),
    [
        ("regions", Region, lambda w: w["project"].owner_org.region_id, "organization"),
        ("organizations", Organization, lambda w: w["project"].owner_org_id, "project"),
        ("users", User, lambda w: w["project"].created_by_id, "project"),
        ("plans", Plan, lambda w: w["plan"].pk, "project"),
        ("domains", Domain, lambda w: w["project"].domain_id, "project"),
    ],
)
def test_deleting_what_is_still_referred_to_is_a_409_naming_it(api, manager, referenced, path, model, pk, kind):
    target = pk(referenced)
    response = api.as_(manager).delete(f"/api/v1/{path}/{target}/")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "protected" and kind in {row["kind"] for row in body["referenced_by"]}
    assert body["detail"].startswith("无法删除：仍有其他记录引用它：")
    assert model.objects.filter(pk=target).exists()


def test_a_refused_delete_on_a_page_is_a_message_not_a_server_error(rf, client, manager, referenced):
    plan = referenced["plan"]
    request = rf.post("/somewhere/", HTTP_REFERER="http://testserver/projects/")
    request.session = client.session
    request._messages = FallbackStorage(request)
    with pytest.raises(ProtectedError) as refused:
        plan.delete()
    response = ProtectedDeleteMiddleware(lambda r: None).process_exception(request, refused.value)
    assert response.status_code == 302 and response["Location"] == "http://testserver/projects/"
    assert [str(m) for m in request._messages] == ["无法删除：仍有其他记录引用它：项目（1）。"]
    assert Plan.objects.filter(pk=plan.pk).exists()
    # The admin (where reference data is kept) says so on its own confirmation page.
    client.force_login(manager)
    page = client.post(f"/admin/portfolio/plan/{plan.pk}/delete/", {"post": "yes"})
    assert page.status_code == 200 and Plan.objects.filter(pk=plan.pk).exists()


@pytest.mark.parametrize(
    "body",
    ['"just a string"', "[1, 2, 3]", "null", "42", '{"name": {"nested": true}, "year": "x"}'],
)
def test_wrong_bodies_are_4xx_json(api, owner, manager, body):
    for user, path in ((owner, "/api/v1/projects/"), (manager, "/api/v1/plans/"), (owner, "/api/v1/milestones/")):
        response = api.as_(user).post(path, data=body, content_type="application/json")
        assert 400 <= response.status_code < 500, (path, body, response.status_code)
        assert response["Content-Type"].startswith("application/json")
