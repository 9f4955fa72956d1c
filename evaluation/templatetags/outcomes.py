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
def measure(value, unit):
    """An indicator value with its unit: 89.58%, 2 起, 101 万次 (a count needs no .00)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    text = f"{number:,.0f}" if number == number.to_integral_value() and unit not in ("", "%") else str(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key, "")


@register.filter
def evidence(line: dict, names: dict) -> list[tuple[str, str, str | None]]:
    """A report line's indicator values as (code, name, value), in the indicators' order."""
    values = line.get("indicators") or {}
    return [(code, name, values[code]) for code, name in names.items() if code in values]
