"""Indicators are data the portfolio office keeps: built-ins from a migration, tier targets, checks."""

from decimal import Decimal

from evaluation.models import Indicator


def test_the_three_builtin_indicators_come_with_design_defaults(db):
    rows = {
        i.code: (i.category, i.source, i.weight, i.baseline_value, i.target_value)
        for i in Indicator.objects.filter(is_builtin=True)
    }
    assert rows == {
        "resolution": ("catch_up", "resolution", Decimal(40), Decimal(60), Decimal(95)),
        "satisfaction": ("catch_up", "satisfaction", Decimal(40), Decimal(60), Decimal(95)),
        "execution": ("catch_up", "execution", Decimal(20), Decimal(50), Decimal(95)),
    }


def test_manager_creates_an_indicator_with_tier_targets(api, manager, finance):
    body = {
        "code": "response_hours",
        "name": "工单平均响应时长",
        "category": "catch_up",
        "source": "measurement",
        "unit": "小时",
        "weight": "10",
        "baseline_value": "48",
        "target_value": "8",
        "lower_is_better": True,
        "targets": [
            {"tier": "leading", "target_value": "4"},
            {"tier": "foundational", "baseline_value": "72", "target_value": "12"},
        ],
    }
    assert api.as_(finance).post("/api/v1/indicators/", body, format="json").status_code == 403
    response = api.as_(manager).post("/api/v1/indicators/", body, format="json")
    assert response.status_code == 201, response.json()
    assert {t["tier"]: t["target_value"] for t in response.json()["targets"]} == {
        "leading": "4.0000",
        "foundational": "12.0000",
    }


def test_inconsistent_indicators_are_refused_with_field_messages(api, manager):
    wrong_way = {
        "code": "x",
        "name": "x",
        "category": "catch_up",
        "weight": "10",
        "baseline_value": "10",
        "target_value": "5",
    }
    response = api.as_(manager).post("/api/v1/indicators/", wrong_way, format="json")
    assert response.status_code == 400 and "target_value" in response.json()
    tier_wrong = {**wrong_way, "target_value": "50", "targets": [{"tier": "leading", "target_value": "5"}]}
    assert api.as_(manager).post("/api/v1/indicators/", tier_wrong, format="json").status_code == 400
    no_bonus = {"code": "y", "name": "y", "category": "innovation", "target_value": "1"}
    assert "bonus" in api.as_(manager).post("/api/v1/indicators/", no_bonus, format="json").json()
    assert not Indicator.objects.filter(code__in=["x", "y"]).exists()


def test_a_builtin_indicator_cannot_be_deleted(api, manager):
    satisfaction = Indicator.objects.get(code="satisfaction")
    assert api.as_(manager).delete(f"/api/v1/indicators/{satisfaction.pk}/").status_code == 400
    assert Indicator.objects.filter(code="satisfaction").exists()


def test_the_api_cannot_rename_a_builtin_indicator(api, manager):
    satisfaction = Indicator.objects.get(code="satisfaction")
    url = f"/api/v1/indicators/{satisfaction.pk}/"
    for change in ({"code": "renamed"}, {"source": "measurement"}):
        response = api.as_(manager).patch(url, change, format="json")
        assert response.status_code == 400, response.content
        assert "内置指标的编码和数据来源不可修改" in str(response.json())
    satisfaction.refresh_from_db()
    assert (satisfaction.code, satisfaction.source) == ("satisfaction", "satisfaction")
    assert api.as_(manager).patch(url, {"weight": "35.00"}, format="json").status_code == 200  # the rest stays editable
