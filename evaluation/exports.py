"""The budget report as .xlsx and .csv, from the report dict the API returns (same numbers).

Amounts are written as numbers with two decimals (Excel sums them); the CSV holds the same
amounts as plain decimal text and starts with a byte-order mark, so Excel opens the Chinese
headers correctly.
"""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from portfolio.spreadsheets import csv_row, xlsx_cell, xlsx_row

GRADE_NONE = "—"


def line_columns():
    return [
        (_("Project code"), "project_code", None),
        (_("Project"), "project_name", None),
        (_("Owner organization"), "org_name", None),
        (_("Domain"), "domain_name", None),
        (_("Score"), "score", "score"),
        (_("Grade"), "grade", None),
        (_("Problem resolution"), "resolution", "indicator"),
        (_("Satisfaction"), "satisfaction", "indicator"),
        (_("Budget execution"), "execution", "indicator"),
        (_("Factor"), "factor", "factor"),
        (_("Requested (yuan)"), "requested", "money"),
        (_("Recommended (yuan)"), "recommended", "money"),
        (_("Final (yuan)"), "final", "money"),
        (_("Justification"), "justification", None),
        (_("Flags"), "flags", "flags"),
    ]


def flag_label(flag: str) -> str:
    return {
        "no_evaluation": _("no evaluation (factor 1.00)"),
        "baseline_not_met": _("baseline not met"),
        "adjusted": _("adjusted by finance"),
    }.get(flag, flag)


def _cell(line: dict, key: str, kind: str | None, *, for_excel: bool):
    if kind == "indicator":
        value = line["indicators"].get(key)
        return (Decimal(value) if for_excel else value) if value is not None else None
    value = line.get(key)
    if kind == "flags":
        return "；".join(flag_label(flag) for flag in value)
    if value is None:
        return GRADE_NONE if key == "grade" else None
    if kind in {"money", "score", "factor"} and for_excel:
        return Decimal(value)
    return value


def total_headers():
    return [
        _("Totals"),
        _("Organization or domain"),
        _("Lines"),
        _("Requested (yuan)"),
        _("Recommended (yuan)"),
        _("Final (yuan)"),
    ]


def _total_rows(report: dict):
    totals = report["totals"]
    yield [_("Total"), "", totals["overall"]["lines"], *_amounts(totals["overall"])]
    for row in totals["by_organization"]:
        yield [_("Organization"), row["org_name"], row["lines"], *_amounts(row)]
    for row in totals["by_domain"]:
        yield [_("Domain"), row["domain_name"], row["lines"], *_amounts(row)]


def _amounts(total: dict):
    return [total["requested"], total["recommended"], total["final"]]


def _summary_rows(report: dict):
    factors = report["factors"]
    yield [_("Budget year"), report["year"]]
    yield [_("Evaluation period"), report["period"]]
    yield [_("Envelope (yuan)"), report["envelope"] if report["envelope"] is not None else _("not set")]
    yield [_("Envelope scale"), report["scale"]]
    for grade in ("A", "B", "C", "D"):
        yield [_("Factor for %(grade)s") % {"grade": grade}, factors[grade]]


def report_csv(report: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _summary_rows(report):
        writer.writerow(csv_row(row))
    writer.writerow([])
    columns = line_columns()
    writer.writerow(csv_row(title for title, _key, _kind in columns))
    for line in report["lines"]:
        writer.writerow(
            csv_row("" if (v := _cell(line, key, kind, for_excel=False)) is None else v for _t, key, kind in columns)
        )
    writer.writerow([])
    writer.writerow(csv_row(total_headers()))
    for row in _total_rows(report):
        writer.writerow(csv_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    money_format = "#,##0.00"

    def header(sheet, titles):
        sheet.append(xlsx_row(sheet, titles, font=bold))

    lines = workbook.create_sheet(_("Budget lines"))
    columns = line_columns()
    lines.freeze_panes = "C2"
    header(lines, [title for title, _key, _kind in columns])
    money_columns = {i for i, (_t, _k, kind) in enumerate(columns) if kind == "money"}
    for line in report["lines"]:
        row = []
        for i, (_title, key, kind) in enumerate(columns):
            cell = xlsx_cell(lines, _cell(line, key, kind, for_excel=True))
            if i in money_columns:
                cell.number_format = money_format
            row.append(cell)
        lines.append(row)

    totals = workbook.create_sheet(_("Totals"))
    header(totals, total_headers())
    for values in _total_rows(report):
        row = []
        for i, value in enumerate(values):
            cell = xlsx_cell(totals, Decimal(value) if i >= 3 else value)
            if i >= 3:
                cell.number_format = money_format
            row.append(cell)
        totals.append(row)

    policy = workbook.create_sheet(_("Policy"))
    for title, value in _summary_rows(report):
        policy.append(xlsx_row(policy, [title, value]))

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
