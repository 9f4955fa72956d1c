"""Task lists as governments publish them: the importer on sheets transcribed from published
documents by someone who never saw this code, against results written down before it ran.

tests/data/task_sheets/SOURCE.md says what each document is, where it was found and how it was
transcribed; expected.json holds, per document, its region, year and organizations, and per row
the lead, co-leads, partners (an organization, or ``{"text": …}`` for a phrase kept as text) and
the due date. Each document is imported into a region of its name, by a manager of that region,
with the organizations it lists (their names only: abbreviations must be recognised by the
matcher, not given to it). Run ``pytest tests/tasks/test_published_sheets.py -s`` for the table.
"""

import json
from datetime import date
from pathlib import Path

import pytest

from portfolio.models import Organization, Region, Role, User
from tasks.importing import ImportFileError, plan_import, read_workbook
from tasks.models import Task
from tasks.services import import_tasks
from tasks.units import normalize
from tests import factories

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data"
SHEETS = DATA / "task_sheets"
# A second set, transcribed blind from eight other documents after the importer was finished and
# measured once (tests/data/task_sheets_holdout/SOURCE.md) at 15/31 right; the general causes it
# showed were then fixed, so it is no longer untouched (see test_held_out_task_lists).
HOLDOUT = DATA / "task_sheets_holdout"


def _documents(folder: Path) -> list[dict]:
    return [{**doc, "folder": folder} for doc in json.loads((folder / "expected.json").read_text(encoding="utf-8"))]


DOCUMENTS = _documents(SHEETS)
LEVELS = {"省": Region.Level.CITY, "市": Region.Level.CITY, "区": Region.Level.DISTRICT, "县": Region.Level.DISTRICT}


def _text(value: str) -> str:
    return normalize(value).replace("(", "（").replace(")", "）")


def _expected_partners(row) -> set[str]:
    return {p if isinstance(p, str) else "text:" + _text(p["text"]) for p in row["partners"]}


def _actual_partners(task: Task) -> set[str]:
    return {o.name for o in task.partner_orgs.all()} | {"text:" + _text(n) for n in task.partner_names}


def import_document(doc, *, aliases: bool):
    """Import one document as its region's manager would; returns (imported tasks by row, plan).

    Documents of one region share it (and its organizations), as a province's lists would. With
    ``aliases`` the organizations carry the abbreviations the document uses, as an office's
    organization records would after a first import (confirmed close matches become aliases);
    without, the matcher has only the full names."""
    level = LEVELS.get(doc.get("region_prefix", "市"), Region.Level.CITY)
    region = Region.objects.filter(name=doc["region"], parent=None).first() or factories.region(
        doc["region"], level=level
    )
    for org in doc["organizations"]:
        if not Organization.objects.filter(name=org["name"]).exists():
            known = [a for a in org["abbreviations"] if a != org["name"]] if aliases else []
            factories.organization(org["name"], region_=region, short_name=org["name"][:20], aliases=known)
    manager = User.objects.filter(username=f"manager-{region.pk}").first()
    if manager is None:
        office = factories.organization(f"{doc['region']}数字化转型工作专班", region_=region, short_name="专班")
        manager = factories.user(Role.MANAGER, organization_=office, username=f"manager-{region.pk}")
    plan = factories.plan(region, start_year=doc["year"], end_year=doc["year"])
    rows = read_workbook((doc["folder"] / doc["file"]).read_bytes())
    planned = plan_import(rows, plan=plan, year=doc["year"], assigned_on=date(doc["year"], 1, 1), by=manager)
    import_tasks(planned, plan=plan, by=manager, assigned_on=date(doc["year"], 1, 1), skip_bad_rows=True)
    tasks = {t.import_key: t for t in Task.objects.filter(plan=plan).prefetch_related("co_lead_orgs", "partner_orgs")}
    by_row = {r.source.row: tasks.get(r.import_key) for r in planned.rows if r.ok}
    return by_row, planned


