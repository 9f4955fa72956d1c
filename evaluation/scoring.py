"""The evaluation formulas of DESIGN.md "Outcomes and results-based budgeting". Pure Python.

Everything is Decimal, rounded half-up only where a number is shown or stored: indicator values
and points to two decimals in the breakdown, the score to one decimal. The grade is decided on
the rounded score, the number the user sees.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from evaluation.models.indicators import Category, Source

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
GRADE_BANDS = (("A", Decimal(90)), ("B", Decimal(80)), ("C", Decimal(60)))


def round_to(value: Decimal | None, step: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(step, rounding=ROUND_HALF_UP)


# Formatting a Decimal rounds with the context's rounding: half-up here, not Python's half-even.
HALF_UP = Context(prec=28, rounding=ROUND_HALF_UP)


def text(value: Decimal | None, places: str = ".2f") -> str | None:
    """A Decimal as the string the API and the breakdown show, rounded half-up (None stays None)."""
    if value is None:
        return None
    with localcontext(HALF_UP):
        return format(value, places)


@dataclass
class ProjectInputs:
    """What one project's evaluation for a period is computed from (one aggregate row per source)."""

    tier: str
    domain_id: int | None = None
    tickets_received: int = 0
    tickets_resolved: int = 0
    ratings: int = 0
    ratings_sum: int = 0
    ratings_satisfied: int = 0  # 4 or 5
    poor_ratings: int = 0  # 1 or 2 (差评)
    rectified_on_time: int = 0
    rectified_late: int = 0  # closed after the deadline, or still open past it
    spent: Decimal = ZERO
    approved_budget: Decimal | None = None
    measurements: dict = field(default_factory=dict)  # indicator id -> Decimal


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator as the evaluation sees it, with its per-tier (baseline, target) overrides."""

    id: int
    code: str
    name: str
    category: str
    source: str
    weight: Decimal
    baseline_value: Decimal | None
    target_value: Decimal
    lower_is_better: bool = False
    bonus: Decimal = ZERO
    domain_id: int | None = None
    tier_values: dict = field(default_factory=dict)  # tier -> (baseline or None, target)

    def values_for(self, tier: str) -> tuple[Decimal | None, Decimal]:
        baseline, target = self.tier_values.get(tier, (None, None))
        if target is None:
            return self.baseline_value, self.target_value
        return (baseline if baseline is not None else self.baseline_value), target


@dataclass
class Result:
    score: Decimal | None
    grade: str
    baseline_met: bool
    catch_up_score: Decimal | None
    bonus: Decimal
    breakdown: dict
    summary: dict


# Bump when a formula changes, so every stored result is recomputed once.
FORMULA_VERSION = 3


def fingerprint(specs: list[IndicatorSpec]) -> str:
    """What the indicators contribute to a result: any edit to them changes it."""
    return repr(
        [
            (
                s.id,
                s.code,
                s.name,
                s.category,
                s.source,
                s.weight,
                s.baseline_value,
                s.target_value,
                s.lower_is_better,
                s.bonus,
                s.domain_id,
                sorted(s.tier_values.items()),
            )
            for s in specs
        ]
    )


def specs_to_json(specs: list[IndicatorSpec]) -> list[dict]:
    """The indicators as stored in an EvaluationBasis (decimals as strings)."""

    def number(value):
        return None if value is None else str(value)

    return [
        {
            "id": s.id,
            "code": s.code,
            "name": s.name,
            "category": s.category,
            "source": s.source,
            "weight": number(s.weight),
            "baseline_value": number(s.baseline_value),
            "target_value": number(s.target_value),
            "lower_is_better": s.lower_is_better,
            "bonus": number(s.bonus),
            "domain_id": s.domain_id,
            "tier_values": {tier: [number(b), number(t)] for tier, (b, t) in sorted(s.tier_values.items())},
        }
        for s in specs
    ]


def specs_from_json(rows: list[dict]) -> list[IndicatorSpec]:
    def number(value):
        return None if value is None else Decimal(value)

    return [
        IndicatorSpec(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            category=row["category"],
            source=row["source"],
            weight=number(row["weight"]),
            baseline_value=number(row["baseline_value"]),
            target_value=number(row["target_value"]),
            lower_is_better=row["lower_is_better"],
            bonus=number(row["bonus"]),
            domain_id=row["domain_id"],
            tier_values={tier: (number(b), number(t)) for tier, (b, t) in row["tier_values"].items()},
        )
        for row in rows
    ]


def basis_digest(specs_fingerprint: str) -> str:
    """Names the EvaluationBasis of a set of indicators under this version of the formulas."""
    return hashlib.md5(f"{FORMULA_VERSION}|{specs_fingerprint}".encode(), usedforsecurity=False).hexdigest()


def share(part, whole) -> Decimal | None:
    """part ÷ whole × 100, or None when there is nothing to divide by."""
    if not whole:
        return None
    return Decimal(part) * HUNDRED / Decimal(whole)


def satisfaction_score(count: int, total: int) -> Decimal | None:
    """(mean rating − 1) ÷ 4 × 100."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count) - 1) / 4 * HUNDRED


