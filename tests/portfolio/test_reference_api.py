"""Reference data through the API: who sees what, who may change it, and how lists behave."""

import pytest

from portfolio.models import InformationSystem, Organization, Role, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def systems(transport_bureau, health_bureau, data_bureau):
    return {
        "transport": factories.system(transport_bureau, name="智慧交通指挥调度系统"),
        "health": factories.system(health_bureau, name="全民健康信息平台"),
        "shared": factories.system(data_bureau, name="统一身份认证平台", shared=True),
    }


def names(response):
    return {row["name"] for row in response.json()["results"]}


def test_an_owner_lists_its_own_and_shared_systems_only(api, owner, systems):
    response = api.as_(owner).get("/api/v1/systems/")
    assert response.status_code == 200
    assert names(response) == {"智慧交通指挥调度系统", "统一身份认证平台"}


def test_other_bureau_cannot_read_or_guess_a_system(api, other_owner, systems):
    response = api.as_(other_owner).get(f"/api/v1/systems/{systems['transport'].pk}/")
    assert response.status_code == 404
    missing = api.as_(other_owner).get("/api/v1/systems/999999/")
    assert missing.status_code == 404
    assert response.json() == missing.json()  # the same answer as for a row that does not exist


def test_other_bureau_cannot_see_another_bureaus_accounts(api, owner, other_owner):
    response = api.as_(other_owner).get("/api/v1/users/")
    assert {row["username"] for row in response.json()["results"]} == {"owner2"}
    assert api.as_(other_owner).get(f"/api/v1/users/{owner.pk}/").status_code == 404


def test_an_owner_of_a_district_government_sees_its_departments_accounts(api, city):
    district = factories.region("滨江区", parent=city)
    government = factories.organization("滨江区人民政府", region_=district, kind="government")
    department = factories.organization("滨江区数据资源管理局", parent=government)
    head = factories.user(Role.OWNER, organization_=government)
    staff = factories.user(Role.OWNER, organization_=department)
    response = api.as_(head).get("/api/v1/users/")
    assert {row["id"] for row in response.json()["results"]} == {head.pk, staff.pk}


@pytest.mark.parametrize("persona", ["manager", "supervisor", "finance"])
def test_region_wide_roles_see_every_system(api, request, persona, systems):
    user = request.getfixturevalue(persona)
    assert len(api.as_(user).get("/api/v1/systems/").json()["results"]) == 3


def test_a_reviewer_sees_only_their_own_account(api, reviewer, owner):
    response = api.as_(reviewer).get("/api/v1/users/")
    assert [row["username"] for row in response.json()["results"]] == ["reviewer"]


@pytest.mark.parametrize("persona", ["owner", "reviewer", "supervisor", "finance"])
def test_only_the_portfolio_office_changes_reference_data(api, request, persona, city, transport_bureau, systems):
    user = request.getfixturevalue(persona)
    client = api.as_(user)
    assert (
        client.post("/api/v1/organizations/", {"name": "新单位", "short_name": "新", "region": city.pk}).status_code
        == 403
    )
    assert client.post("/api/v1/regions/", {"name": "新区", "level": "district", "parent": city.pk}).status_code == 403
    own_or_shared = systems["shared"]
    assert client.patch(f"/api/v1/systems/{own_or_shared.pk}/", {"users_count": 1}).status_code == 403
    assert client.delete(f"/api/v1/systems/{own_or_shared.pk}/").status_code == 403
    assert InformationSystem.objects.filter(pk=own_or_shared.pk, users_count=0).exists()


def test_the_portfolio_office_keeps_reference_data(api, manager, city, city_government):
    client = api.as_(manager)
    created = client.post(
        "/api/v1/organizations/",
        {"name": "临江市数据资源中心", "short_name": "数据中心", "region": city.pk, "parent": city_government.pk},
    )
    assert created.status_code == 201, created.json()
    org = Organization.objects.get(name="临江市数据资源中心")
    assert org.is_within(city_government)
    system = client.post(
        "/api/v1/systems/",
        {"name": "数据中台", "org": org.pk, "domain": factories.domain().pk, "annual_cost": "120000.50"},
    )
    assert system.status_code == 201, system.json()
    assert system.json()["annual_cost"] == "120000.50"
    assert system.json()["org_name"] == "临江市数据资源中心"


def test_bad_reference_data_gets_field_messages_in_chinese_and_changes_nothing(api, manager, transport_bureau):
    before = InformationSystem.objects.count()
    response = api.as_(manager).post(
        "/api/v1/systems/",
        {"name": "", "org": 999999, "domain": factories.domain().pk, "annual_cost": "-5"},
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) >= {"name", "org", "annual_cost"}
    assert "不能为空" in errors["name"][0] or "空白" in errors["name"][0]
    assert InformationSystem.objects.count() == before


