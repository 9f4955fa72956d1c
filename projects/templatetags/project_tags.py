"""Display helpers for the project pages: money as a finance officer reads it, stage badges."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from projects.lifecycle import Stage

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
