"""Liveness of what the platform depends on: the database and the Celery broker.

Each check opens a *fresh* connection, so a health probe tells whether a new process could start
work now, not whether an old pooled connection still happens to be open.
"""

import os
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from kombu import Connection


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


def check_database(alias: str = "default") -> Check:
    connection = connections.create_connection(alias)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return Check("database", True, connection.vendor)
    except Exception as error:  # any failure means "not healthy"; the detail says which
        return Check("database", False, f"{type(error).__name__}: {error}")
    finally:
        connection.close()


def check_broker() -> Check:
    from portfolio.celery import app

    if app.conf.broker_url.startswith("filesystem://"):
        # The embedded broker is a folder: it answers if the folder is there and writable.
        folder = (app.conf.broker_transport_options or {}).get("data_folder_out", "")
        ok = bool(folder) and os.path.isdir(folder) and os.access(folder, os.W_OK)
        return Check("broker", ok, "filesystem" if ok else f"folder {folder!r} is missing or read-only")
    try:
        with Connection(
            app.conf.broker_url,
            transport_options=app.conf.broker_transport_options or {},
            connect_timeout=settings.HEALTH_CHECK_TIMEOUT,
        ) as connection:
            connection.ensure_connection(max_retries=1, timeout=settings.HEALTH_CHECK_TIMEOUT)
            connection.default_channel  # noqa: B018 -- opening a channel proves the broker answers
        return Check("broker", True, app.conf.broker_url.split("://", 1)[0])
    except Exception as error:
        return Check("broker", False, f"{type(error).__name__}: {error}")


def run_checks() -> list[Check]:
    return [check_database(), check_broker()]


_last = {"at": float("-inf"), "up": False}
_lock = threading.Lock()


def is_up() -> bool:
    """Up or down for the load balancer's probe, checked at most once per HEALTHZ_CACHE_SECONDS per
    process: a flood of anonymous probes opens no more connections than one probe does."""
    max_age = settings.HEALTHZ_CACHE_SECONDS
    if time.monotonic() - _last["at"] < max_age:
        return _last["up"]
    with _lock:  # one check at a time; those that waited take its answer
        if time.monotonic() - _last["at"] >= max_age:
            _last["up"] = all(check.ok for check in run_checks())
            _last["at"] = time.monotonic()
        return _last["up"]
