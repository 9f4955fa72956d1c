"""The 督办单 prints (issue 14, "Done when"), and the bulletin's first page, for a person to look at:
screenshots in var/screenshots/."""

import io
import shutil
import subprocess
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from tasks import bulletin, services
from tasks.lifecycle import Status
from tests.tasks import factories as task_factories

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_a_supervisor_prints_the_notice(live_server, sign_in, page, transport_bureau, owner, supervisor):
    SHOTS.mkdir(parents=True, exist_ok=True)
    task = task_factories.task(
        transport_bureau, title="建设智慧停车一张网", due_in=-12, assigned_days_ago=60, status=Status.IN_PROGRESS
    )
    notice = services.issue_notice(
        task, by=supervisor, requirement="书面说明逾期原因和整改措施，明确完成时限。", reply_due=date(2099, 1, 5)
    )
    services.reply_notice(notice, by=owner, reply="已完成设备招标，预计下月底全部上线。")
    sign_in(supervisor)
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    page.click("[data-testid=notice-document]")
    page.wait_for_selector("[data-testid=notice-sheet]")
    page.emulate_media(media="print")
    assert not page.locator(".navbar").is_visible() and not page.locator("[data-testid=print]").is_visible()
    page.screenshot(path=str(SHOTS / "notice-printed.png"), full_page=True)
    printed = page.pdf(format="A4", print_background=True)
    (SHOTS / "notice-printed.pdf").write_bytes(printed)
    reader = PdfReader(io.BytesIO(printed))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text().replace(" ", "")
    assert "督办单" in text and "临江市交通运输局" in text and "已完成设备招标" in text


def test_the_bulletins_first_page(live_server, sign_in, page, transport_bureau, health_bureau, supervisor, manager):
    SHOTS.mkdir(parents=True, exist_ok=True)
    from django.utils import timezone

    from tasks.models import Task
    from tasks.scan import run_scan

    month = bulletin.previous_month(timezone.localdate())
    month_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    for org, late in ((transport_bureau, 1), (health_bureau, 2)):
        for i in range(3):
            task = task_factories.task(org, due_in=0, assigned_days_ago=120, status=Status.IN_PROGRESS)
            due = month - timedelta(days=40) if i < late else month + timedelta(days=5)
            Task.objects.filter(pk=task.pk).update(due_date=due)
            if i >= late:
                done = timezone.make_aware(datetime.combine(month + timedelta(days=2), time(10)))
                Task.objects.filter(pk=task.pk).update(status=Status.COMPLETED, completed_at=done)
    run_scan(today=month_end)  # the warnings open at the month's end
    issued = bulletin.generate_bulletin(month, by=supervisor)
    (SHOTS / "bulletin.pdf").write_bytes(bytes(issued.pdf))
    sign_in(manager)
    page.goto(f"{live_server.url}/tasks/bulletins/")
    assert issued.number in page.locator("[data-testid=bulletin]").first.inner_text()
    page.screenshot(path=str(SHOTS / "bulletins-page.png"), full_page=True)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(SHOTS / "bulletin.pdf"),
                str(SHOTS / "bulletin-page1"),
            ],
            check=True,
        )
        assert (SHOTS / "bulletin-page1.png").stat().st_size > 10_000
