"""Display helpers for the project pages: money as a finance officer reads it, stage badges."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from projects.duplicates.check import RELATIONS, Verdict
from projects.duplicates.models import Kind
from projects.lifecycle import Stage
from projects.prereview.facts import describe
from projects.prereview.models import Criterion, Recommendation

register = template.Library()

STAGE_STYLES = {
    Stage.DRAFT: "text-bg-light border",
    Stage.SUBMITTED: "text-bg-info",
    Stage.PREREVIEW: "text-bg-primary",
    Stage.RETURNED: "text-bg-warning",
    Stage.REJECTED: "text-bg-danger",
    Stage.APPROVED: "text-bg-success",
    Stage.IMPLEMENTING: "text-bg-success bg-opacity-75",
    Stage.ACCEPTANCE: "text-bg-primary bg-opacity-75",
    Stage.ACCEPTED: "text-bg-dark",
    Stage.TERMINATED: "text-bg-secondary",
}


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def yuan(value) -> str:
    """1234567.5 → 1,234,567.50 元"""
    amount = _decimal(value)
    return "—" if amount is None else _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


@register.filter
def wan_yuan(value) -> str:
    """1234567.5 → 123.46 万元, how Chinese budgets are spoken of (in other languages: yuan)."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    if not (translation.get_language() or "").startswith("zh"):
        return yuan(amount)
    return f"{amount / 10000:,.2f} 万元"


@register.filter
def stage_style(stage: str) -> str:
    return STAGE_STYLES.get(stage, "text-bg-secondary")


@register.inclusion_tag("projects/partials/stage_badge.html")
def stage_badge(stage: str):
    label = Stage(stage).label if stage in Stage.values else stage
    return {"stage": stage, "label": label, "style": stage_style(stage)}


@register.filter
def file_size(size) -> str:
    size = int(size or 0)
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


@register.filter
def grouped(value) -> str:
    """3200000 → 3,200,000 (the Chinese locale groups nothing; officials read thousands separators)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "—"


# --- Pre-review -----------------------------------------------------------------------------------

RECOMMENDATION_STYLES = {
    "reject": "text-bg-danger",
    "return": "text-bg-warning",
    "approve_with_cut": "text-bg-info",
    "approve": "text-bg-success",
}
VERDICT_STYLES = {"duplicate": "text-bg-danger", "partial": "text-bg-warning", "clear": "text-bg-success"}
OPINION_STYLES = {"pass": "text-bg-success", "revise": "text-bg-warning", "reject": "text-bg-danger"}


@register.filter
def recommendation_style(value: str) -> str:
    return RECOMMENDATION_STYLES.get(value, "text-bg-light border")


@register.filter
def recommendation_label(value: str) -> str:
    return Recommendation(value).label if value in Recommendation.values else _("Not scored yet")


@register.filter
def verdict_style(value: str) -> str:
    return VERDICT_STYLES.get(value, "text-bg-light border")


@register.filter
def verdict_label(value: str) -> str:
    return Verdict(value).label if value in Verdict.values else "—"


@register.filter
def opinion_style(value: str) -> str:
    return OPINION_STYLES.get(value, "text-bg-light border")


@register.filter
def criterion_label(value: str) -> str:
    return Criterion(value).label if value in Criterion.values else value


@register.filter
def match_kind_label(value: str) -> str:
    return Kind(value).label if value in Kind.values else value


@register.filter
def relation_label(value: str) -> str:
    """Why a proposal's word counted as an existing function's (synonyms, parts, characters)."""
    return RELATIONS.get(value, value)


@register.filter
def signed(value) -> str:
    """+10, −5, 0: points as a reviewer reads them."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return "—"
    return f"+{number}" if number > 0 else (f"−{-number}" if number < 0 else "0")


@register.filter
def percent(value) -> str:
    amount = _decimal(value)
    return "—" if amount is None else f"{amount * 100:.0f}%"


@register.filter
def when(value, fmt="Y年n月j日 H:i") -> str:
    """An ISO 8601 timestamp (as JSON keeps it) in local time and the Chinese date format."""
    if not value:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, fmt)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def rule_condition(condition) -> str:
    """A rule's condition in words: 申报预算 ≥ 300,000.00 元."""
    return describe(condition)
