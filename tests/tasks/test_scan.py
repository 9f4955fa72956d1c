"""The overdue scan: each warning kind opens and closes, idempotently, once notified."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portfolio.models import Notification
from tasks.lifecycle import Light, Status, WarningKind
from tasks.models import Notice, ProgressReport, Task, TaskWarning
from tasks.scan import run_scan

pytestmark = pytest.mark.django_db


def open_kinds(task):
    return set(TaskWarning.objects.filter(task=task, closed_at__isnull=True).values_list("kind", flat=True))


def test_due_soon_opens_within_warning_days_and_turns_the_light_yellow(make_task, transport_bureau):
    soon = make_task(transport_bureau, due_in=5)
    later = make_task(transport_bureau, due_in=8)
    run_scan()
    assert open_kinds(soon) == {WarningKind.DUE_SOON}
    assert open_kinds(later) == set()
    soon.refresh_from_db()
    assert soon.light == Light.YELLOW and soon.open_warning_count == 1


def test_overdue_opens_past_the_due_date_and_closes_when_the_date_moves(make_task, transport_bureau):
    task = make_task(transport_bureau, due_in=-2, assigned_days_ago=10, status=Status.IN_PROGRESS)
    run_scan()
    assert open_kinds(task) == {WarningKind.OVERDUE}
    task.refresh_from_db()
    assert task.light == Light.RED
    Task.objects.filter(pk=task.pk).update(due_date=timezone.localdate() + timedelta(days=20))
    run_scan()
    assert open_kinds(task) == set()
    warning = TaskWarning.objects.get(task=task, kind=WarningKind.OVERDUE)
    assert warning.opened_at and warning.closed_at and warning.closed_at >= warning.opened_at
    task.refresh_from_db()
    assert task.light == Light.GREEN and task.open_warning_count == 0


def test_severe_opens_beside_overdue_after_severe_days(make_task, transport_bureau):
    task = make_task(transport_bureau, due_in=-31, assigned_days_ago=60, status=Status.IN_PROGRESS)
    just_late = make_task(transport_bureau, due_in=-30, assigned_days_ago=60, status=Status.IN_PROGRESS)
    run_scan()
    assert open_kinds(task) == {WarningKind.OVERDUE, WarningKind.SEVERE}
    assert open_kinds(just_late) == {WarningKind.OVERDUE}


def test_completed_and_suspended_tasks_close_their_warnings(make_task, transport_bureau):
    task = make_task(transport_bureau, due_in=-40, assigned_days_ago=60, status=Status.IN_PROGRESS)
    run_scan()
    assert open_kinds(task) == {WarningKind.OVERDUE, WarningKind.SEVERE}
    Task.objects.filter(pk=task.pk).update(status=Status.COMPLETED)
    run_scan()
    assert open_kinds(task) == set()
    assert TaskWarning.objects.filter(task=task, closed_at__isnull=False).count() == 2


def test_unacknowledged_opens_after_ack_days_and_closes_on_acknowledgement(make_task, transport_bureau):
    late = make_task(transport_bureau, assigned_days_ago=3)
    fresh = make_task(transport_bureau, assigned_days_ago=2)
    run_scan()
    assert open_kinds(late) == {WarningKind.UNACKNOWLEDGED}
    assert open_kinds(fresh) == set()
    Task.objects.filter(pk=late.pk).update(status=Status.ACKNOWLEDGED)
    run_scan()
    assert open_kinds(late) == set()


def test_report_missing_opens_after_a_cycle_without_report_and_closes_when_one_is_filed(
    make_task, transport_bureau, owner
):
    long_ago = timezone.now() - timedelta(days=31)
    task = make_task(transport_bureau, due_in=90, assigned_days_ago=60, status=Status.IN_PROGRESS)
    Task.objects.filter(pk=task.pk).update(status_changed_at=long_ago)
    recent = make_task(transport_bureau, due_in=90, assigned_days_ago=60, status=Status.IN_PROGRESS)
    Task.objects.filter(pk=recent.pk).update(status_changed_at=timezone.now() - timedelta(days=29))
    run_scan()
    assert open_kinds(task) == {WarningKind.REPORT_MISSING}
    assert open_kinds(recent) == set()
    Task.objects.filter(pk=task.pk).update(last_report_at=timezone.now())
    run_scan()
    assert open_kinds(task) == set()


def test_overdue_notice_reply_raises_a_warning(make_task, transport_bureau, supervisor):
    task = make_task(transport_bureau, due_in=30, status=Status.IN_PROGRESS)
    notice = Notice.objects.create(
        task=task, requirement="说明情况", reply_due=timezone.localdate() - timedelta(days=1), issued_by=supervisor
    )
    run_scan()
    assert open_kinds(task) == {WarningKind.NOTICE_OVERDUE}
    Notice.objects.filter(pk=notice.pk).update(status="replied")
    run_scan()
    assert open_kinds(task) == set()


def test_a_second_scan_changes_nothing(make_task, transport_bureau, health_bureau):
    make_task(transport_bureau, due_in=-40, assigned_days_ago=60, status=Status.IN_PROGRESS)
    make_task(health_bureau, due_in=3, assigned_days_ago=5)
    first = run_scan()
    assert first.changed == 4  # overdue + severe; due_soon + unacknowledged
    before = list(TaskWarning.objects.values_list("pk", "opened_at", "closed_at", "notified_at"))
    notifications = Notification.objects.count()
    second = run_scan()
    assert second.changed == 0 and second.notified == 0
    assert list(TaskWarning.objects.values_list("pk", "opened_at", "closed_at", "notified_at")) == before
    assert Notification.objects.count() == notifications


def test_thresholds_are_read_at_run_time(make_task, transport_bureau):
    from constance import config

    task = make_task(transport_bureau, due_in=10)
    run_scan()
    assert open_kinds(task) == set()
    config.WARNING_DAYS = 14
    run_scan()
    assert open_kinds(task) == {WarningKind.DUE_SOON}


def test_each_warning_notifies_the_lead_once_and_severe_also_the_supervisors(
    make_task, transport_bureau, owner, other_owner, supervisor, django_capture_on_commit_callbacks
):
    task = make_task(transport_bureau, due_in=-40, assigned_days_ago=60, status=Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks() as callbacks:
        run_scan()
    kinds = sorted(Notification.objects.filter(recipient=owner).values_list("kind", flat=True))
    assert kinds == ["tasks.warning.overdue", "tasks.warning.severe"]
    assert task.code in Notification.objects.filter(recipient=owner).first().body
    assert Notification.objects.filter(recipient=supervisor, kind="tasks.warning.severe.supervisor").count() == 1
    assert not Notification.objects.filter(recipient=other_owner).exists()
    assert callbacks, "the emails are sent after commit"
    run_scan()
    run_scan()
    assert Notification.objects.filter(recipient=owner).count() == 2


def test_a_bureau_without_accounts_is_represented_by_its_parent(make_task, city, transport_bureau, owner):
    from tests import factories

    section = factories.organization("临江市交通运输局综合科", region_=city, parent=transport_bureau)
    make_task(section, due_in=-3, assigned_days_ago=20, status=Status.IN_PROGRESS)
    run_scan()
    assert Notification.objects.filter(recipient=owner, kind="tasks.warning.overdue").exists()


def test_a_report_by_the_lead_closes_report_missing_at_once(make_task, transport_bureau, owner):
    from tasks.services import file_report

    task = make_task(transport_bureau, due_in=90, assigned_days_ago=60, status=Status.IN_PROGRESS)
    Task.objects.filter(pk=task.pk).update(status_changed_at=timezone.now() - timedelta(days=40))
    run_scan()
    assert open_kinds(task) == {WarningKind.REPORT_MISSING}
    file_report(task, by=owner, period="2026-05", text="完成系统部署", percent=60)
    assert open_kinds(task) == set()
    assert ProgressReport.objects.filter(task=task).count() == 1
