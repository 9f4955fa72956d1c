"""Celery entry points of the portfolio core. Thin: they take ids and call a service."""

import logging
import socket
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from portfolio.models import Delivery, Heartbeat, Notification

logger = logging.getLogger(__name__)
PENDING_EMAIL_AGE = timedelta(minutes=2)  # younger ones are still on their way through the queue
PENDING_EMAIL_HORIZON = timedelta(days=3)  # older than this, an email would be news from the past


def enqueue_on_commit(task, *args) -> None:
    """Enqueue ``task`` once the transaction commits, without letting a broker that is down turn
    the committed change into an error answer (after which a client would retry and duplicate
    it). A job that cannot be enqueued is logged; work that must still happen is found again by
    a periodic sweep (``send_pending_emails`` for notification emails)."""

    def send():
        try:
            task.delay(*args)
        except Exception:
            logger.warning("could not enqueue %s; a periodic sweep retries it", task.name, exc_info=True)

    transaction.on_commit(send)


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


@shared_task(name="portfolio.send_pending_emails")
def send_pending_emails() -> int:
    """The retry path of ``enqueue_on_commit``: email the notifications still unsent a few minutes
    after they were made (their job was never enqueued, or failed). Claims make it harmless
    beside the job itself."""
    now = timezone.now()
    pending = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            delivery=Delivery.IMMEDIATE,  # the digest and in-app-only ones are not e-mailed one by one
            created_at__lt=now - PENDING_EMAIL_AGE,
            created_at__gt=now - PENDING_EMAIL_HORIZON,
        )
        .exclude(recipient__email="")
        .values_list("pk", flat=True)[:1000]
    )
    if pending:
        send_notification_emails(pending)
    return len(pending)


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
