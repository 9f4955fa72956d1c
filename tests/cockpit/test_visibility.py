"""Per role: the manager sees the whole portfolio, an owner its organization and those below it —
in every roll-up, the coverage, the at-risk list and the pages — and never another bureau's money."""

from decimal import Decimal

import pytest

from tests.cockpit.conftest import money

DIMENSIONS = ["domain", "stage", "org", "region", "tier", "year", "plan"]


@pytest.mark.parametrize("by", DIMENSIONS)
def test_every_rollup_of_an_owner_counts_only_its_projects(api, owner, manager, portfolio, by):
    mine = api.as_(owner).get("/api/v1/portfolio/rollup/", {"by": by}).json()
    assert mine["totals"]["count"] == 2  # bus and portal
    assert Decimal(mine["totals"]["requested"]) == money(1500000)
    assert Decimal(mine["totals"]["spent"]) == money(300000)
    everyone = api.as_(manager).get("/api/v1/portfolio/rollup/", {"by": by}).json()
    assert everyone["totals"]["count"] == 4
    assert Decimal(everyone["totals"]["spent"]) == money(400000)


@pytest.mark.parametrize("name", ["owner_org", "domain", "plan", "region"])
def test_a_filter_id_that_does_not_exist_is_refused_with_a_message(api, owner, name, portfolio):
    response = api.as_(owner).get("/api/v1/portfolio/rollup/", {"by": "domain", name: 999999})
    assert response.status_code == 400 and name in response.json()


def test_an_owner_cannot_reach_another_bureaus_figures_through_the_filters(
    api, owner, health_bureau, district_health, portfolio
):
    for org in (health_bureau, district_health):
        response = api.as_(owner).get("/api/v1/portfolio/rollup/", {"by": "year", "owner_org": org.pk})
        assert response.status_code == 400
    # The region filter only narrows what it sees: the district holds none of its projects.
    response = api.as_(owner).get("/api/v1/portfolio/rollup/", {"by": "year", "region": district_health.region_id})
    assert response.json()["totals"]["count"] == 0


def test_coverage_lists_visible_projects_and_gaps_for_the_whole_city(
    api, owner, manager, plan, goals, scenarios, portfolio
):
    body = api.as_(owner).get(f"/api/v1/plans/{plan.pk}/coverage/").json()
    goals_by_title = {g["title"]: g for g in body["goals"]}
    health = goals_by_title["优质医疗资源普惠共享"]
    assert health["projects"] == [] and health["gap"] is False  # served, by projects the owner may not see
    traffic = goals_by_title["公共交通服务便捷高效"]
    assert [p["code"] for p in traffic["projects"]] == [portfolio["bus"].code]
    assert body["gaps"]["goals"] == [goals["empty"].pk]
    assert body["gaps"]["scenarios"] == [scenarios["parking"].pk]
    assert [p["code"] for p in body["unlinked"]] == [portfolio["portal"].code]
    everyone = api.as_(manager).get(f"/api/v1/plans/{plan.pk}/coverage/").json()
    health = next(g for g in everyone["goals"] if g["title"] == "优质医疗资源普惠共享")
    assert {p["code"] for p in health["projects"]} == {portfolio["clinic"].code, portfolio["street"].code}
    assert api.as_(owner).get("/api/v1/plans/999999/coverage/").status_code == 404


def test_dashboard_per_role(client, owner, manager, supervisor, finance, reviewer, portfolio):
    client.force_login(manager)
    page = client.get("/cockpit/").content.decode()
    assert 'data-testid="total-count">4<' in page and "chart-domain" in page
    assert "数字经济核心产业占比提高" in page  # a goal with no project
    client.force_login(owner)
    page = client.get("/cockpit/").content.decode()
    assert 'data-testid="total-count">2<' in page
    assert "临江市卫生健康委员会" not in page and "东城区卫生健康局" not in page
    client.force_login(supervisor)
    page = client.get("/cockpit/").content.decode()
    assert (
        'data-testid="total-count">4<' in page and "chart-domain" not in page and 'data-testid="requested"' not in page
    )
    client.force_login(finance)
    assert 'data-testid="requested"' in client.get("/cockpit/").content.decode()
    client.force_login(reviewer)
    assert client.get("/cockpit/").status_code == 404


def test_dashboard_says_what_is_wrong_with_a_filter(client, owner, health_bureau, portfolio):
    client.force_login(owner)
    response = client.get("/cockpit/", {"owner_org": health_bureau.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="filter-errors"' in page and "临江市卫生健康委员会" not in page


def test_project_status_page_and_rating_form(client, owner, other_owner, manager, portfolio):
    bus = portfolio["bus"]
    client.force_login(owner)
    page = client.get(f"/cockpit/projects/{bus.pk}/").content.decode()
    assert 'data-testid="rate-form"' in page
    response = client.post(f"/cockpit/projects/{bus.pk}/rate/", {"month": "2025-06", "light": "green", "comment": ""})
    assert response.status_code == 302 and not bus.status_reports.exists()
    client.post(f"/cockpit/projects/{bus.pk}/rate/", {"month": "2025-06", "light": "green", "comment": "按计划推进。"})
    assert bus.status_reports.get().comment == "按计划推进。"
    client.force_login(manager)
    assert 'data-testid="rate-form"' not in client.get(f"/cockpit/projects/{bus.pk}/").content.decode()
    assert (
        client.post(
            f"/cockpit/projects/{bus.pk}/rate/", {"month": "2025-06", "light": "red", "comment": "x"}
        ).status_code
        == 403
    )
    client.force_login(other_owner)
    assert client.get(f"/cockpit/projects/{bus.pk}/").status_code == 404
    assert (
        client.post(
            f"/cockpit/projects/{bus.pk}/rate/", {"month": "2025-06", "light": "red", "comment": "x"}
        ).status_code
        == 404
    )
