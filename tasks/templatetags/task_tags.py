from django import template

register = template.Library()

STATUS_CLASSES = {
    "assigned": "text-bg-secondary",
    "acknowledged": "text-bg-info",
    "in_progress": "text-bg-primary",
    "reported": "text-bg-warning",
    "completed": "text-bg-success",
    "suspended": "text-bg-dark",
}
WARNING_CLASSES = {
    "due_soon": "text-bg-warning",
    "overdue": "text-bg-danger",
    "severe": "bg-danger-subtle text-danger-emphasis border border-danger",
    "unacknowledged": "text-bg-secondary",
    "report_missing": "text-bg-secondary",
    "notice_overdue": "text-bg-dark",
}
NOTICE_CLASSES = {"open": "text-bg-warning", "replied": "text-bg-info", "closed": "text-bg-success"}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light")


@register.filter
def warning_class(kind: str) -> str:
    return WARNING_CLASSES.get(kind, "text-bg-light")


@register.filter
def notice_class(status: str) -> str:
    return NOTICE_CLASSES.get(status, "text-bg-light")


@register.filter
def days_between(later, earlier) -> int:
    return (later - earlier).days if later and earlier else 0


@register.filter
def period_label(period: str) -> str:
    """``"2026-05"`` → ``2026年5月``."""
    try:
        year, month = period.split("-")
        return f"{int(year)}年{int(month)}月"
    except (AttributeError, ValueError):
        return period
