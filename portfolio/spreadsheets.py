"""Cells of every export (.xlsx and .csv) are data, never formulas.

A title, a name or a comment is text the users typed. Spreadsheet programs read a cell that
begins with ``=``, ``+``, ``-`` or ``@`` (and, after a tab or a carriage return, the same) as a
formula, so ``=HYPERLINK("http://…", "点击")`` in a task title would become a live link, or worse,
in the office that opens the export (CSV/formula injection, OWASP). Every exporter writes its
cells through this module:

- .xlsx: such a string is a string cell (type ``s``) with Excel's quote prefix, so it shows as
  typed and is never evaluated;
- .csv: such a string is prefixed with a single quote, the convention Excel and LibreOffice
  honour (and which OWASP recommends), since CSV has no cell types.

Numbers, dates and decimals are left as they are, and so is a plain number written as text: a
negative amount is a number, not text.
"""

import re

from openpyxl.cell.cell import Cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# An amount the report carries as text ("-120.50") is a number, not a formula: left as it is.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(value)


def xlsx_cell(sheet, value, **style) -> Cell:
    """A cell for ``sheet.append`` (write-only or not) that can never hold a formula."""
    cell = Cell(sheet, row=1, column=1, value=value)
    if is_formula_like(value):
        cell.data_type = "s"  # openpyxl types any "=…" string as a formula
        cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def xlsx_row(sheet, values, **style) -> list[Cell]:
    return [xlsx_cell(sheet, value, **style) for value in values]


def csv_value(value):
    return "'" + value if is_formula_like(value) else value


def csv_row(values) -> list:
    return [csv_value(value) for value in values]
