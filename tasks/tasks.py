"""Celery entry points of the tasks app. Thin: they call the scan."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="tasks.scan_overdue")
def scan_overdue() -> dict:
    """The periodic overdue scan (beat: CELERY_BEAT_SCHEDULE["tasks-overdue-scan"])."""
    from tasks.scan import run_scan

    result = run_scan()
    logger.info("overdue scan: %s", result.summary())
    return {"skipped": result.skipped, "opened": result.opened, "closed": result.closed}
