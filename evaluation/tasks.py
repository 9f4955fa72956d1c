"""Celery entry points of the evaluation app. Thin: they take plain arguments and call a service."""

from celery import shared_task
from django.utils import timezone

from evaluation.services import evaluate_period, year_closed


@shared_task(name="evaluation.evaluate_periods")
def evaluate_periods(periods: list[int] | None = None) -> list[dict]:
    """Nightly: evaluate this year (running) and last year (final, usually unchanged).

    Idempotent (results are written only when they change), so a second run — acks_late may
    deliver a job twice — is harmless. A period a closed budget year rests on is left as it is.
    """
    today = timezone.localdate()
    periods = periods or [today.year - 1, today.year]
    return [evaluate_period(period).as_dict() for period in periods if not year_closed(period + 1)]
