"""Issue 13 through the command and the upload page: rows without a deadline, deadlines in the
text, past deadlines, abbreviations and the uploader's region, aliases saved and edited."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from portfolio.models import Organization, Region, Role
from tasks.lifecycle import WarningKind
from tasks.models import Task, TaskImport
from tasks.scan import run_scan
from tests import factories
from tests.tasks.factories import sheet_bytes

pytestmark = pytest.mark.django_db
HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]


@pytest.fixture
def bureaus(city, city_government, data_bureau):
    names = ["临江市发展和改革委员会", "临江市人力资源和社会保障局", "临江市住房和城乡建设局", "临江市财政局"]
    return {n: factories.organization(n, region_=city, parent=city_government) for n in names}


def command(tmp_path, plan, data, *extra):
    path = tmp_path / "分工表.xlsx"
    path.write_bytes(data)
    call_command("import_tasks", str(path), "--plan", str(plan.pk), "--year", "2026", *extra)


def test_a_row_without_a_deadline_is_imported_without_a_due_date_and_warned(tmp_path, plan, bureaus, capsys):
    data = sheet_bytes(HEADER, ["1", "建设城市数据底座", "市大数据局", "", ""])
    command(tmp_path, plan, data, "--assigned-on", "2026-01-05")
    task = Task.objects.get()
    assert task.due_date is None and task.lead_org.name == "临江市政务服务和数据管理局"
    assert "未写完成时限" in capsys.readouterr().out or "No deadline" in capsys.readouterr().out


def test_blank_deadline_year_end_gives_the_plan_year_end(tmp_path, plan, bureaus):
    data = sheet_bytes(HEADER, ["1", "建设城市数据底座", "市大数据局", "", ""])
    command(tmp_path, plan, data, "--assigned-on", "2026-01-05", "--blank-deadline", "year-end")
    assert Task.objects.get().due_date == date(2026, 12, 31)


def test_deadlines_written_in_the_task_text_are_read_when_the_column_is_empty(tmp_path, plan, bureaus):
    data = sheet_bytes(
        HEADER,
        ["1", "年底前建成全市统一的政务服务管理平台", "市发改委", "", ""],
        ["2", "推进电子证照应用，6月底前实现高频证照共享", "市人社局", "", ""],
        ["3", "到2027年底，城市全域数字化转型取得明显成效", "市住建局", "", ""],
    )
    command(tmp_path, plan, data, "--assigned-on", "2026-01-05", "--blank-deadline", "year-end")
    due = dict(Task.objects.values_list("lead_org__name", "due_date"))
    assert due == {
        "临江市发展和改革委员会": date(2026, 12, 31),
        "临江市人力资源和社会保障局": date(2026, 6, 30),
        "临江市住房和城乡建设局": date(2027, 12, 31),
    }


def test_a_deadline_before_the_assignment_date_is_imported_and_overdue_at_the_next_scan(
    tmp_path, plan, bureaus, capsys
):
    data = sheet_bytes(HEADER, ["1", "完成政务云迁移", "市大数据局", "市财政局", "2025年6月底"])
    command(tmp_path, plan, data, "--assigned-on", "2026-01-05")
    assert "--assigned-on" in capsys.readouterr().out
    task = Task.objects.get()
    assert task.due_date == date(2025, 6, 30) and task.assigned_at == date(2025, 6, 30)
    run_scan()
    assert task.warnings.filter(kind=WarningKind.OVERDUE, closed_at__isnull=True).exists()


def test_bad_rows_still_refuse_the_whole_sheet(tmp_path, plan, bureaus):
    data = sheet_bytes(HEADER, ["1", "任务甲", "市大数据局", "", ""], ["2", "任务乙", "市未知局", "", ""])
    with pytest.raises(CommandError, match="--skip-bad-rows"):
        command(tmp_path, plan, data)
    assert not Task.objects.exists()


def test_the_uploaders_own_region_prefix_is_understood(city, city_government, plan):
    from tasks.importing import plan_import, read_workbook

    district = factories.region("东城区", parent=city)
    government = factories.organization("东城区人民政府", region_=district, kind="government")
    health = factories.organization("东城区卫生健康局", region_=district, parent=government)
    uploader = factories.user(Role.MANAGER, organization_=government, username="dc-manager")
    data = sheet_bytes(HEADER, ["1", "推进基层卫生信息化", "区卫健局", "区政府", "年底前"])
    (row,) = plan_import(read_workbook(data), plan=plan, year=2026, assigned_on=date(2026, 1, 5), by=uploader).rows
    assert row.lead_org == health and row.partner_orgs == [government]


def test_the_upload_page_offers_the_blank_deadline_choice_and_warns_on_the_preview(signed_in, plan, manager, bureaus):
    client = signed_in(manager)
    form = client.get("/tasks/import/").content.decode()
    assert 'name="blank_deadline"' in form and "31 December" not in form
    upload = SimpleUploadedFile("分工表.xlsx", sheet_bytes(HEADER, ["1", "建设城市数据底座", "市大数据局", "", ""]))
    response = client.post(
        "/tasks/import/",
        {"plan": plan.pk, "year": 2026, "assigned_on": "2026-01-05", "blank_deadline": "year-end", "file": upload},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "2026年12月31日" in preview and "table-warning" in preview
    record = TaskImport.objects.get()
    assert client.post(f"/tasks/import/{record.pk}/", {"import": "1"}).status_code == 302
    assert Task.objects.get().due_date == date(2026, 12, 31)


def test_a_confirmed_close_match_is_saved_as_an_alias_and_matches_the_next_sheet(
    signed_in, plan, manager, bureaus, city, city_government
):
    agriculture = factories.organization("临江市农业农村局", region_=city, parent=city_government)
    client = signed_in(manager)

    def upload(title):
        data = sheet_bytes(HEADER, ["1", title, "市农业农村委", "", "年底前"])
        response = client.post(
            "/tasks/import/",
            {"plan": plan.pk, "year": 2026, "assigned_on": "2026-01-05", "file": SimpleUploadedFile("a.xlsx", data)},
        )
        return TaskImport.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])

    first = upload("推进数字乡村试点")
    assert "市农业农村委" in client.get(f"/tasks/import/{first.pk}/").content.decode()
    confirm = {"confirm-name-1": "市农业农村委", "confirm-org-1": str(agriculture.pk), "import": "1"}
    assert client.post(f"/tasks/import/{first.pk}/", confirm).status_code == 302
    agriculture.refresh_from_db()
    assert agriculture.aliases == ["市农业农村委"]
    second = upload("建设智慧农业平台")
    assert client.post(f"/tasks/import/{second.pk}/", {"import": "1"}).status_code == 302  # no confirmation needed
    assert Task.objects.filter(lead_org=agriculture).count() == 2


def test_aliases_are_edited_one_per_line_in_the_admin(client, db, city):
    admin = factories.user(Role.MANAGER, username="root", is_staff=True, is_superuser=True)
    org = factories.organization("临江市医疗保障局", region_=city, aliases=["市医保局"])
    client.force_login(admin)
    page = client.get(f"/admin/portfolio/organization/{org.pk}/change/").content.decode()
    assert "市医保局" in page and "[&quot;" not in page
    response = client.post(
        f"/admin/portfolio/organization/{org.pk}/change/",
        {
            "name": org.name,
            "short_name": org.short_name,
            "aliases": "市医保局\n市医疗保障局\n\n市医保局",
            "kind": org.kind,
            "region": city.pk,
            "parent": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organization.objects.get(pk=org.pk).aliases == ["市医保局", "市医疗保障局"]
    assert Region.objects.count() >= 1


def test_cells_merged_over_sub_tasks_are_read_from_values_alone(tmp_path, plan, bureaus):
    """A read-only reader gives a merged cell's value in its first row and blanks below it."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(sheet_bytes(HEADER)))
    ws = book.active
    ws.append(["1", "建设城市数据底座", "市大数据局", "市财政局", "2026年6月底"])
    ws.append(["", "建成一体化算力网络", None, None, None])
    ws.append(["2", "推进公共数据授权运营", "市发改委", "", ""])
    ws.merge_cells("C3:C4")
    ws.merge_cells("D3:D4")
    ws.merge_cells("E3:E4")
    out = io.BytesIO()
    book.save(out)
    command(tmp_path, plan, out.getvalue(), "--assigned-on", "2026-01-05")
    compute = Task.objects.get(title="建成一体化算力网络")
    assert compute.lead_org.name == "临江市政务服务和数据管理局" and compute.due_date == date(2026, 6, 30)
    assert [o.name for o in compute.partner_orgs.all()] == ["临江市财政局"]
    assert Task.objects.get(title="推进公共数据授权运营").due_date is None  # its own 序号: its own blank
