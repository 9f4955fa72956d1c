"""Rules are data: the facts they may test, the operators, the values — and the refusals in Chinese."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects.prereview import facts as F

pytestmark = pytest.mark.django_db  # the domain list is read from the database


def refusal(condition) -> str:
    with pytest.raises(ValidationError) as error:
        F.clean_condition(condition)
    return " ".join(error.value.messages)


def test_a_rule_on_an_unknown_field_is_refused_naming_what_may_be_tested():
    message = refusal({"fact": "salary", "operator": "gt", "value": 1})
    assert "未知的字段或事实“salary”" in message and "budget_requested（申报预算）" in message


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "budget_requested", "operator": "ge", "value": "三十万"}, "是以元为单位的金额"),
        ({"fact": "budget_requested", "operator": "ge", "value": True}, "是以元为单位的金额"),
        ({"fact": "warranty_months", "operator": "lt", "value": "12.5"}, "是整数"),
        ({"fact": "duplicate_overlap", "operator": "ge", "value": 2}, "0 到 1 之间的比例"),
        ({"fact": "duplicate_verdict", "operator": "eq", "value": "copy"}, "不是“查重结论”的可选值"),
        ({"fact": "has_mobile_app", "operator": "gt", "value": 1}, "不能用“>”比较"),
        ({"fact": "beneficiaries", "operator": "is about", "value": 1}, "未知的比较符"),
        ({"fact": "beneficiaries", "operator": "gt"}, "请填写与“服务人数”比较的值"),
        ({"fact": "domain", "operator": "in", "value": []}, "至少需要一个值"),
        ("budget_requested >= 300000", "每个条件须包含"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_with_a_clear_message(condition, expected):
    assert expected in refusal(condition)


def test_operators_may_be_written_as_symbols_and_values_are_stored_typed():
    assert F.clean_condition({"fact": "budget_requested", "operator": "≥", "value": "300,000"}) == {
        "fact": "budget_requested",
        "operator": "ge",
        "value": "300000.00",
    }
    assert F.clean_condition({"fact": "warranty_months", "operator": "<", "value": "12"})["value"] == 12
    assert F.clean_condition({"fact": "shares_data", "operator": "=", "value": True})["operator"] == "is_true"
    assert F.clean_condition({"fact": "shares_data", "operator": "is false"})["operator"] == "is_false"
    # A choice may be given by its label; a list by a comma-separated text.
    assert F.clean_condition({"fact": "duplicate_verdict", "operator": "in", "value": "重复建设, partial"})[
        "value"
    ] == ["duplicate", "partial"]


def test_conditions_are_numbered_in_their_refusal():
    with pytest.raises(ValidationError) as error:
        F.clean_conditions([{"fact": "shares_data", "operator": "is_true"}, {"fact": "x", "operator": "eq"}])
    assert error.value.messages[0].startswith("条件 2：未知的字段或事实“x”")
    with pytest.raises(ValidationError):
        F.clean_conditions([])
    with pytest.raises(ValidationError):
        F.clean_conditions([{"fact": "shares_data", "operator": "is_true"}] * 4)


@pytest.mark.parametrize(
    ("operator", "value", "seen", "holds"),
    [
        ("eq", "300000.00", Decimal("300000"), True),
        ("ne", "300000.00", Decimal("300000"), False),
        ("lt", "300000.00", Decimal("299999.99"), True),
        ("le", "300000.00", Decimal("300000"), True),
        ("gt", "300000.00", Decimal("300000"), False),
        ("ge", "300000.00", Decimal("300000"), True),
        ("ge", "300000.00", None, False),  # unknown never fires
    ],
)
def test_each_comparison_holds_as_written(operator, value, seen, holds):
    condition = {"fact": "budget_requested", "operator": operator, "value": value}
    assert F.holds(condition, {"budget_requested": seen}) is holds


def test_in_and_yes_no_operators():
    assert F.holds({"fact": "warranty_months", "operator": "in", "value": [6, 12]}, {"warranty_months": 12})
    assert not F.holds({"fact": "warranty_months", "operator": "in", "value": [6, 12]}, {"warranty_months": 24})
    assert F.holds({"fact": "has_mobile_app", "operator": "is_true", "value": None}, {"has_mobile_app": True})
    assert not F.holds({"fact": "has_mobile_app", "operator": "is_false", "value": None}, {"has_mobile_app": True})


def test_conditions_read_as_sentences():
    assert F.describe({"fact": "budget_requested", "operator": "ge", "value": "300000.00"}) == (
        "申报预算 ≥ 300,000.00 元"
    )
    assert F.describe({"fact": "has_mobile_app", "operator": "is_true", "value": None}).endswith("为是")


def test_the_default_rules_are_valid_rules():
    from projects.prereview.models import RuleVersion
    from projects.prereview.services import clean_rule

    versions = list(RuleVersion.objects.current())
    assert len(versions) >= 10
    for version in versions:
        content = {name: getattr(version, name) for name in ("name", "description", "conditions", "criterion")}
        cleaned = clean_rule({**content, "points": version.points, "red_line": version.red_line})
        assert cleaned["conditions"] == version.conditions, version.name
    red_lines = {v.name for v in versions if v.red_line}
    assert {"预算30万元及以上须经专家评审", "建设独立移动App", "质保期少于12个月", "与已有建设重复"} <= red_lines


def test_a_list_of_domains_reads_their_names_once(django_assert_num_queries):
    """A condition on several domains is shown with one query for their names, not one per domain."""
    codes = ["public_service", "smart_governance", "digital_economy", "urban_resilience"]
    with django_assert_num_queries(1):
        text = F.display("domain", codes)
    assert text.count("、") == 3
