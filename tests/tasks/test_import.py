"""Importing real-world task lists (任务分工表): messy sheets, bad rows, re-import."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from portfolio.models import AuditKind
from tasks.importing import ImportFileError, extract_inline, parse_deadline, read_workbook, split_units
from tasks.models import Task
from tests import factories

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data"
ASSIGNED = "2026-01-05"


@pytest.fixture
def city_bureaus(city, city_government, transport_bureau, health_bureau, data_bureau, finance):
    data_bureau.aliases = ["市数据局", "市大数据局"]
    data_bureau.save()
    finance.organization.aliases = ["市财政局"]
    finance.organization.save()
    made = {}
    for name, aliases in [
        ("临江市发展和改革委员会", ["市发改委", "市发展改革委"]),
        ("临江市工业和信息化局", ["市工信局"]),
        ("临江市公安局", []),
        ("临江市医疗保障局", ["市医保局"]),
        ("临江市农业农村局", []),
        ("临江市应急管理局", ["市应急局"]),
        ("临江市城市管理局", ["市城管局"]),
    ]:
        made[name] = factories.organization(name, region_=city, parent=city_government, aliases=aliases)
    return made


def run(file, plan, *extra):
    call_command(
        "import_tasks", str(DATA / file), "--plan", str(plan.pk), "--year", "2026", "--assigned-on", ASSIGNED, *extra
    )


def test_a_messy_sheet_imports_with_inline_units_co_leads_and_collective_partners(
    city_bureaus, plan, data_bureau, health_bureau, transport_bureau
):
    run("task_list_messy.xlsx", plan)
    tasks = {t.title: t for t in Task.objects.all()}
    assert len(tasks) == 7
    base = tasks["建设城市数据底座"]  # the inline bracket is taken out of the text
    assert base.lead_org == data_bureau and base.partner_names == ["各区政府"]
    assert base.due_date == date(2026, 6, 30)
    licensing = tasks["推进公共数据授权运营"]
    assert licensing.lead_org == data_bureau
    assert {o.name for o in licensing.partner_orgs.all()} == {"临江市财政局", "临江市发展和改革委员会"}
    assert licensing.due_date == date(2026, 12, 31)
    compute = tasks["建成一体化算力网络"]
    assert compute.lead_org == data_bureau
    assert [o.name for o in compute.co_lead_orgs.all()] == ["临江市发展和改革委员会"]
    assert compute.partner_orgs.count() == 2 and compute.due_date == date(2026, 11, 30)
    birth = tasks["推行出生“一件事”一次办"]
    assert birth.lead_org == health_bureau and birth.partner_names == ["各区市政府"]
    assert birth.due_date == date(2026, 12, 31)
    code = tasks["推广看病就医“一码通”"]
    assert code.lead_org.name == "临江市医疗保障局" and code.due_date is None and code.deadline_text == "持续推进"
    assert code.partner_names == ["市直有关部门、单位"]
    assert tasks["公交电子站牌覆盖主城区"].due_date == date(2026, 10, 31)
    parking = tasks["建设智慧停车“一张网”"]
    assert parking.lead_org == transport_bureau and parking.partner_names == ["各县（市、区）政府"]
    assert base.domain.code == "infrastructure" and birth.domain.code == "public_service"


def test_reimporting_the_same_file_updates_and_never_duplicates(city_bureaus, plan):
    run("task_list_messy.xlsx", plan)
    codes = set(Task.objects.values_list("code", flat=True))
    Task.objects.filter(title="建成一体化算力网络").update(due_date=date(2027, 3, 1))
    run("task_list_messy.xlsx", plan)
    assert set(Task.objects.values_list("code", flat=True)) == codes
    assert Task.objects.get(title="建成一体化算力网络").due_date == date(2026, 11, 30)


def test_a_sheet_with_bad_rows_imports_nothing_and_names_each_row(city_bureaus, plan, capsys):
    with pytest.raises(CommandError, match="4"):
        run("task_list_with_bad_rows.xlsx", plan)
    assert Task.objects.count() == 0
    errors = capsys.readouterr().err
    lines = dict(line.split(" ", 1) for line in errors.splitlines())
    assert set(lines) == {"第14行", "第15行", "第16行", "第17行"}  # numbered as Excel shows them
    assert "市农业农村委" in lines["第15行"] and "临江市农业农村局" in lines["第15行"]  # the close match offered
    assert "尽快" in lines["第16行"]


def test_skip_bad_rows_imports_the_readable_ones(city_bureaus, plan):
    run("task_list_with_bad_rows.xlsx", plan, "--skip-bad-rows")
    assert Task.objects.count() == 7


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("task_list_encrypted.xlsx", "password"),
        ("task_list_not_excel.xlsx", "not an Excel"),
        ("task_list_empty.xlsx", "empty"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(file, message):
    with pytest.raises(ImportFileError, match=message), translation.override("en"):
        read_workbook((DATA / file).read_bytes())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年6月底前", date(2025, 6, 30)),
        ("年底前", date(2026, 12, 31)),
        ("11月底", date(2026, 11, 30)),
        ("2025-12-31", date(2025, 12, 31)),
        ("2026年第三季度", date(2026, 9, 30)),
        ("上半年", date(2026, 6, 30)),
        ("2026年6月底前完成试点，年底前全面推广", date(2026, 12, 31)),
        ("持续推进", None),
        ("长期坚持", None),
    ],
)
def test_chinese_deadlines(text, expected):
    assert parse_deadline(text, 2026) == (expected, True)


def test_an_unreadable_deadline_is_reported():
    assert parse_deadline("尽快", 2026) == (None, False)
    assert parse_deadline("13月底", 2026) == (None, False)


def test_units_split_on_every_separator_and_keep_collective_phrases_whole():
    assert split_units("市公安局，市医保局、各区市政府") == [
        ("市公安局", False),
        ("市医保局", False),
        ("各区市政府", True),
    ]
    assert split_units("市工信局\n市财政局") == [("市工信局", False), ("市财政局", False)]
    assert split_units("市直有关部门、单位") == [("市直有关部门、单位", True)]
    assert split_units("各县（市、区）政府") == [("各县（市、区）政府", True)]


@pytest.mark.parametrize(
    ("title", "lead", "partner"),
    [
        ("建设数据底座（牵头单位：市大数据局；责任单位：各区政府）", "市大数据局", "各区政府"),
        ("建设数据底座（市大数据局牵头，各区政府配合）", "市大数据局", "各区政府"),
        ("建设数据底座【牵头单位：市大数据局】", "市大数据局", ""),
        ("建设数据底座(牵头单位:市大数据局;配合单位:市财政局)", "市大数据局", "市财政局"),
    ],
)
def test_inline_units_in_brackets_of_several_styles(title, lead, partner):
    assert extract_inline(title) == ("建设数据底座", lead, partner)


def test_other_brackets_stay_in_the_title():
    assert extract_inline("建设城市信息模型（CIM）平台") == ("建设城市信息模型（CIM）平台", "", "")


def test_an_accepted_and_a_refused_import_each_leave_one_audit_row(city_bureaus, plan, trail):
    with pytest.raises(CommandError):
        run("task_list_with_bad_rows.xlsx", plan)
    refused = trail(AuditKind.IMPORT_REFUSED).get()
    assert refused.action == "tasks.import" and "4" in refused.message
    run("task_list_messy.xlsx", plan)
    accepted = trail(AuditKind.IMPORT_ACCEPTED).get()
    assert accepted.after == {"created": Task.objects.count(), "updated": 0, "unchanged": 0, "skipped": 0}
    assert trail().exclude(kind=AuditKind.ORGANIZATION).count() == 2
