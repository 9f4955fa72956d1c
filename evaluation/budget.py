"""The results-based budget of DESIGN.md, computed from lines and a policy. Pure Python, Decimal.

- recommended = requested × the factor of the line's grade, rounded half-up to the fen; a line
  with no evaluation keeps factor 1.00 and is flagged;
- if the recommended total exceeds the envelope, every recommendation is scaled by the same
  ratio (envelope ÷ total). Rounding each scaled line on its own could lose or overspend a few
  fen, so the scaled lines are apportioned by largest remainder: each gets its exact share
  rounded down to the fen, and the fen left over go one each to the lines with the largest
  remainders (ties to the earlier line). The scaled total is then exactly the envelope;
- final = finance's amount where set, else the recommendation;
- every total is the sum of the lines it covers, so the report adds up to the fen.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext

from evaluation.models.budget import DEFAULT_FACTORS, NO_EVALUATION_FACTOR

CENT = Decimal("0.01")
SCALE_STEP = Decimal("0.000001")
GRADES = ("A", "B", "C", "D")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# Formatting a Decimal rounds with the context's rounding: half-up here, not Python's half-even.
HALF_UP = Context(prec=28, rounding=ROUND_HALF_UP)


@dataclass
class Policy:
    year: int
    envelope: Decimal | None = None
    factors: dict = field(default_factory=lambda: dict(DEFAULT_FACTORS))
    saved: bool = False

    def factor(self, grade: str) -> Decimal:
        return self.factors.get(grade, NO_EVALUATION_FACTOR)


@dataclass
class Line:
    project: int
    project_code: str
    project_name: str
    org: int
    org_name: str
    domain: int
    domain_name: str
    requested: Decimal
    grade: str = ""  # "" = no evaluation for the period
    score: Decimal | None = None
    baseline_met: bool = True
    final_amount: Decimal | None = None
    justification: str = ""
    indicators: dict = field(default_factory=dict)  # the evaluation's summary
    recommended: Decimal | None = None  # set by compute()


def apportion(amounts: list[Decimal], envelope: Decimal) -> list[Decimal]:
    """Scale ``amounts`` (fen) by envelope ÷ their total so that they add up exactly to the envelope."""
    total = sum(amounts, Decimal(0))
    exact = [amount * envelope / total for amount in amounts]
    floors = [share.quantize(CENT, rounding=ROUND_FLOOR) for share in exact]
    left = int((envelope - sum(floors, Decimal(0))) / CENT)
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += CENT
    return floors


def compute(policy: Policy, lines: list[Line]) -> dict:
    """Recommend every line under ``policy``; return the report in DESIGN.md's shape."""
    recommended = [money(line.requested * policy.factor(line.grade)) for line in lines]
    total = sum(recommended, Decimal(0))
    scale = Decimal(1)
    if policy.envelope is not None and total > policy.envelope and total > 0:
        scale = policy.envelope / total
        recommended = apportion(recommended, money(policy.envelope))
    for line, amount in zip(lines, recommended, strict=True):
        line.recommended = amount
    return report(policy, lines, scale)


def report(policy: Policy, lines: Iterable[Line], scale: Decimal) -> dict:
    """The report of already recommended lines (also used to cut a report down to some lines)."""
    with localcontext(HALF_UP):  # every amount below is formatted once, rounding half-up
        return _report(policy, lines, scale)


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value, ".2f")


def _report(policy: Policy, lines: Iterable[Line], scale: Decimal) -> dict:
    rows, overall, by_org, by_domain, grades = [], _Total(), {}, {}, dict.fromkeys((*GRADES, "none"), 0)
    for line in lines:
        final = line.final_amount if line.final_amount is not None else line.recommended
        flags = []
        if not line.grade:
            flags.append("no_evaluation")
        if not line.baseline_met:
            flags.append("baseline_not_met")
        if line.final_amount is not None and line.final_amount != line.recommended:
            flags.append("adjusted")
        rows.append(
            {
                "project": line.project,
                "project_code": line.project_code,
                "project_name": line.project_name,
                "org": line.org,
                "org_name": line.org_name,
                "domain": line.domain,
                "domain_name": line.domain_name,
                "requested": _amount(line.requested),
                "grade": line.grade or None,
                "score": None if line.score is None else str(line.score),
                "factor": str(policy.factor(line.grade)),
                "recommended": _amount(line.recommended),
                "final": _amount(final),
                "justification": line.justification,
                "flags": flags,
                "indicators": line.indicators.get("values", {}),
                "satisfied_rate": line.indicators.get("satisfied_rate"),
                "rectified_on_time_rate": line.indicators.get("rectified_on_time_rate"),
            }
        )
        grades[line.grade or "none"] += 1
        for total in (
            overall,
            by_org.setdefault(line.org, _Total(key=("org", line.org, line.org_name))),
            by_domain.setdefault(line.domain, _Total(key=("domain", line.domain, line.domain_name))),
        ):
            total.add(line.requested, line.recommended, final)
    final_total = overall.final
    envelope = policy.envelope
    return {
        "year": policy.year,
        "period": policy.year - 1,
        "envelope": _amount(envelope),
        "factors": {grade: str(policy.factors[grade]) for grade in GRADES},
        "policy_saved": policy.saved,
        "scale": "1" if scale == 1 else str(scale.quantize(SCALE_STEP, rounding=ROUND_HALF_UP)),
        "lines": rows,
        "totals": {
            "overall": overall.as_dict(),
            "by_organization": sorted((t.as_dict() for t in by_org.values()), key=lambda t: t["org_name"]),
            "by_domain": sorted((t.as_dict() for t in by_domain.values()), key=lambda t: t["domain"]),
            "grades": grades,
            "envelope_remaining": None if envelope is None else _amount(envelope - final_total),
            "over_envelope": envelope is not None and final_total > envelope,
        },
    }


@dataclass
class _Total:
    key: tuple | None = None
    lines: int = 0
    requested: Decimal = Decimal(0)
    recommended: Decimal = Decimal(0)
    final: Decimal = Decimal(0)

    def add(self, requested, recommended, final):
        self.lines += 1
        self.requested += requested
        self.recommended += recommended
        self.final += final

    def as_dict(self) -> dict:
        head = {}
        if self.key:
            kind, pk, name = self.key
            head = {kind: pk, f"{kind}_name": name}
        return {
            **head,
            "lines": self.lines,
            "requested": _amount(self.requested),
            "recommended": _amount(self.recommended),
            "final": _amount(self.final),
        }
