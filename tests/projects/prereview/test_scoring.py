"""The rule score and the recommendation, database-free: which rules fire, what they add up to,
and which decision the report recommends, with its reasons."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from projects.duplicates.check import DuplicateReport, Match
from projects.duplicates.scoring import SharedFunction
from projects.prereview.recommendation import recommend
from projects.prereview.scoring import score


@dataclass
class Version:
    rule_id: int
    name: str
    conditions: list
    criterion: str = "reuse"
    points: int = 0
    red_line: bool = False
    number: int = 1
    description: str = ""


REUSE = Version(
    1, "复用公共组件", [{"fact": "reuses_shared_components", "operator": "is_true", "value": None}], points=10
)
SHARES = Version(2, "共享数据", [{"fact": "shares_data", "operator": "is_true", "value": None}], points=5)
BIG = Version(3, "服务人数超过10万", [{"fact": "beneficiaries", "operator": "gt", "value": 100000}], "impact", points=5)
PARTIAL = Version(4, "部分重复", [{"fact": "duplicate_verdict", "operator": "eq", "value": "partial"}], points=-5)
APP = Version(
    5, "独立App", [{"fact": "has_mobile_app", "operator": "is_true", "value": None}], "compliance", red_line=True
)
NEEDS_REVIEW = Version(
    6,
    "预算30万元及以上须经专家评审",
    [
        {"fact": "budget_requested", "operator": "ge", "value": "300000.00"},
        {"fact": "expert_review_count", "operator": "lt", "value": 1},
    ],
    "compliance",
    red_line=True,
)
DUPLICATE = Version(
    7, "重复建设", [{"fact": "duplicate_verdict", "operator": "eq", "value": "duplicate"}], "compliance", red_line=True
)
RULES = [REUSE, SHARES, BIG, PARTIAL, APP, NEEDS_REVIEW, DUPLICATE]

FACTS = {
    "reuses_shared_components": True,
    "shares_data": False,
    "beneficiaries": 350000,
    "duplicate_verdict": "partial",
    "has_mobile_app": False,
    "budget_requested": Decimal("4200000.00"),
    "expert_review_count": 0,
}


def test_score_adds_the_points_of_the_rules_that_fire_per_criterion_and_in_total():
    result = score(RULES, FACTS)
    assert [hit.version.name for hit in result.fired] == ["复用公共组件", "服务人数超过10万", "部分重复"]
    assert result.total == 10 + 5 - 5
    assert result.by_criterion == {"innovation": 0, "demonstration": 0, "impact": 5, "reuse": 5, "compliance": 0}
    assert [hit.version.name for hit in result.red_lines] == ["预算30万元及以上须经专家评审"]
    assert [v.rule_id for v in result.used] == [1, 2, 3, 4, 5, 6, 7]


def test_each_fired_rule_lists_the_values_it_saw():
    result = score(RULES, FACTS)
    big = result.fired[1].as_dict()
    assert big["value"] == 350000 and big["points"] == 5 and big["rule"] == 3 and big["version"] == 1
    assert big["explanation"] == "服务人数：350,000 人（规则：> 100,000 人）"
    review = result.red_lines[0].as_dict()
    assert [c["seen"] for c in review["conditions"]] == ["4200000.00", 0]
    assert "申报预算：4,200,000.00 元（规则：≥ 300,000.00 元）" in review["explanation"]


def test_a_rule_whose_fact_is_unknown_does_not_fire():
    assert score([BIG], {**FACTS, "beneficiaries": None}).fired == []


# --- Recommendation -----------------------------------------------------------------------------


def match(kind="system", name="公交电子站牌与实时公交系统", coverage=1.0):
    shared = (SharedFunction("车辆到站时间预测", "到站时间预报", 0.9),)
    return Match(kind, 1, name, 1, "临江市交通运输局", True, 0.7, coverage, shared, ("到站",))


def report(verdict, *, cut=None, main=None):
    return DuplicateReport(verdict, 0.8, (match(),), 0.5, 4, cut, main_match=main)


@dataclass
class Hit:
    version: Version
    about_process: bool = False
    seen: tuple = field(default_factory=tuple)

    @property
    def rule_id(self):
        return self.version.rule_id

    @property
    def is_about_process(self):
        return self.about_process

    def explanation(self):
        return "……"


def override(reason="经研究同意"):
    return SimpleNamespace(by=SimpleNamespace(name="陈静", username="manager"), at=timezone.now(), reason=reason)


def advise(verdict="clear", *, cut=None, standing=(), overridden=(), opinions=(), pending=0, main=None):
    duplicate = report(verdict, cut=cut, main=main) if verdict else None
    return recommend(
        duplicate=duplicate,
        standing=list(standing),
        overridden=list(overridden),
        opinions=list(opinions),
        pending=pending,
    )


def test_a_duplicate_is_recommended_for_rejection_naming_what_it_duplicates():
    advice = advise("duplicate", main=match(), opinions=["pass"])
    assert advice.action == "reject"
    assert "公交电子站牌与实时公交系统" in " ".join(advice.reasons)


def test_a_duplicate_whose_red_line_was_overridden_is_not_rejected_for_it():
    duplicate_hit = Hit(DUPLICATE, seen=(SimpleNamespace(condition=DUPLICATE.conditions[0]),))
    advice = advise("duplicate", main=match(), overridden=[(duplicate_hit, override())], opinions=["pass"])
    assert advice.action == "approve"
    assert any("经研究同意" in reason for reason in advice.reasons)


def test_a_majority_of_rejecting_experts_rejects():
    assert advise(opinions=["reject", "reject", "pass"]).action == "reject"
    assert advise(opinions=["reject", "pass"]).action == "return"  # not a majority: revise instead


def test_a_red_line_on_the_proposal_itself_returns_it_for_revision():
    advice = advise(standing=[Hit(APP)])
    assert (advice.action, advice.blocked) == ("return", True)
    assert "独立App" in advice.reasons[0]


def test_a_red_line_about_the_process_blocks_without_returning_the_proposal():
    advice = advise(standing=[Hit(NEEDS_REVIEW, about_process=True)], pending=1)
    assert (advice.action, advice.blocked) == ("approve", True)
    assert any("立项前须先满足" in reason for reason in advice.reasons)
    assert any("1 份尚未提交" in reason for reason in advice.reasons)


def test_an_expert_asking_for_revision_returns_it():
    assert advise(opinions=["pass", "revise"]).action == "return"


def test_a_partial_overlap_is_approved_with_the_suggested_cut():
    advice = advise("partial", cut=Decimal("2100000.00"), opinions=["pass"])
    assert (advice.action, advice.cut) == ("approve_with_cut", Decimal("2100000.00"))
    assert advice.as_dict()["cut"] == "2100000.00"


def test_a_clear_proposal_the_experts_pass_is_approved():
    advice = advise("clear", opinions=["pass", "pass"])
    assert (advice.action, advice.cut, advice.blocked) == ("approve", None, False)
    assert "2 份专家评审意见均建议通过。" in advice.reasons


@pytest.mark.parametrize("when", [datetime(2026, 3, 1, 9, 0, tzinfo=timezone.get_current_timezone())])
def test_overrides_are_named_in_the_reasons_with_who_and_when(when):
    hit = Hit(APP)
    record = SimpleNamespace(by=SimpleNamespace(name="陈静", username="manager"), at=when, reason="依托临江办建设")
    advice = advise(overridden=[(hit, record)])
    assert advice.action == "approve"
    assert "红线“独立App”已由陈静于2026年3月1日解除，理由：依托临江办建设" in advice.reasons
