"""What a review rule may test: the facts, the operators, and the conditions built from them.

A rule is data, never code: each condition names a fact from ``FACTS``, an operator code from
``Operator`` and a value, and :func:`clean_condition` refuses anything else — an unknown fact, an
operator the fact cannot take, a value of the wrong type — with a message that says what to write
instead. :func:`holds` then compares the value a project shows with the rule's value; nothing is
ever evaluated as an expression. Pure Python, no queries (but for the list of domains).

Facts come from three places: the proposal's own fields (``proposal``), the duplicate check
(``check``) and the expert reviews of the round (``reviews``). The recommendation tells a red line
about the proposal itself (the owner must revise) from one about the process (reviews still to come).
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.duplicates.check import Verdict

MAX_CONDITIONS = 3
MAX_AMOUNT = Decimal(10**11)


class Kind:
    MONEY = "money"  # yuan, Decimal with two places
    INTEGER = "integer"
    SHARE = "share"  # 0–1
    BOOLEAN = "boolean"
    CHOICE = "choice"


class Source:
    PROPOSAL = "proposal"
    CHECK = "check"
    REVIEWS = "reviews"


class Operator(models.TextChoices):
    EQ = "eq", "="
    NE = "ne", "≠"
    LT = "lt", "<"
    LE = "le", "≤"
    GT = "gt", ">"
    GE = "ge", "≥"
    IN = "in", gettext_lazy("is one of")
    IS_TRUE = "is_true", gettext_lazy("is yes")
    IS_FALSE = "is_false", gettext_lazy("is no")


# How an operator may also be written (the API takes the symbols of the issue as well as the codes).
SPELLINGS = {
    "=": Operator.EQ,
    "==": Operator.EQ,
    "≠": Operator.NE,
    "!=": Operator.NE,
    "<>": Operator.NE,
    "<": Operator.LT,
    "<=": Operator.LE,
    "≤": Operator.LE,
    ">": Operator.GT,
    ">=": Operator.GE,
    "≥": Operator.GE,
    "is true": Operator.IS_TRUE,
    "is false": Operator.IS_FALSE,
}
COMPARISONS = (Operator.EQ, Operator.NE, Operator.LT, Operator.LE, Operator.GT, Operator.GE)
OPERATORS = {
    Kind.MONEY: COMPARISONS,
    Kind.INTEGER: (*COMPARISONS, Operator.IN),
    Kind.SHARE: (Operator.LT, Operator.LE, Operator.GT, Operator.GE),
    Kind.BOOLEAN: (Operator.IS_TRUE, Operator.IS_FALSE),
    Kind.CHOICE: (Operator.EQ, Operator.NE, Operator.IN),
}
NO_VALUE = frozenset({Operator.IS_TRUE, Operator.IS_FALSE})
LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _domains() -> list[tuple[str, str]]:
    from portfolio.models import Domain

    return list(Domain.objects.order_by("order").values_list("code", "name"))


def _verdicts() -> list[tuple[str, str]]:
    return list(Verdict.choices)


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    kind: str
    source: str
    unit: str = ""
    choices: Callable[[], list[tuple[str, str]]] | None = None

    @property
    def operators(self) -> tuple[str, ...]:
        return OPERATORS[self.kind]

    def choice_labels(self) -> dict[str, str]:
        return {value: str(label) for value, label in self.choices()} if self.choices else {}


FACTS = {
    fact.name: fact
    for fact in (
        Fact("budget_requested", gettext_lazy("Requested budget"), Kind.MONEY, Source.PROPOSAL, gettext_lazy("yuan")),
        Fact("beneficiaries", gettext_lazy("People served"), Kind.INTEGER, Source.PROPOSAL, gettext_lazy("people")),
        Fact("warranty_months", gettext_lazy("Warranty"), Kind.INTEGER, Source.PROPOSAL, gettext_lazy("months")),
        Fact("reuses_shared_components", gettext_lazy("Reuses shared components"), Kind.BOOLEAN, Source.PROPOSAL),
        Fact("shares_data", gettext_lazy("Shares data with the city data platform"), Kind.BOOLEAN, Source.PROPOSAL),
        Fact("has_mobile_app", gettext_lazy("Builds a standalone mobile app"), Kind.BOOLEAN, Source.PROPOSAL),
        Fact("function_count", gettext_lazy("Functions listed"), Kind.INTEGER, Source.PROPOSAL),
        Fact("linked_system_count", gettext_lazy("Existing systems it builds on"), Kind.INTEGER, Source.PROPOSAL),
        Fact("domain", gettext_lazy("Domain"), Kind.CHOICE, Source.PROPOSAL, choices=_domains),
        Fact(
            "duplicate_verdict", gettext_lazy("Duplicate-check verdict"), Kind.CHOICE, Source.CHECK, choices=_verdicts
        ),
        Fact("duplicate_overlap", gettext_lazy("Share of its functions that exist already"), Kind.SHARE, Source.CHECK),
        Fact("expert_review_count", gettext_lazy("Expert reviews submitted"), Kind.INTEGER, Source.REVIEWS),
        Fact(
            "expert_reject_count", gettext_lazy("Expert reviews recommending rejection"), Kind.INTEGER, Source.REVIEWS
        ),
    )
}


def operator_code(raw) -> str | None:
    text = str(raw or "").strip()
    if text in Operator.values:
        return text
    return SPELLINGS.get(text.lower())


def _fact_list() -> str:
    return "、".join(f"{name}（{fact.label}）" for name, fact in FACTS.items())


def _operator_list(operators: Iterable[str]) -> str:
    return " ".join(f"“{Operator(op).label}”" for op in operators)


def clean_condition(raw) -> dict:
    """A condition as stored — ``{"fact", "operator", "value"}`` with a value of the fact's type —
    or ValidationError with a message naming what is wrong and what would be right."""
    if not isinstance(raw, Mapping):
        raise ValidationError(_("Each condition names a fact, an operator and a value."))
    name = str(raw.get("fact") or "").strip()
    fact = FACTS.get(name)
    if fact is None:
        if not name:
            raise ValidationError(_("Choose the field or fact the condition tests."))
        raise ValidationError(
            _("Unknown field or fact “%(fact)s”. Rules may test: %(facts)s.") % {"fact": name, "facts": _fact_list()}
        )
    operator = operator_code(raw.get("operator"))
    value = raw.get("value")
    if fact.kind == Kind.BOOLEAN and operator in (Operator.EQ, Operator.NE) and isinstance(value, bool):
        # "= true" means "is yes": one way to store it.
        operator = Operator.IS_TRUE if value == (operator == Operator.EQ) else Operator.IS_FALSE
    if operator is None:
        raise ValidationError(
            _("Unknown operator “%(operator)s”. Use one of: %(operators)s.")
            % {"operator": raw.get("operator") or "", "operators": _operator_list(Operator.values)}
        )
    if operator not in fact.operators:
        raise ValidationError(
            _("“%(fact)s” cannot be compared with “%(operator)s”; use %(operators)s.")
            % {"fact": fact.label, "operator": Operator(operator).label, "operators": _operator_list(fact.operators)}
        )
    if operator in NO_VALUE:
        return {"fact": fact.name, "operator": operator, "value": None}
    if operator == Operator.IN:
        items = LIST_SEPARATORS.split(value.strip()) if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not [item for item in items if item not in ("", None)]:
            raise ValidationError(_("List at least one value for “is one of”, separated by commas."))
        values = [_clean_value(fact, item) for item in items if item not in ("", None)]
        return {"fact": fact.name, "operator": operator, "value": list(dict.fromkeys(values))}
    return {"fact": fact.name, "operator": operator, "value": _clean_value(fact, value)}


def _clean_value(fact: Fact, value):
    """One value in the fact's type, as JSON stores it (amounts and shares as decimal text)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(_("Enter the value to compare “%(fact)s” with.") % {"fact": fact.label})
    shown = value if isinstance(value, str) else repr(value)
    if fact.kind in (Kind.MONEY, Kind.SHARE):
        amount = _decimal(value)
        if fact.kind == Kind.MONEY:
            if amount is None or amount < 0 or amount > MAX_AMOUNT:
                raise ValidationError(
                    _("“%(fact)s” is an amount in yuan: enter a number such as 300000, not “%(value)s”.")
                    % {"fact": fact.label, "value": shown}
                )
            return f"{amount.quantize(Decimal('0.01')):.2f}"
        if amount is None or not 0 <= amount <= 1:
            raise ValidationError(
                _("“%(fact)s” is a share between 0 and 1 (such as 0.5), not “%(value)s”.")
                % {"fact": fact.label, "value": shown}
            )
        return f"{amount.normalize():f}"
    if fact.kind == Kind.INTEGER:
        number = whole_number(value)
        if number is None or number < 0:
            raise ValidationError(
                _("“%(fact)s” is a whole number: enter one such as 12, not “%(value)s”.")
                % {"fact": fact.label, "value": shown}
            )
        return number
    # Kind.CHOICE
    labels = fact.choice_labels()
    text = str(value).strip()
    if text not in labels:
        by_label = {label: code for code, label in labels.items()}
        if text in by_label:
            return by_label[text]
        raise ValidationError(
            _("“%(value)s” is not a possible value of “%(fact)s”; use one of: %(choices)s.")
            % {
                "value": shown,
                "fact": fact.label,
                "choices": "、".join(f"{code}（{label}）" for code, label in labels.items()),
            }
        )
    return text


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def whole_number(value) -> int | None:
    amount = _decimal(value)
    if amount is None or amount != amount.to_integral_value():
        return None
    return int(amount)


