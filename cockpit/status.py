"""Computed status (计算状态) of an implementing project: pure Python over facts read in bulk.

Each active ``StatusRule`` compares one fact with its threshold; the project's light is the worst
light of the rules that fired, and every fired rule is a reason (one per fact: the strictest
that fired). No queries here: ``selectors.project_facts`` reads the facts for many projects at once.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from cockpit.models import LIGHT_ORDER, Light, StatusRule

HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


@dataclass
class Facts:
    """What the rules look at, for one project."""

    schedule_days: int | None = None  # the largest milestone variance against the baseline, in days
    schedule_share: Decimal | None = None  # the same as a share (%) of the baseline duration
    worst_milestone: str = ""
    overdue_milestones: int = 0
    red_warnings: int = 0
    elapsed: Decimal | None = None  # share (%) of the planned period gone by
    execution: Decimal | None = None  # spent ÷ approved budget (%)
    grade: str = ""

    @property
    def execution_behind(self) -> Decimal | None:
        if self.elapsed is None or self.execution is None:
            return None
        return self.elapsed - self.execution

    def value(self, kind: str):
        if kind == StatusRule.Kind.GRADE_D:
            return self.grade or None
        return getattr(self, kind)


@dataclass
class Status:
    light: str
    reasons: list[dict] = field(default_factory=list)


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def elapsed_share(start: date | None, end: date | None, today: date) -> Decimal | None:
    if not start or not end or end <= start:
        return None
    gone = min(max((today - start).days, 0), (end - start).days)
    return percent(gone, (end - start).days)


def _reason_text(rule: StatusRule, facts: Facts, value) -> str:
    kind = rule.kind
    threshold = rule.threshold_text
    if kind == StatusRule.Kind.SCHEDULE_DAYS:
        return _("Milestone “%(name)s” is %(days)s days behind its baseline (threshold %(threshold)s).") % {
            "name": facts.worst_milestone,
            "days": value,
            "threshold": threshold,
        }
    if kind == StatusRule.Kind.SCHEDULE_SHARE:
        return _(
            "Milestone “%(name)s” is behind its baseline by %(share)s%% of the planned duration "
            "(threshold %(threshold)s%%)."
        ) % {
            "name": facts.worst_milestone,
            "share": value,
            "threshold": threshold,
        }
    if kind == StatusRule.Kind.OVERDUE_MILESTONES:
        return _("%(count)s milestones are past their date and not done (threshold %(threshold)s).") % {
            "count": value,
            "threshold": threshold,
        }
    if kind == StatusRule.Kind.RED_WARNINGS:
        return _("%(count)s red warnings are open on its linked tasks (threshold %(threshold)s).") % {
            "count": value,
            "threshold": threshold,
        }
    if kind == StatusRule.Kind.EXECUTION_BEHIND:
        return _(
            "Budget execution %(execution)s%% with %(elapsed)s%% of the planned period gone: "
            "%(behind)s points behind (threshold %(threshold)s)."
        ) % {"execution": facts.execution, "elapsed": facts.elapsed, "behind": value, "threshold": threshold}
    return _("The last evaluation graded it D.")


def fires(rule: StatusRule, value) -> bool:
    if value is None:
        return False
    if rule.kind == StatusRule.Kind.GRADE_D:
        return value == "D"
    return Decimal(value) >= rule.threshold


def compute(facts: Facts, rules: list[StatusRule]) -> Status:
    """The light and its reasons. ``rules``: the active rules, any order."""
    strictest: dict[str, StatusRule] = {}
    for rule in rules:
        if fires(rule, facts.value(rule.kind)):
            held = strictest.get(rule.kind)
            if held is None or LIGHT_ORDER[rule.light] > LIGHT_ORDER[held.light]:
                strictest[rule.kind] = rule
    light = Light.GREEN
    reasons = []
    for kind in StatusRule.Kind.values:  # reasons in a fixed order
        rule = strictest.get(kind)
        if rule is None:
            continue
        value = facts.value(kind)
        if LIGHT_ORDER[rule.light] > LIGHT_ORDER[light]:
            light = Light(rule.light)
        reasons.append(
            {
                "rule": kind,
                "light": rule.light,
                "value": str(value),
                "threshold": str(rule.threshold),
                "text": _reason_text(rule, facts, value),
            }
        )
    return Status(light=str(light), reasons=reasons)
