"""The projects-at-risk list as .xlsx (the same rows and reasons as the page and the API)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from cockpit.models import Light
from projects.lifecycle import Stage
from tasks.exports import _sheet, xlsx_response

FLAG_LABELS = {
    "computed_red": lambda: _("computed red"),
    "optimistic": lambda: _("rated too optimistically"),
    "missing_rating": lambda: _("monthly self-rating missing"),
    "grade_d": lambda: _("last grade D"),
}


def flag_labels(flags) -> list[str]:
    return [FLAG_LABELS[flag]() for flag in flags]


def at_risk_response(risks):
    workbook = Workbook()
    lights, stages = dict(Light.choices), dict(Stage.choices)
    header = [
        _("code"),
        _("project"),
        _("owner organization"),
        _("stage"),
        _("computed status"),
        _("self-rated status"),
        _("last grade"),
        _("risks"),
        _("reasons"),
    ]
    rows = (
        [
            s.project.code,
            s.project.name,
            s.project.owner_org.name,
            str(stages.get(s.project.stage, s.project.stage)),
            str(lights.get(s.computed, "")) if s.computed else "",
            f"{s.self_rated.month} {lights[s.self_rated.light]}" if s.self_rated else "",
            s.grade,
            "、".join(flag_labels(s.risk_flags)),
            "\n".join(r["text"] for r in s.reasons),
        ]
        for s in risks
    )
    _sheet(workbook, _("Projects at risk"), header, rows, widths=[18, 36, 24, 10, 10, 16, 8, 30, 80])
    return xlsx_response(workbook, "projects-at-risk")
