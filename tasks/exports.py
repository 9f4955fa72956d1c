"""Excel exports of the task list, the board and the ranking (the same figures as the pages)."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portfolio.spreadsheets import xlsx_row
from tasks.lifecycle import Light, Status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(workbook, title, header, rows, widths=None):
    sheet = workbook.active  # each export is one sheet
    sheet.title = title[:31]
    sheet.append(xlsx_row(sheet, header, font=Font(bold=True)))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def xlsx_response(workbook: Workbook, stem: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    name = f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def task_workbook(tasks) -> Workbook:
    workbook = Workbook()
    statuses, lights = dict(Status.choices), dict(Light.choices)
    header = [
        _("code"),
        _("task"),
        _("lead organization"),
        _("co-lead organizations"),
        _("partner organizations"),
        _("assigned on"),
        _("due date"),
        _("status"),
        _("progress (%)"),
        _("light"),
        _("open warnings"),
        _("open notices"),
    ]
    rows = (
        [
            task.code,
            task.title,
            task.lead_org.name,
            "、".join(o.name for o in task.co_lead_orgs.all()),
            "、".join([*(o.name for o in task.partner_orgs.all()), *task.partner_names]),
            task.assigned_at,
            task.due_date or task.deadline_text,
            str(statuses[task.status]),
            task.progress,
            str(lights[task.light]),
            task.open_warning_count,
            task.open_notice_count,
        ]
        for task in tasks.iterator(chunk_size=2000)
    )
    sheet = _sheet(workbook, _("Key tasks"), header, rows, [14, 60, 28, 28, 36, 12, 12, 12, 10, 8, 10, 10])
    for cells in sheet.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in cells:
            cell.number_format = "yyyy-mm-dd"
    return workbook


def board_workbook(data: dict) -> Workbook:
    workbook = Workbook()
    statuses = dict(Status.choices)
    header = [
        _("organization"),
        _("green"),
        _("yellow"),
        _("red"),
        _("total"),
        _("open warnings"),
        _("open notices"),
        *(str(statuses[s]) for s in Status.values),
    ]

    def line(name, counts):
        return [
            name,
            *(counts[k] for k in ("green", "yellow", "red", "total", "open_warnings", "open_notices")),
            *(counts["statuses"][s] for s in Status.values),
        ]

    rows = [line(row["org_name"], row) for row in data["rows"]]
    rows.append(line(_("Total"), data["totals"]))
    _sheet(workbook, _("Supervision board"), header, rows, [32] + [10] * (len(header) - 1))
    return workbook


def ranking_workbook(payload: dict) -> Workbook:
    workbook = Workbook()
    header = [
        _("tier"),
        _("rank"),
        _("organization"),
        _("region"),
        _("tasks due"),
        _("completed on time"),
        _("on-time completion rate (%)"),
        _("open red warnings"),
        _("late reports"),
    ]
    rows = [
        [
            tier["tier_label"],
            r.rank,
            r.org_name,
            r.region_name,
            r.due,
            r.on_time,
            r.rate if r.rate is not None else "—",
            r.open_red,
            r.late_reports,
        ]
        for tier in payload["tiers"]
        for r in tier["rows"]
    ]
    _sheet(
        workbook,
        _("Ranking %(month)s") % {"month": payload["month"]},
        header,
        rows,
        [14, 6, 32, 14, 10, 12, 16, 14, 10],
    )
    return workbook