def clean_conditions(raw) -> list[dict]:
    """A rule's conditions (one to three, all of which must hold), or ValidationError listing each
    wrong condition by its number."""
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationError(_("A rule needs at least one condition."))
    if len(raw) > MAX_CONDITIONS:
        raise ValidationError(_("A rule has at most %(n)d conditions.") % {"n": MAX_CONDITIONS})
    cleaned, errors = [], []
    for number, condition in enumerate(raw, start=1):
        try:
            cleaned.append(clean_condition(condition))
        except ValidationError as error:
            errors += [_("Condition %(n)d: %(message)s") % {"n": number, "message": m} for m in error.messages]
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Evaluation -------------------------------------------------------------------------------------


def _typed(fact: Fact, value):
    if fact.kind in (Kind.MONEY, Kind.SHARE):
        return Decimal(str(value))
    return value


def holds(condition: Mapping, facts: Mapping) -> bool:
    """Whether the project's value of the condition's fact satisfies it (an unknown value never does)."""
    fact = FACTS[condition["fact"]]
    seen = facts.get(fact.name)
    if seen is None:
        return False
    operator, value = condition["operator"], condition["value"]
    if operator == Operator.IS_TRUE:
        return seen is True
    if operator == Operator.IS_FALSE:
        return seen is False
    seen = _typed(fact, seen)
    if operator == Operator.IN:
        return seen in [_typed(fact, item) for item in value]
    value = _typed(fact, value)
    return {
        Operator.EQ: seen == value,
        Operator.NE: seen != value,
        Operator.LT: seen < value,
        Operator.LE: seen <= value,
        Operator.GT: seen > value,
        Operator.GE: seen >= value,
    }[operator]


