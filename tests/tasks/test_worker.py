"""A real Celery worker with embedded beat runs the scheduled overdue scan (CI: on Redis).

The worker is a separate process on the test database and the broker the environment names
(settings.REAL_CELERY_BROKER_URL; without one, kombu's filesystem transport in VAR_DIR), with a
queue of its own that is deleted afterwards, and the scan scheduled every second.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tasks.lifecycle import Status
from tasks.models import TaskWarning

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _delete_queue(broker: str, queue: str) -> None:
    if not broker.startswith(("redis", "rediss")):
        return
    import redis

    # The queue, and the bindings kombu keeps for the exchange named after it.
    redis.Redis.from_url(broker).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def test_beat_and_a_worker_run_the_scheduled_scan(make_task, transport_bureau, tmp_path):
    task = make_task(transport_bureau, due_in=-5, assigned_days_ago=30, status=Status.IN_PROGRESS)
    queue = f"test-tasks-scan-{uuid.uuid4().hex[:8]}"
    broker = settings.REAL_CELERY_BROKER_URL
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "VAR_DIR": str(settings.VAR_DIR),
        "CELERY_QUEUE": queue,
        "OVERDUE_SCAN_SECONDS": "1",
        "HEARTBEAT_SECONDS": "3600",
        "DJANGO_SETTINGS_MODULE": "portfolio.settings",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portfolio", "worker", "-B", "--pool", "solo", "-Q", queue,
             "--loglevel", "INFO", "--schedule", str(tmp_path / "beat-schedule")],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and worker.poll() is None:
                if TaskWarning.objects.filter(task=task, kind="overdue", closed_at__isnull=True).exists():
                    break
                time.sleep(0.5)
        finally:
            worker.terminate()
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(10)
            _delete_queue(broker, queue)
    output = log.read_text()
    assert TaskWarning.objects.filter(task=task, kind="overdue", closed_at__isnull=True).exists(), output[-3000:]
    assert "tasks.scan_overdue" in output