def test_errors_follow_the_callers_language(api, manager):
    response = api.as_(manager).post("/api/v1/regions/", {"level": "district"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["name"] == ["This field is required."]
    chinese = api.as_(manager).post("/api/v1/regions/", {"level": "district"})
    assert chinese.json()["name"] == ["该字段是必填项。"]


def test_a_plan_cannot_end_before_it_starts(api, manager, city):
    response = api.as_(manager).post(
        "/api/v1/plans/", {"region": city.pk, "name": "规划", "start_year": 2027, "end_year": 2025}
    )
    assert response.status_code == 400
    assert "end_year" in response.json()


def test_the_manager_creates_an_account_with_a_policy_compliant_password(api, manager, transport_bureau):
    payload = {"username": "zhangsan", "name": "张三", "organization": transport_bureau.pk, "role": "owner"}
    weak = api.as_(manager).post("/api/v1/users/", {**payload, "password": "12345678"})
    assert weak.status_code == 400
    assert "password" in weak.json()
    assert not User.objects.filter(username="zhangsan").exists()
    strong = api.as_(manager).post("/api/v1/users/", {**payload, "password": "Lin-jiang-2025"})
    assert strong.status_code == 201, strong.json()
    assert "password" not in strong.json()
    assert User.objects.get(username="zhangsan").check_password("Lin-jiang-2025")


def test_an_account_needs_an_organization_and_a_role(api, manager):
    response = api.as_(manager).post(
        "/api/v1/users/", {"username": "lisi", "name": "李四", "password": "Lin-jiang-2025"}
    )
    assert response.status_code == 400
    assert {"organization", "role"} <= set(response.json())


def test_lists_are_paginated_and_the_page_size_is_capped(api, manager, city):
    Organization.objects.bulk_create(
        [Organization(name=f"单位{i}", short_name=f"单{i}", region=city) for i in range(120)]
    )
    Organization.objects.rebuild_paths()
    body = api.as_(manager).get("/api/v1/organizations/?page_size=1000").json()
    assert body["count"] >= 120
    assert len(body["results"]) == 100
    assert body["next"]


def test_organizations_filter_by_subtree_and_search(api, manager, city_government, transport_bureau, health_bureau):
    inside = factories.organization("临江市公路事业发展中心", parent=transport_bureau)
    body = api.as_(manager).get(f"/api/v1/organizations/?within={transport_bureau.pk}").json()
    assert {row["id"] for row in body["results"]} == {transport_bureau.pk, inside.pk}
    found = api.as_(manager).get("/api/v1/organizations/?search=卫生健康").json()
    assert [row["name"] for row in found["results"]] == ["临江市卫生健康委员会"]


def test_the_organization_list_needs_the_same_queries_for_ten_or_a_hundred_rows(
    api, manager, city, django_assert_max_num_queries
):
    def fill(n):
        Organization.objects.bulk_create(
            [Organization(name=f"填充{n}-{i}", short_name="填", region=city) for i in range(n)]
        )
        Organization.objects.rebuild_paths()

    fill(10)
    with django_assert_max_num_queries(4) as small:
        api.as_(manager).get("/api/v1/organizations/?page_size=100")
    fill(90)
    with django_assert_max_num_queries(len(small.captured_queries)):
        api.as_(manager).get("/api/v1/organizations/?page_size=100")


def test_domains_are_the_seven_of_the_national_guideline(api, owner):
    body = api.as_(owner).get("/api/v1/domains/").json()
    assert [row["name"] for row in body["results"]] == [
        "城市数字化共性基础",
        "城市数字经济",
        "新型产城融合",
        "精准精细治理",
        "普惠数字公共服务",
        "绿色智慧宜居环境",
        "城市安全韧性",
    ]


REFERENCE_ENDPOINTS = ["regions", "organizations", "users", "domains", "plans", "systems", "data-resources"]


@pytest.mark.parametrize("endpoint", REFERENCE_ENDPOINTS)
@pytest.mark.parametrize("persona", ["owner", "reviewer", "supervisor", "finance"])
def test_no_role_but_the_portfolio_office_may_create_reference_data(api, request, persona, endpoint):
    user = request.getfixturevalue(persona)
    response = api.as_(user).post(f"/api/v1/{endpoint}/", {})
    assert response.status_code == 403, (endpoint, response.json())


@pytest.mark.parametrize("endpoint", REFERENCE_ENDPOINTS)
def test_every_reference_list_is_paginated(api, manager, endpoint):
    body = api.as_(manager).get(f"/api/v1/{endpoint}/").json()
    assert {"count", "next", "previous", "results"} <= set(body)


def test_a_user_cannot_promote_themselves(api, owner):
    response = api.as_(owner).patch(f"/api/v1/users/{owner.pk}/", {"role": "manager"})
    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.role == Role.OWNER
