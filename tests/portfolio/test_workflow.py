"""The transition-table machinery shared by every lifecycle. Database-free."""

import pytest

from portfolio.workflow import InvalidTransition, RequirementsNotMet, TransitionTable

TABLE = TransitionTable(
    {"open": ({"new"}, "open"), "close": ({"open", "new"}, "closed")},
    state_field="status",
    state_labels={"new": "新建", "open": "进行中", "closed": "已关闭"},
    action_labels={"open": "开始", "close": "关闭"},
)


def test_allowed_actions_follow_the_table_in_declaration_order():
    assert TABLE.allowed("new") == ["open", "close"]
    assert TABLE.allowed("open") == ["close"]
    assert TABLE.allowed("closed") == []


def test_target_of_an_allowed_action():
    assert TABLE.target("new", "open") == "open"


def test_a_refused_action_names_the_current_state_and_what_is_allowed():
    with pytest.raises(InvalidTransition) as refused:
        TABLE.target("open", "open")
    error = refused.value
    assert (error.state_field, error.state, error.action) == ("status", "open", "open")
    assert error.allowed == {"close": "关闭"}
    assert "进行中" in error.message and "关闭" in error.message


def test_an_unknown_action_is_refused_like_a_disallowed_one():
    with pytest.raises(InvalidTransition):
        TABLE.target("new", "explode")


def test_requirements_keep_their_fields():
    error = RequirementsNotMet({"comment": "请填写意见", "approved_budget": ["必填", "须为正数"]})
    assert error.errors == {"comment": ["请填写意见"], "approved_budget": ["必填", "须为正数"]}
