"""Two overdue scans at once: one does the work, the other says it skipped (advisory lock on
PostgreSQL, a lock row elsewhere). Threads need real transactions, hence transaction=True."""

import threading

import pytest
from django.db import connection

from tasks.lifecycle import Status
from tasks.models import TaskWarning
from tasks.scan import _exclusive, run_scan

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(target):
    def run():
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_scan_started_while_another_holds_the_lock_does_nothing(make_task, transport_bureau):
    make_task(transport_bureau, due_in=-3, assigned_days_ago=20, status=Status.IN_PROGRESS)
    holding, release, held = threading.Event(), threading.Event(), []

    def hold():
        lock = _exclusive()
        held.append(lock.__enter__())
        holding.set()
        release.wait(30)
        lock.__exit__(None, None, None)

    thread = _in_thread(hold)
    assert holding.wait(30) and held == [True]
    try:
        skipped = run_scan()
    finally:
        release.set()
        thread.join(30)
    assert skipped.skipped and TaskWarning.objects.count() == 0
    assert run_scan().changed == 1


def test_two_scans_at_once_open_each_warning_once(make_task, transport_bureau, health_bureau):
    for org in (transport_bureau, health_bureau):
        make_task(org, due_in=-40, assigned_days_ago=60, status=Status.IN_PROGRESS)
    start, results = threading.Barrier(2), []

    def scan():
        start.wait(30)
        results.append(run_scan())

    threads = [_in_thread(scan) for _ in range(2)]
    for thread in threads:
        thread.join(60)
    assert len(results) == 2
    assert sorted(r.changed for r in results) == [0, 4]  # one did the work (or ran second and found none)
    assert TaskWarning.objects.count() == 4
