"""A real worker and beat, on the broker the environment names (Redis in CI, else the embedded one)."""

import pytest

from portfolio.models import Heartbeat
from tests.worker import running_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_schedules_the_heartbeat_and_the_worker_runs_it_and_a_sent_task(tmp_path):
    with running_worker(tmp_path, HEARTBEAT_SECONDS=1) as worker:
        # Beat, reading its schedule from the database, sends the heartbeat; the worker runs it.
        worker.wait_for(lambda: Heartbeat.objects.filter(name="beat").exists(), what="the first beat")
        # Round trip: a task sent from this process is executed by the worker process.
        worker.send("portfolio.heartbeat", "round-trip")
        worker.wait_for(lambda: Heartbeat.objects.filter(name="round-trip").exists(), what="the sent task")
        worker.wait_for(lambda: Heartbeat.objects.filter(name="beat", runs__gte=2).exists(), what="a second beat")
    beat = Heartbeat.objects.get(name="beat")
    assert beat.worker.startswith("celery@")