def indicator_value(spec: IndicatorSpec, inputs: ProjectInputs) -> tuple[Decimal | None, dict]:
    """The indicator's value for this project and the inputs it came from (for the breakdown).

    Called inside ``evaluate``'s half-up context (its formatting rounds half-up there).
    """
    if spec.source == Source.RESOLUTION:
        value = share(inputs.tickets_resolved, inputs.tickets_received)
        return value, {"received": inputs.tickets_received, "resolved": inputs.tickets_resolved}
    if spec.source == Source.SATISFACTION:
        judged = inputs.rectified_on_time + inputs.rectified_late
        return satisfaction_score(inputs.ratings, inputs.ratings_sum), {
            "ratings": inputs.ratings,
            "mean": _fmt(Decimal(inputs.ratings_sum) / inputs.ratings) if inputs.ratings else None,
            "satisfied_rate": _fmt(share(inputs.ratings_satisfied, inputs.ratings)),
            "poor": inputs.poor_ratings,
            "rectified_on_time": inputs.rectified_on_time,
            "rectified_on_time_rate": _fmt(share(inputs.rectified_on_time, judged)),
        }
    if spec.source == Source.EXECUTION:
        value = share(inputs.spent, inputs.approved_budget)
        return value, {"spent": _fmt(inputs.spent), "approved_budget": _fmt(inputs.approved_budget)}
    value = inputs.measurements.get(spec.id)
    return value, {}


def reaches(value: Decimal, target: Decimal, lower_is_better: bool) -> bool:
    return value <= target if lower_is_better else value >= target


def catch_up_points(value: Decimal, baseline: Decimal, target: Decimal) -> Decimal:
    """0 at the baseline value, 100 at the target, linear between, clipped to 0–100.

    The same expression serves lower-is-better indicators, whose target lies below the baseline.
    """
    if target == baseline:
        return HUNDRED if value == target else ZERO
    points = (value - baseline) / (target - baseline) * HUNDRED
    return max(ZERO, min(HUNDRED, points))


def grade_for(score: Decimal) -> str:
    for grade, floor in GRADE_BANDS:
        if score >= floor:
            return grade
    return "D"


@dataclass(frozen=True)
class _Prepared:
    spec: IndicatorSpec
    baseline: Decimal | None
    target: Decimal
    head: dict  # the breakdown fields that do not depend on the project


def prepare(specs: list[IndicatorSpec], tier: str) -> list[_Prepared]:
    """The indicators as seen from one region tier, with their constant breakdown fields."""
    prepared = []
    for spec in specs:
        baseline, target = spec.values_for(tier)
        head = {
            "code": spec.code,
            "name": spec.name,
            "category": spec.category,
            "source": spec.source,
            "weight": text(spec.weight),
            "baseline_value": text(baseline),
            "target_value": text(target),
            "lower_is_better": spec.lower_is_better,
        }
        prepared.append(_Prepared(spec, baseline, target, head))
    return prepared


def evaluate(specs: list[IndicatorSpec], inputs: ProjectInputs, prepared: list | None = None) -> Result:
    """Score one project. ``prepared`` (from ``prepare(specs, inputs.tier)``) saves work in a loop."""
    if prepared is None:
        prepared = prepare(specs, inputs.tier)
    with localcontext(HALF_UP):  # every format() below rounds half-up
        return _evaluate(prepared, inputs)


def _fmt(value: Decimal | None) -> str | None:
    return None if value is None else format(value, ".2f")


def _evaluate(prepared: list, inputs: ProjectInputs) -> Result:
    rows, weighted, weights, bonus, failed = [], ZERO, ZERO, ZERO, []
    for item in prepared:
        spec = item.spec
        if spec.domain_id is not None and spec.domain_id != inputs.domain_id:
            continue
        value, detail = indicator_value(spec, inputs)
        baseline, target = item.baseline, item.target
        row = {**item.head, "value": _fmt(value), "points": None, "met": None, "counted": False, "inputs": detail}
        if spec.category == Category.CATCH_UP:
            if value is not None and spec.weight > 0:
                points = catch_up_points(value, baseline, target)
                row.update(points=_fmt(points), counted=True)
                weighted += points * spec.weight
                weights += spec.weight
        elif spec.category == Category.BASELINE:
            # A must-meet indicator with no value filed is not met: the owner has to show it.
            met = value is not None and reaches(value, target, spec.lower_is_better)
            row["met"] = met
            if not met:
                failed.append(spec.code)
        elif spec.category == Category.INNOVATION:
            met = value is not None and reaches(value, target, spec.lower_is_better)
            row["met"] = met
            if met:
                row["points"] = _fmt(spec.bonus)
                bonus += spec.bonus
        rows.append(row)

    catch_up = weighted / weights if weights else None
    score = None if catch_up is None else round_to(min(HUNDRED, catch_up + bonus), TENTH)
    baseline_met = not failed
    grade = "D" if not baseline_met else "" if score is None else grade_for(score)
    breakdown = {
        "tier": inputs.tier,
        "indicators": rows,
        "catch_up_score": _fmt(catch_up),
        "bonus": _fmt(bonus),
        "score": None if score is None else format(score, ".1f"),
        "grade": grade,
        "baseline_met": baseline_met,
        "failed_baselines": failed,
    }
    summary = {"values": {row["code"]: row["value"] for row in rows}}
    for row in rows:
        if row["source"] == "satisfaction":
            summary["satisfied_rate"] = row["inputs"]["satisfied_rate"]
            summary["rectified_on_time_rate"] = row["inputs"]["rectified_on_time_rate"]
            break
    return Result(
        summary=summary,
        score=score,
        grade=grade,
        baseline_met=baseline_met,
        catch_up_score=round_to(catch_up, CENT),
        bonus=round_to(bonus, CENT),
        breakdown=breakdown,
    )
