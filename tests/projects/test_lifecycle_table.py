"""The project lifecycle table, every (stage, action) pair, against DESIGN.md. Database-free."""

import itertools

import pytest

from portfolio.workflow import InvalidTransition
from projects.lifecycle import (
    ACTORS,
    ATTACHMENT_RULES,
    COMMENT_PROMPTS,
    COMMENT_REQUIRED,
    TRANSITIONS,
    Action,
    Stage,
)
from projects.services import ACTION_RULES

S = Stage
# DESIGN.md "Project lifecycle", written out pair by pair: (stage, action) -> the stage it leads to.
EXPECTED = {
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.RETURNED, Action.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Action.START_REVIEW): S.PREREVIEW,
    (S.PREREVIEW, Action.RETURN): S.RETURNED,
    (S.PREREVIEW, Action.REJECT): S.REJECTED,
    (S.PREREVIEW, Action.APPROVE): S.APPROVED,
    (S.APPROVED, Action.START): S.IMPLEMENTING,
    (S.IMPLEMENTING, Action.REQUEST_ACCEPTANCE): S.ACCEPTANCE,
    (S.ACCEPTANCE, Action.ACCEPT): S.ACCEPTED,
    (S.ACCEPTANCE, Action.FAIL_ACCEPTANCE): S.IMPLEMENTING,
    **{
        (stage, Action.TERMINATE): S.TERMINATED
        for stage in Stage
        if stage not in {S.ACCEPTED, S.REJECTED, S.TERMINATED}
    },
}
PAIRS = list(itertools.product(Stage, Action))


@pytest.mark.parametrize(("stage", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_every_stage_action_pair_follows_the_design(stage, action):
    if (stage, action) in EXPECTED:
        assert TRANSITIONS.target(stage, action) == EXPECTED[stage, action]
        assert action in TRANSITIONS.allowed(stage)
    else:
        with pytest.raises(InvalidTransition) as refused:
            TRANSITIONS.target(stage, action)
        assert refused.value.state == stage
        assert action not in TRANSITIONS.allowed(stage)
        assert set(refused.value.allowed) == {a for (s, a) in EXPECTED if s == stage}


def test_final_stages_allow_nothing():
    for stage in (S.ACCEPTED, S.REJECTED, S.TERMINATED):
        assert TRANSITIONS.allowed(stage) == []


def test_every_stage_is_reachable_from_a_draft():
    reached, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        stage = frontier.pop()
        for action in TRANSITIONS.allowed(stage):
            target = TRANSITIONS.target(stage, action)
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Stage)


def test_actors_follow_the_design():
    assert {
        Action.SUBMIT: {"owner"},
        Action.START_REVIEW: {"manager"},
        Action.RETURN: {"manager"},
        Action.REJECT: {"manager"},
        Action.APPROVE: {"manager"},
        Action.START: {"owner", "manager"},
        Action.REQUEST_ACCEPTANCE: {"owner"},
        Action.ACCEPT: {"manager"},
        Action.FAIL_ACCEPTANCE: {"manager"},
        Action.TERMINATE: {"manager"},
    } == ACTORS


def test_every_action_has_its_rules_and_every_required_comment_its_prompt():
    assert set(ACTION_RULES) == set(Action)
    assert {Action.RETURN, Action.REJECT, Action.FAIL_ACCEPTANCE, Action.TERMINATE, Action.ACCEPT} == COMMENT_REQUIRED
    assert set(COMMENT_PROMPTS) == set(COMMENT_REQUIRED)


def test_attachment_rules_name_real_stages_and_roles():
    for stages in ATTACHMENT_RULES.values():
        assert set(stages) <= set(Stage)
        assert all(roles <= {"owner", "manager"} for roles in stages.values())
