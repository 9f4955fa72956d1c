"""The rule score of a project: which rules fire on its facts, and what they add up to.

Pure Python over rule versions (anything with ``rule_id``, ``number``, ``name``, ``conditions``,
``criterion``, ``points``, ``red_line``) and a mapping of facts, so it is tested without a database.
A rule fires when all its conditions hold; a points rule adds its points (±) to its criterion, a red
line is listed among the red lines instead. Every fired rule carries the values it saw.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from projects.prereview import facts as F
from projects.prereview.models import Criterion


@dataclass(frozen=True)
class Seen:
    """One condition of a fired rule, and the project's value it was compared with."""

    condition: dict
    value: object

    def explanation(self) -> str:
        fact = F.FACTS[self.condition["fact"]]
        seen = F.display(fact.name, self.value)
        if self.condition["operator"] in F.NO_VALUE:
            return _("%(fact)s: %(seen)s") % {"fact": fact.label, "seen": seen}
        return _("%(fact)s: %(seen)s (rule: %(operator)s %(value)s)") % {
            "fact": fact.label,
            "seen": seen,
            "operator": F.Operator(self.condition["operator"]).label,
            "value": F.display(fact.name, self.condition["value"]),
        }

    def as_dict(self) -> dict:
        fact = F.FACTS[self.condition["fact"]]
        return {
            "fact": fact.name,
            "fact_label": str(fact.label),
            "operator": self.condition["operator"],
            "operator_label": str(F.Operator(self.condition["operator"]).label),
            "value": self.condition["value"],
            "seen": json_value(self.value),
            "seen_label": F.display(fact.name, self.value),
            "text": F.describe(self.condition),
            "explanation": self.explanation(),
        }


@dataclass(frozen=True)
class Hit:
    """A rule that fired."""

    version: object  # RuleVersion
    seen: tuple[Seen, ...]

    @property
    def rule_id(self) -> int:
        return self.version.rule_id

    @property
    def is_about_process(self) -> bool:
        """Whether it tests how the review went (expert reviews), not only what the proposal says."""
        return any(F.FACTS[s.condition["fact"]].source == F.Source.REVIEWS for s in self.seen)

    def explanation(self) -> str:
        """The values it saw against what it asks: 申报预算：3,200,000.00 元（规则 ≥ 300,000.00 元）."""
        return "；".join(s.explanation() for s in self.seen)

    def as_dict(self) -> dict:
        v = self.version
        return {
            "rule": v.rule_id,
            "version": v.number,
            "name": v.name,
            "description": v.description,
            "criterion": v.criterion,
            "criterion_label": str(Criterion(v.criterion).label),
            "points": v.points,
            "value": self.seen[0].as_dict()["seen"] if self.seen else None,
            "conditions": [s.as_dict() for s in self.seen],
            "explanation": self.explanation(),
        }


@dataclass
class RuleScore:
    total: int = 0
    by_criterion: dict = field(default_factory=lambda: dict.fromkeys(Criterion.values, 0))
    fired: list[Hit] = field(default_factory=list)  # points rules that fired
    red_lines: list[Hit] = field(default_factory=list)  # red lines that fired
    used: list = field(default_factory=list)  # every rule version evaluated

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "by_criterion": dict(self.by_criterion),
            "fired": [hit.as_dict() for hit in self.fired],
            "rules_used": [{"rule": v.rule_id, "version": v.number, "name": v.name} for v in self.used],
        }


def score(versions: Iterable, facts: Mapping) -> RuleScore:
    result = RuleScore()
    for version in versions:
        result.used.append(version)
        conditions = version.conditions
        if not conditions or not all(F.holds(condition, facts) for condition in conditions):
            continue
        hit = Hit(version, tuple(Seen(c, facts.get(c["fact"])) for c in conditions))
        if version.red_line:
            result.red_lines.append(hit)
        else:
            result.fired.append(hit)
            result.total += version.points
            result.by_criterion[version.criterion] += version.points
    return result


def json_value(value):
    """A seen value as JSON keeps it: Decimals as text with their places."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value