# --- Display ----------------------------------------------------------------------------------------


def display(fact_name: str, value, labels: dict | None = None) -> str:
    """A value as a reviewer reads it: 3,200,000.00 元, 是/否, 24 个月, 60%, a verdict's label.

    ``labels``: the fact's choice labels, when the caller has them (a list reads them once).
    """
    fact = FACTS[fact_name]
    if value is None:
        return _("not given")
    if isinstance(value, list):
        labels = fact.choice_labels() if labels is None and fact.kind == Kind.CHOICE else labels
        return "、".join(display(fact_name, item, labels) for item in value)
    if fact.kind == Kind.BOOLEAN:
        return _("yes") if value else _("no")
    if fact.kind == Kind.MONEY:
        return _("%(amount)s yuan") % {"amount": f"{Decimal(str(value)):,.2f}"}
    if fact.kind == Kind.SHARE:
        return f"{Decimal(str(value)) * 100:.0f}%"
    if fact.kind == Kind.CHOICE:
        return (fact.choice_labels() if labels is None else labels).get(value, str(value))
    return f"{value:,} {fact.unit}".strip() if isinstance(value, int) else str(value)


def describe(condition: Mapping) -> str:
    """The condition in words: 申报预算 ≥ 300,000.00 元; 建设独立移动App 为是."""
    fact = FACTS.get(condition["fact"])
    if fact is None:
        return str(condition)
    operator = Operator(condition["operator"])
    if operator in NO_VALUE:
        return f"{fact.label} {operator.label}"
    return f"{fact.label} {operator.label} {display(fact.name, condition['value'])}"


def catalogue() -> list[dict]:
    """The facts and what each takes, for the rule editor and ``GET /review-rules/facts/``."""
    return [
        {
            "name": fact.name,
            "label": str(fact.label),
            "kind": fact.kind,
            "source": fact.source,
            "unit": str(fact.unit),
            "operators": [{"code": op, "symbol": str(Operator(op).label)} for op in fact.operators],
            "choices": [{"value": v, "label": label} for v, label in fact.choice_labels().items()],
        }
        for fact in FACTS.values()
    ]
