"""The pages: what each role sees and can do, in Chinese; exports; the import page."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from tasks.lifecycle import Status
from tasks.models import Notice, Task, TaskImport
from tasks.scan import run_scan

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data"


def test_the_board_shows_counts_per_bureau_and_refreshes_them_with_htmx(
    signed_in, make_task, transport_bureau, supervisor
):
    make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    run_scan()
    client = signed_in(supervisor)
    page = client.get("/tasks/board/")
    html = page.content.decode()
    assert page.status_code == 200 and "督办看板" in html and "临江市交通运输局" in html
    assert 'hx-trigger="every 60s"' in html and "echarts.min.js" in html
    partial = client.get("/tasks/board/?light=red", headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "<html" not in body and 'data-testid="total-red">1<' in body
    chart = client.get("/tasks/board/chart.json").json()
    assert (
        len(chart["dates"]) == 90 and chart["series"]["overdue"][-1] == 1 and chart["labels"]["overdue"] == "逾期预警"
    )


def test_task_lists_call_a_task_code_a_task_code(signed_in, make_task, transport_bureau, supervisor):
    # Not the projects app's "项目编号", which the shared msgid "Code" used to pick up.
    make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    run_scan()
    client = signed_in(supervisor)
    for url in ("/tasks/", "/tasks/board/"):
        html = client.get(url).content.decode()
        assert "任务编号" in html and "项目编号" not in html


def test_one_click_from_the_board_opens_a_late_task_with_its_history(
    signed_in, make_task, transport_bureau, supervisor
):
    late = make_task(transport_bureau, due_in=-9, assigned_days_ago=30, status=Status.IN_PROGRESS)
    make_task(transport_bureau, due_in=30, status=Status.ACKNOWLEDGED)
    run_scan()
    client = signed_in(supervisor)
    html = client.get("/tasks/board/").content.decode()
    assert 'data-testid="most-overdue"' in html and "逾期最久的任务" in html
    assert f'href="/tasks/{late.pk}/"' in html and "9 天" in html
    detail = client.get(f"/tasks/{late.pk}/").content.decode()
    assert late.title in detail


def test_owners_do_not_get_the_board_but_see_their_tasks(signed_in, make_task, transport_bureau, health_bureau, owner):
    mine = make_task(transport_bureau, title="公交电子站牌覆盖")
    theirs = make_task(health_bureau, title="出生一件事")
    client = signed_in(owner)
    assert client.get("/tasks/board/").status_code == 403
    html = client.get("/tasks/").content.decode()
    assert "本单位任务" in html and mine.title in html and theirs.title not in html
    assert client.get(f"/tasks/{theirs.pk}/").status_code == 404


def test_the_lead_acknowledges_and_reports_through_the_pages(signed_in, make_task, transport_bureau, owner):
    task = make_task(transport_bureau)
    client = signed_in(owner)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "签收" in page and "办理历程" in page
    client.post(f"/tasks/{task.pk}/acknowledge/", {"acknowledge-comment": ""})
    client.post(f"/tasks/{task.pk}/start/", {"start-comment": ""})
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS
    bad = client.post(f"/tasks/{task.pk}/report/", {"period": "2026-05", "text": "进展", "percent": "120"})
    assert bad.status_code == 400 and "100" in " ".join(bad.context["form"].errors["percent"])
    assert not task.reports.exists()
    evidence = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    done = client.post(
        f"/tasks/{task.pk}/report/", {"period": "2026-05", "text": "完成部署", "percent": "50", "files": [evidence]}
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.progress == 50
    report = task.reports.get()
    download = client.get(f"/tasks/evidence/{report.evidence.get().pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_refusals_on_the_pages_are_explained_in_chinese(signed_in, make_task, transport_bureau, supervisor):
    task = make_task(transport_bureau)
    client = signed_in(supervisor)
    response = client.post(f"/tasks/{task.pk}/verify/", {"verify-comment": ""}, follow=True)
    assert "只有督查部门可以" not in response.content.decode()  # supervisors may verify …
    assert "当前状态" in response.content.decode() or "不允许" in response.content.decode()  # … but not now


def test_a_supervisor_issues_a_notice_the_bureau_replies_and_the_supervisor_closes_it(
    signed_in, client, make_task, transport_bureau, supervisor, owner
):
    task = make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    signed_in(supervisor).post(f"/tasks/{task.pk}/notices/new/", {"requirement": "说明逾期原因", "reply_due": due})
    notice = Notice.objects.get()
    client.logout()
    signed_in(owner).post(f"/tasks/notices/{notice.pk}/reply/", {"reply": "本月底前完成"})
    client.logout()
    signed_in(supervisor).post(f"/tasks/notices/{notice.pk}/close/", {"comment": "同意销号"})
    notice.refresh_from_db()
    assert notice.status == "closed" and [e.action for e in notice.events.all()] == ["issue", "reply", "close"]
    assert "同意销号" in client.get(f"/tasks/{task.pk}/").content.decode()


def test_the_task_list_and_board_export_to_xlsx(signed_in, make_task, transport_bureau, supervisor):
    make_task(transport_bureau, title="智慧停车一张网", due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    run_scan()
    client = signed_in(supervisor)
    sheet = load_workbook(BytesIO(client.get("/tasks/export.xlsx?light=red").content)).active
    assert sheet["B1"].value == "任务" and sheet["B2"].value == "智慧停车一张网" and sheet["J2"].value == "红灯"
    board = load_workbook(BytesIO(client.get("/tasks/board/export.xlsx").content)).active
    assert board["A2"].value == "临江市交通运输局" and board["D2"].value == 1
    ranking = client.get("/tasks/ranking/export.xlsx")
    assert ranking.status_code == 200 and ranking["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_import_page_offers_close_matches_and_imports_after_confirmation(
    signed_in, plan, manager, transport_bureau, health_bureau, data_bureau, city, city_government
):
    from tests import factories

    agriculture = factories.organization("临江市农业农村局", region_=city, parent=city_government)
    data_bureau.aliases = ["市数据局", "市大数据局"]
    data_bureau.save()
    client = signed_in(manager)
    upload = SimpleUploadedFile("分工表.xlsx", (DATA / "task_list_with_bad_rows.xlsx").read_bytes())
    response = client.post(
        "/tasks/import/", {"plan": plan.pk, "year": 2026, "assigned_on": "2026-01-05", "file": upload}
    )
    assert response.status_code == 302
    record = TaskImport.objects.get()
    preview = client.get(response["Location"]).content.decode()
    assert "市农业农村委" in preview and "临江市农业农村局" in preview and "确认相近单位" in preview
    refused = client.post(f"/tasks/import/{record.pk}/", {"import": "1"}, follow=True)
    assert "本次未导入任何任务" in refused.content.decode() and not Task.objects.exists()
    record.refresh_from_db()
    assert record.state == TaskImport.State.PENDING  # a refused import leaves the upload to confirm again
    confirm = {"confirm-name-1": "市农业农村委", "confirm-org-1": str(agriculture.pk)}
    rechecked = client.post(f"/tasks/import/{record.pk}/", confirm).content.decode()
    assert rechecked.count("table-danger") < preview.count("table-danger")
    done = client.post(f"/tasks/import/{record.pk}/", {**confirm, "import": "1", "skip_bad_rows": "1"})
    assert done.status_code == 302
    assert Task.objects.filter(title="推进数字乡村试点", lead_org=agriculture).exists()
    imported = Task.objects.count()
    # A second confirmation (another tab, a double click) imports nothing and says why.
    again = client.post(f"/tasks/import/{record.pk}/", {**confirm, "import": "1", "skip_bad_rows": "1"})
    page = again.content.decode()
    assert again.status_code == 200 and Task.objects.count() == imported
    assert "已导入" in page and "新增" in page and "{'created'" not in page  # the counts in words, not a dict


def test_the_import_page_refuses_a_password_protected_sheet(signed_in, plan, manager):
    client = signed_in(manager)
    upload = SimpleUploadedFile("加密.xlsx", (DATA / "task_list_encrypted.xlsx").read_bytes())
    response = client.post(
        "/tasks/import/", {"plan": plan.pk, "year": 2026, "assigned_on": "2026-01-05", "file": upload}
    )
    assert response.status_code == 400 and "密码" in response.content.decode()
    assert not TaskImport.objects.exists()


def test_only_managers_import(signed_in, supervisor):
    assert signed_in(supervisor).get("/tasks/import/").status_code == 403


def test_home_panels_for_owner_and_supervisor(signed_in, client, make_task, transport_bureau, owner, supervisor):
    make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    run_scan()
    assert "本单位任务" in signed_in(owner).get("/").content.decode()
    client.logout()
    assert "任务督办" in signed_in(supervisor).get("/").content.decode()


def test_the_reply_overdue_filter_offers_all_yes_no_not_unknown(signed_in, supervisor):
    html = signed_in(supervisor).get("/tasks/notices/").content.decode()
    start = html.rindex("<select", 0, html.index('name="overdue"'))
    select = html[start : html.index("</select>", start)]
    assert "form-select" in select and '<option value="unknown" selected>全部</option>' in select
    assert ">是<" in select and ">否<" in select and "未知" not in html