def score(doc, by_row, planned):
    """Per expected row: (lost, right) and the differences, for rows that name a specific lead."""
    results = []
    problems = {r.source.row: r.errors for r in planned.rows if r.errors}
    for row in doc["rows"]:
        if not row["lead"]:
            continue
        task = by_row.get(row["row"])
        if task is None:
            results.append((row["row"], False, False, f"not imported: {problems.get(row['row'], 'no such row')}"))
            continue
        wrong = []
        if task.lead_org.name != row["lead"]:
            wrong.append(f"lead {task.lead_org.name} ≠ {row['lead']}")
        if [o.name for o in task.co_lead_orgs.all()] != row["co_leads"] and {
            o.name for o in task.co_lead_orgs.all()
        } != set(row["co_leads"]):
            wrong.append(f"co-leads {[o.name for o in task.co_lead_orgs.all()]} ≠ {row['co_leads']}")
        if _actual_partners(task) != _expected_partners(row):
            wrong.append(f"partners {sorted(_actual_partners(task))} ≠ {sorted(_expected_partners(row))}")
        due = task.due_date.isoformat() if task.due_date else None
        if due != row["due"]:
            wrong.append(f"due {due} ≠ {row['due']}")
        results.append((row["row"], True, not wrong, "; ".join(wrong)))
    return results


def measure(capsys, *, aliases: bool, documents: list[dict] = DOCUMENTS):
    table, total, right, lost, details = [], 0, 0, 0, []
    for doc in documents:
        try:
            by_row, planned = import_document(doc, aliases=aliases)
            results = score(doc, by_row, planned)
        except ImportFileError as refused:  # the whole sheet refused: every row of it is lost
            results = [(row["row"], False, False, f"sheet refused: {refused}") for row in doc["rows"] if row["lead"]]
        n, ok = len(results), sum(1 for r in results if r[2])
        missing = sum(1 for r in results if not r[1])
        total, right, lost = total + n, right + ok, lost + missing
        table.append((doc["file"].removesuffix(".xlsx"), n, ok, missing))
        details += [f"  {doc['file'][:2]} row {r[0]}: {r[3]}" for r in results if not r[2]]
    with capsys.disabled():
        mode = "organizations with the abbreviations they use" if aliases else "organizations by full name only"
        print(f"\n{mode}\n{'document':<48} rows  right  lost  share")
        for name, n, ok, missing in table:
            print(f"{name[:46]:<48} {n:>4} {ok:>6} {missing:>5} {ok / n if n else 1:>6.0%}")
        print(
            f"{'all (' + str(len(documents)) + ' documents)':<48} {total:>4} {right:>6} {lost:>5} {right / total:>6.0%}"
        )
        print("\n".join(details))
    return total, right, lost


def test_published_task_lists_import_with_the_right_units_and_deadlines(capsys):
    total, right, lost = measure(capsys, aliases=True)
    assert len(DOCUMENTS) >= 8 and total >= 60
    assert lost == 0, "a row that names a specific lead unit was not imported"
    assert right / total >= 0.95


def test_without_aliases_the_usual_abbreviations_still_match_most_rows(capsys):
    """A floor, not the target: document-specific names (省数字办 for 数字福建建设领导小组办公室)
    cannot be guessed, and such a row is refused with the close matches offered, never imported
    with a wrong lead."""
    total, right, _lost = measure(capsys, aliases=False)
    assert right / total >= 0.90


def test_held_out_task_lists(capsys):
    """The second set, measured as the office would measure sheets of its own.

    First measured at 15 of 31 rows right (48 %), 15 lost, before any change made for it: a sheet
    whose header was 序号 / 2022年预期目标 / 责任单位 was refused, "责任单位：" on its own line was not
    read, "各市、州、县人民政府" was split into governments, "…均为责任单位，以下不再列出" was not read
    and "各有关部门和单位" was split at its 和. Those general rules were then fixed (each with its test
    in test_unit_names.py), so from here on this set is no longer an untouched hold-out: the floor
    below is what the fixes reach, not a blind measurement."""
    total, right, lost = measure(capsys, aliases=True, documents=_documents(HOLDOUT))
    assert total >= 20
    assert lost == 0, "a row that names a specific lead unit was not imported"
    assert right == total
