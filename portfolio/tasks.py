"""Celery entry points of the portfolio core. Thin: they take ids and call a service."""

import socket

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone

from portfolio.models import Delivery, Heartbeat, Notification


@shared_task(name="portfolio.heartbeat")
def heartbeat(name: str = "beat") -> None:
    """Record that the worker ran a job sent by beat; shown on the health page and the admin."""
    record_heartbeat(name, worker=heartbeat.request.hostname or socket.gethostname())


def record_heartbeat(name: str, *, worker: str) -> None:
    now = timezone.now()
    if Heartbeat.objects.filter(name=name).update(last_run_at=now, worker=worker, runs=F("runs") + 1):
        return
    try:
        Heartbeat.objects.create(name=name, last_run_at=now, worker=worker, runs=1)
    except IntegrityError:  # another worker created it between our UPDATE and INSERT
        Heartbeat.objects.filter(name=name).update(last_run_at=now, worker=worker, runs=F("runs") + 1)


@shared_task(name="portfolio.send_notification_emails")
def send_notification_emails(notification_ids: list[int]) -> None:
    """Email each notification once: claim it with a conditional UPDATE, then send."""
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True, delivery=Delivery.IMMEDIATE
    ).select_related("recipient")
    for notification in pending:
        if not notification.recipient.email:
            continue
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue  # a second run of this task (acks_late) already sent it
        link = f"{settings.SITE_URL}{notification.url}" if notification.url.startswith("/") else notification.url
        body = notification.body + (f"\n\n{link}" if link else "")
        try:
            send_mail(notification.title, body, None, [notification.recipient.email])
        except Exception:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise


@shared_task(bind=True, name="portfolio.send_channel_message", max_retries=None)
def send_channel_message(self, message_id: int) -> None:
    """Post one message to its robot channel; retry with back-off, then mark the channel failing.

    Each message is its own job, so a channel that answers errors delays nobody else's posts.
    """
    from portfolio.delivery import post_message

    retries = settings.CHANNEL_RETRIES  # read per run, so the admin's environment change applies
    final = self.request.retries >= retries
    if post_message(message_id, final=final) and not final:
        raise self.retry(countdown=settings.CHANNEL_RETRY_SECONDS * 2**self.request.retries, max_retries=retries)


@shared_task(name="portfolio.send_digests")
def send_digests() -> int:
    """The morning digest (beat: CELERY_BEAT_SCHEDULE["morning-digest"]): one job per user."""
    from portfolio.delivery import users_with_digest

    users = users_with_digest()
    for user_id in users:
        send_digest.delay(user_id)
    return len(users)


@shared_task(name="portfolio.send_digest")
def send_digest(user_id: int) -> int:
    from portfolio.delivery import send_digest as send

    return send(user_id)
