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
    def __init__(self, tmp_path: Path, extra_env: dict | None = None):
        self.queue = f"test-{uuid.uuid4().hex[:10]}"
        self.broker = settings.REAL_CELERY_BROKER_URL
        self.var_dir = tmp_path / "var"
        self.log = tmp_path / "worker.log"
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
                "-B",
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
