"""kill -9 of a worker in the middle of the overdue scan: the job comes back to another worker
within seconds (the visibility timeout, set short here) and the end state is a clean run's."""

import pytest
from django.db import transaction

from portfolio.models import Notification
from tasks.lifecycle import Status
from tasks.models import Task, TaskWarning
from tasks.scan import run_scan
from tests.worker import kill_mid_job_and_recover, skip_unless_redelivery_is_possible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def scan_state():
    return (
        sorted(TaskWarning.objects.values_list("task_id", "kind", "closed_at")),
        sorted(Task.objects.values_list("pk", "light", "open_warning_count")),
        sorted(Notification.objects.values_list("recipient_id", "kind", "title")),
    )


def test_a_worker_killed_mid_scan_loses_nothing_and_the_end_state_is_a_clean_run_s(
    make_task, transport_bureau, health_bureau, owner, other_owner, supervisor, tmp_path
):
    skip_unless_redelivery_is_possible()
    for org in (transport_bureau, health_bureau):
        make_task(org, due_in=-5, assigned_days_ago=40, status=Status.IN_PROGRESS)  # overdue
        make_task(org, due_in=-45, assigned_days_ago=90, status=Status.IN_PROGRESS)  # severe
        make_task(org, due_in=3, assigned_days_ago=1, status=Status.ACKNOWLEDGED)  # due soon
        make_task(org, due_in=60, assigned_days_ago=10, status=Status.ASSIGNED)  # unacknowledged
    before = scan_state()
    with transaction.atomic():  # the clean run, rolled back: what the killed one must end as
        run_scan()
        expected = scan_state()
        transaction.set_rollback(True)
    assert scan_state() == before and expected != before

    seconds = kill_mid_job_and_recover(
        tmp_path,
        "tasks.scan_overdue",
        stall="tasks.scan:refresh_warning_flags",  # warnings opened, flags set, nothing committed
        committed=lambda: True,
        done=lambda: scan_state() == expected,
    )
    assert scan_state() == expected
    print(f"redelivered and finished {seconds:.1f} s after the kill")
    assert seconds < 60
