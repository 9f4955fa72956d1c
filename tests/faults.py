"""Fault injection inside a test's Celery worker (tests/worker.py imports it with ``--include``).

Inert unless the worker's environment names a function, ``FAULT_STALL=module:function``: the
worker then replaces it, on its first job, by one that lets ``FAULT_STALL_AFTER`` calls (default
0) run and return normally, runs the next one, writes ``FAULT_MARKER`` and sleeps — mid-job,
inside whatever transaction the caller holds — until the test kills the worker. Calls after the
first ``FAULT_STALL_AFTER`` (threads of one job) wait until those have returned, so the stall
comes after their commits.
"""

import importlib
import os
import threading
import time
from pathlib import Path

from celery.signals import task_prerun

_installed = threading.Event()


@task_prerun.connect
def _install(**kwargs):
    target = os.environ.get("FAULT_STALL")
    if not target or _installed.is_set():
        return
    _installed.set()
    module_name, name = target.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, name)
    let_through = int(os.environ.get("FAULT_STALL_AFTER", "0"))
    marker = Path(os.environ["FAULT_MARKER"])
    lock, returned, calls = threading.Lock(), threading.Semaphore(0), [0]

    def stalled(*args, **kwargs):
        with lock:
            calls[0] += 1
            number = calls[0]
        if number <= let_through:
            try:
                return original(*args, **kwargs)
            finally:
                returned.release()
        for _ in range(let_through):
            returned.acquire(timeout=60)
        original(*args, **kwargs)
        marker.write_text(f"stalled in {target} (call {number})")
        time.sleep(3600)  # until kill -9
        raise AssertionError("the test should have killed this worker")

    setattr(module, name, stalled)
