"""Start a real Celery worker (with embedded beat) for a test, against the test database.

Used by tests marked ``worker``. The worker runs as a separate process with the same settings
module as production (portfolio.settings), on the broker the environment names
(``settings.REAL_CELERY_BROKER_URL``: Redis in CI, the embedded filesystem broker otherwise),
with a queue of its own that is deleted afterwards.
"""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from celery import Celery
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """A DATABASE_URL for the database this test run uses (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, tmp_path: Path, extra_env: dict | None = None, *, queue: str = "", beat: bool = True):
        self.queue = queue or f"test-{uuid.uuid4().hex[:10]}"
        self.beat = beat
        self.broker = settings.REAL_CELERY_BROKER_URL
        self.var_dir = tmp_path / "var"
        self.log = tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "DJANGO_SETTINGS_MODULE"}},
            "DJANGO_SETTINGS_MODULE": "portfolio.settings",
            "DEBUG": "true",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.broker,
            "CELERY_QUEUE": self.queue,
            "VAR_DIR": str(self.var_dir),
            **(extra_env or {}),
        }
        self.process = None

    def transport_options(self) -> dict:
        if not self.broker.startswith("filesystem://"):
            return {}
        folder = str(self.var_dir / "broker" / "queue")
        return {
            "data_folder_in": folder,
            "data_folder_out": folder,
            "control_folder": str(self.var_dir / "broker" / "control"),
        }

    def start(self):
        for folder in ("queue", "control"):
            (self.var_dir / "broker" / folder).mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portfolio",
                "worker",
                *(["-B"] if self.beat else []),
                # Fault injection for the tests that kill a worker mid-job (inert unless FAULT_STALL).
                "--include",
                "tests.faults",
                "--pool",
                "solo",
                "-Q",
                self.queue,
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        return self

    def sender(self) -> Celery:
        app = Celery("test-sender", broker=self.broker, set_as_current=False)
        app.conf.update(
            task_serializer="json",
            accept_content=["json"],
            broker_transport_options=self.transport_options(),
            task_default_queue=self.queue,
        )
        return app

    def send(self, name: str, *args):
        with self.sender().connection_for_write() as conn:
            self.sender().send_task(name, args=list(args), queue=self.queue, connection=conn)

    def wait_for(self, condition, *, timeout: float = 60, what: str = "the worker") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise AssertionError(f"Timed out waiting for {what}. Worker log:\n{self.log.read_text()[-4000:]}")

    def kill(self):
        """kill -9: no shutdown, no acknowledgement, the job's transaction cut off mid-way."""
        self.process.kill()
        self.process.wait(timeout=20)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.broker.startswith(("redis://", "rediss://")):
            # Leave the shared Redis as we found it: our queue, its bindings and exchange.
            with self.sender().connection_for_write() as conn:
                client = conn.default_channel.client
                keys = list(client.scan_iter(match=f"*{self.queue}*"))
                if keys:
                    client.delete(*keys)
        elif not self.broker.startswith("filesystem://"):
            with contextlib.suppress(Exception), self.sender().connection_for_write() as conn:
                conn.default_channel.queue_delete(self.queue)
                conn.default_channel.exchange_delete(self.queue)


@contextlib.contextmanager
def running_worker(tmp_path: Path, **extra_env):
    worker = Worker(tmp_path, {k: str(v) for k, v in extra_env.items()}).start()
    try:
        yield worker
    finally:
        worker.stop()


def skip_unless_redelivery_is_possible():
    """A killed worker's job can only come back on a broker with acknowledgements."""
    import pytest

    broker = settings.REAL_CELERY_BROKER_URL
    if not broker.startswith(("redis://", "rediss://", "amqp://", "amqps://", "pyamqp://")):
        pytest.skip(
            "needs Redis or RabbitMQ (CELERY_BROKER_URL): the embedded filesystem broker has no "
            "acknowledgements, so a killed worker's job is gone; production runs on Redis or RabbitMQ"
        )
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the job's transaction must die with the killed worker's connection")


def kill_mid_job_and_recover(
    tmp_path: Path, task_name: str, *args, stall: str, stall_after=0, committed, done, env: dict | None = None
):
    """Send ``task_name`` to a worker that stalls inside ``stall`` (tests/faults.py), wait until
    ``committed()`` holds, kill -9 that worker, start a second one on the same queue with a short
    visibility timeout, and wait until ``done()`` holds. Returns the seconds from kill to done."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    marker = tmp_path / "stalled"
    faulty = {"FAULT_STALL": stall, "FAULT_STALL_AFTER": str(stall_after), "FAULT_MARKER": str(marker)}
    first = Worker(tmp_path, {**(env or {}), **faulty}, queue=queue, beat=False).start()
    second = Worker(tmp_path, {**(env or {}), "CELERY_VISIBILITY_TIMEOUT": "5"}, queue=queue, beat=False)
    try:
        first.send(task_name, *args)
        first.wait_for(marker.exists, timeout=120, what=f"the job to stall in {stall}")
        first.wait_for(committed, timeout=30, what="the work done before the stall to commit")
        assert not done(), "the job must be cut off before its end"
        first.kill()
        killed_at = time.monotonic()
        second.start()
        second.wait_for(done, timeout=120, what="the redelivered job to finish")
        return time.monotonic() - killed_at
    finally:
        if first.process.poll() is None:
            first.kill()
        second.stop() if second.process else first.stop()  # removes the queue either way
