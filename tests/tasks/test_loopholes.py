"""The three loopholes of the supervision cycle, closed (issue 13), and the notice number."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from portfolio.models import Notification
from tasks import services
from tasks.lifecycle import Status
from tasks.models import Notice, NoticeEvent, ProgressReport, ProgressReportRevision
from tasks.scan import run_scan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def issue(api, supervisor, task, days=7):
    return api.as_(supervisor).post(
        "/api/v1/notices/",
        {"task": task.pk, "requirement": "说明滞后原因", "reply_due": (TODAY() + timedelta(days=days)).isoformat()},
    )


# --- A second notice while one is open --------------------------------------------------------
def test_a_second_notice_on_a_task_with_one_open_is_refused_naming_the_open_one(api, transport_task, supervisor):
    first = issue(api, supervisor, transport_task)
    assert first.status_code == 201, first.data
    second = issue(api, supervisor, transport_task)
    assert second.status_code == 409
    assert first.data["number"] in second.data["detail"]
    assert second.data["notice_status"] == "open" and "escalate" in second.data["allowed_actions"]
    assert Notice.objects.count() == 1 and NoticeEvent.objects.count() == 1


def test_a_replied_notice_still_blocks_a_second_and_a_closed_one_does_not(
    api, transport_task, supervisor, owner, signed_in
):
    notice = services.issue_notice(transport_task, by=supervisor, requirement="说明", reply_due=TODAY())
    services.reply_notice(notice, by=owner, reply="已整改")
    page = signed_in(supervisor).post(
        f"/tasks/{transport_task.pk}/notices/new/",
        {"requirement": "再次督办", "reply_due": (TODAY() + timedelta(days=3)).isoformat()},
        follow=True,
    )
    assert notice.number in page.content.decode() and Notice.objects.count() == 1
    services.close_notice(notice, by=supervisor)
    assert issue(api, supervisor, transport_task).status_code == 201


def test_once_a_notice_is_issued_the_proposal_to_issue_one_goes_away(
    signed_in, make_task, transport_bureau, supervisor
):
    task = make_task(transport_bureau, due_in=-40, assigned_days_ago=60, status=Status.IN_PROGRESS)
    run_scan()
    client = signed_in(supervisor)
    assert "建议下发督办单" in client.get(f"/tasks/{task.pk}/").content.decode()
    notice = services.issue_notice(task, by=supervisor, requirement="说明", reply_due=TODAY() + timedelta(days=5))
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "建议下发督办单" not in page and notice.number in page
    assert 'data-testid="issue-notice"' not in page and 'data-testid="notice-open"' in page


def test_the_scan_proposes_no_notice_for_a_severe_task_that_has_one_open(make_task, transport_bureau, supervisor):
    task = make_task(transport_bureau, due_in=-40, assigned_days_ago=60, status=Status.IN_PROGRESS)
    services.issue_notice(task, by=supervisor, requirement="说明", reply_due=TODAY() + timedelta(days=5))
    run_scan()
    assert not Notification.objects.filter(recipient=supervisor, kind="tasks.warning.severe.supervisor").exists()


def test_an_escalation_cannot_move_the_reply_date_earlier(api, transport_task, supervisor):
    notice = services.issue_notice(
        transport_task, by=supervisor, requirement="说明", reply_due=TODAY() + timedelta(days=10)
    )
    earlier = (TODAY() + timedelta(days=3)).isoformat()
    response = api.as_(supervisor).post(
        f"/api/v1/notices/{notice.pk}/escalate/", {"comment": "升级", "reply_due": earlier}
    )
    assert response.status_code == 400 and "reply_due" in response.data
    notice.refresh_from_db()
    assert notice.level == 1 and notice.reply_due == TODAY() + timedelta(days=10)
    later = (TODAY() + timedelta(days=12)).isoformat()
    response = api.as_(supervisor).post(
        f"/api/v1/notices/{notice.pk}/escalate/", {"comment": "升级", "reply_due": later}
    )
    assert response.status_code == 200 and response.data["level"] == 2


# --- Progress reports -------------------------------------------------------------------------
def report(api, user, task, percent, period="2026-05", **extra):
    return api.as_(user).post(
        f"/api/v1/tasks/{task.pk}/reports/", {"period": period, "text": "进展", "percent": percent, **extra}
    )


def test_progress_lower_than_the_last_report_needs_a_reason(api, make_task, transport_bureau, owner):
    task = make_task(transport_bureau, status=Status.IN_PROGRESS)
    assert report(api, owner, task, 60).status_code == 201
    refused = report(api, owner, task, 40, period="2026-06")
    assert refused.status_code == 400 and "60%" in refused.data["reason"][0]
    task.refresh_from_db()
    assert task.progress == 60 and ProgressReport.objects.count() == 1
    done = report(api, owner, task, 40, period="2026-06", reason="上月统计口径有误，已核减")
    assert done.status_code == 201 and done.data["reason"] == "上月统计口径有误，已核减"
    task.refresh_from_db()
    assert task.progress == 40


def test_a_second_report_for_a_period_revises_the_first_and_keeps_its_history(api, make_task, transport_bureau, owner):
    task = make_task(transport_bureau, status=Status.IN_PROGRESS)
    report(api, owner, task, 30)
    again = report(api, owner, task, 50)
    assert again.status_code == 200
    assert ProgressReport.objects.filter(task=task).count() == 1
    (revision,) = again.data["revisions"]
    assert revision["percent"] == 30 and again.data["percent"] == 50
    assert ProgressReportRevision.objects.get().report_id == again.data["id"]
    listed = api.as_(owner).get(f"/api/v1/tasks/{task.pk}/reports/").data
    assert listed["count"] == 1


def test_the_report_page_asks_for_the_reason(signed_in, make_task, transport_bureau, owner):
    task = make_task(transport_bureau, status=Status.IN_PROGRESS)
    client = signed_in(owner)
    url = f"/tasks/{task.pk}/report/"
    assert client.post(url, {"period": "2026-05", "text": "进展", "percent": 70}).status_code == 302
    refused = client.post(url, {"period": "2026-06", "text": "进展", "percent": 20})
    assert refused.status_code == 400 and "70%" in refused.content.decode()
    done = client.post(url, {"period": "2026-06", "text": "进展", "percent": 20, "reason": "部分功能返工"})
    assert done.status_code == 302
    assert "部分功能返工" in client.get(f"/tasks/{task.pk}/").content.decode()


# --- The notice number 督办〔YYYY〕N号 ---------------------------------------------------------------
def test_notices_are_numbered_per_year(api, make_task, transport_bureau, supervisor, signed_in):
    year = TODAY().year
    tasks = [make_task(transport_bureau) for _ in range(3)]
    numbers = [issue(api, supervisor, t).data["number"] for t in tasks[:2]]
    assert numbers == [f"督办〔{year}〕1号", f"督办〔{year}〕2号"]
    old = Notice.objects.create(
        task=tasks[2],
        requirement="旧",
        reply_due=TODAY(),
        issued_by=supervisor,
        issued_at=timezone.now().replace(year=year - 1),
    )
    assert old.number == f"督办〔{year - 1}〕1号"
    listed = signed_in(supervisor).get("/tasks/notices/").content.decode()
    assert all(n in listed for n in numbers)
    assert api.as_(supervisor).get(f"/api/v1/notices/{old.pk}/").data["number"] == old.number


@pytest.mark.django_db(transaction=True)
def test_two_notices_issued_at_once_get_different_numbers(make_task, transport_bureau, health_bureau, supervisor):
    tasks = [make_task(transport_bureau), make_task(health_bureau)]
    start, numbers, errors = threading.Barrier(2), [], []

    def issue_one(task):
        try:
            start.wait(30)
            notice = services.issue_notice(task, by=supervisor, requirement="说明", reply_due=TODAY())
            numbers.append(notice.number)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue_one, args=(t,)) for t in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and sorted(numbers) == sorted({f"督办〔{TODAY().year}〕{n}号" for n in (1, 2)})
