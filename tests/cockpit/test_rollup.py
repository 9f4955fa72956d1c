"""Roll-ups against the hand-built portfolio of conftest.py, and the lists behind their numbers."""

import re
from decimal import Decimal

import pytest

from tests.cockpit.conftest import money


def rows(response):
    assert response.status_code == 200, response.content
    return {row["label"]: row for row in response.json()["rows"]}


def test_manager_sees_money_by_domain_of_the_whole_portfolio(api, manager, portfolio):
    by_domain = rows(api.as_(manager).get("/api/v1/portfolio/rollup/", {"by": "domain"}))
    livable = by_domain["绿色智慧宜居环境"]
    assert livable["count"] == 2
    assert Decimal(livable["requested"]) == money(3000000)
    assert Decimal(livable["approved"]) == money(2700000)
    assert Decimal(livable["spent"]) == money(400000)
    assert Decimal(livable["operating"]) == money(130000)  # finance's 80,000 counts, not the 100,000 asked
    service = by_domain["普惠数字公共服务"]
    assert (service["count"], Decimal(service["requested"]), Decimal(service["spent"])) == (2, money(1200000), 0)


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("tier", {"先行示范": 3, "补短板": 1}),
        ("region", {"临江市": 3, "东城区": 1}),
        ("year", {"2025": 2, "2026": 2}),
        ("stage", {"实施中": 2, "草稿": 1, "已验收": 1}),
        ("org", {"临江市交通运输局": 2, "临江市卫生健康委员会": 1, "东城区卫生健康局": 1}),
    ],
)
def test_counts_by_every_dimension(api, manager, portfolio, by, expected):
    got = {
        label: row["count"]
        for label, row in rows(api.as_(manager).get("/api/v1/portfolio/rollup/", {"by": by})).items()
    }
    assert got == expected


def test_filters_narrow_the_rollup(api, manager, portfolio, district):
    by_year = rows(api.as_(manager).get("/api/v1/portfolio/rollup/", {"by": "year", "region": district.pk}))
    assert {label: r["count"] for label, r in by_year.items()} == {"2026": 1}
    assert f"region={district.pk}" in by_year["2026"]["list_url"]


def test_owner_sees_its_own_bureau_only(api, owner, other_owner, portfolio):
    mine = rows(api.as_(owner).get("/api/v1/portfolio/rollup/", {"by": "domain"}))
    assert {label: r["count"] for label, r in mine.items()} == {"绿色智慧宜居环境": 1, "普惠数字公共服务": 1}
    assert Decimal(mine["绿色智慧宜居环境"]["spent"]) == money(300000)  # never the clinic's money
    theirs = rows(api.as_(other_owner).get("/api/v1/portfolio/rollup/", {"by": "org"}))
    assert set(theirs) == {"临江市卫生健康委员会", "东城区卫生健康局"}  # its organization and the one below it


def test_a_foreign_organization_in_a_filter_answers_like_one_that_does_not_exist(api, owner, health_bureau, portfolio):
    foreign = api.as_(owner).get("/api/v1/portfolio/rollup/", {"by": "domain", "owner_org": health_bureau.pk})
    missing = api.as_(owner).get("/api/v1/portfolio/rollup/", {"by": "domain", "owner_org": 999999})
    assert foreign.status_code == missing.status_code == 400
    assert list(foreign.json()) == list(missing.json()) == ["owner_org"]


def test_supervisor_sees_counts_and_not_the_money(api, supervisor, finance, portfolio):
    row = api.as_(supervisor).get("/api/v1/portfolio/rollup/", {"by": "domain"}).json()["rows"][0]
    assert "count" in row and "requested" not in row and "spent" not in row
    row = api.as_(finance).get("/api/v1/portfolio/rollup/", {"by": "domain"}).json()["rows"][0]
    assert "spent" in row


def test_reviewer_sees_no_portfolio_and_bad_dimension_is_refused(api, reviewer, manager, portfolio):
    assert api.as_(reviewer).get("/api/v1/portfolio/rollup/", {"by": "domain"}).status_code == 404
    bad = api.as_(manager).get("/api/v1/portfolio/rollup/", {"by": "colour"})
    assert bad.status_code == 400 and "by" in bad.json()


@pytest.mark.parametrize("by", ["domain", "stage", "org", "region", "tier", "year", "plan"])
def test_every_number_drills_down_to_a_list_whose_totals_equal_it(client, api, manager, portfolio, by):
    """The clicked row's figures = the project list's totals, on the API and on the page."""
    client.force_login(manager)
    for row in rows(api.as_(manager).get("/api/v1/portfolio/rollup/", {"by": by})).values():
        query = row["api_url"].split("?", 1)[1]
        totals = api.as_(manager).get(f"/api/v1/projects/totals/?{query}").json()
        for name in ("count", "requested", "approved", "spent", "operating"):
            assert Decimal(str(totals[name])) == Decimal(str(row[name])), (by, row["label"], name)
        assert api.as_(manager).get(f"/api/v1/projects/?{query}").json()["count"] == row["count"]
        page = client.get(row["list_url"]).content.decode()
        assert re.search(r'data-testid="total-count">(\d+)<', page).group(1) == str(row["count"])


def test_owner_drill_down_keeps_to_its_own_projects(client, api, owner, portfolio):
    client.force_login(owner)
    rollup = api.as_(owner).get("/api/v1/portfolio/rollup/", {"by": "domain"}).json()
    livable = next(r for r in rollup["rows"] if r["label"] == "绿色智慧宜居环境")
    page = client.get(livable["list_url"]).content.decode()
    assert portfolio["bus"].name in page and portfolio["clinic"].name not in page
    assert 'data-testid="total-count">1<' in page
