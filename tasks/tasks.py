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


@shared_task(name="tasks.monthly_bulletin")
def monthly_bulletin() -> str:
    """Beat asks every morning; on the first working day of a month, last month's bulletin."""
    from django.utils import timezone

    from portfolio.workdays import first_working_day
    from tasks.bulletin import BulletinExists, generate_bulletin, previous_month

    today = timezone.localdate()
    if today != first_working_day(today.year, today.month):
        return ""
    try:
        bulletin = generate_bulletin(previous_month(today))
    except BulletinExists as exists:
        return exists.bulletin.number
    logger.info("monthly bulletin %s generated", bulletin.number)
    return bulletin.number
