"""Celery entry points of the cockpit. Thin: they call a service."""

from celery import shared_task


@shared_task(name="cockpit.remind_status_reports")
def remind_status_reports() -> int:
    """Beat: CELERY_BEAT_SCHEDULE["cockpit-status-reminders"]."""
    from cockpit.services import remind_status_reports as remind

    return remind()
