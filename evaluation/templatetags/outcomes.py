"""Template filters for money as a finance officer reads it: 1,234,567.80 (元)."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value):
    """An amount (Decimal or the API's string) with thousands separators and two decimals."""
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return value


@register.filter
def wan(value):
    """An amount in 万元 with two decimals, for headline figures."""
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(str(value)) / 10000:,.2f}"
    except InvalidOperation:
        return value
