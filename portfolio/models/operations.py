"""Operational records: notifications, the Celery heartbeat, and the sign-in throttle."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.models.reach import Delivery, Event


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user (the bell). Email copies are sent after commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    # What the recipient chose for this kind of event when it was created (portfolio.notifications).
    event = models.CharField(_("event"), max_length=20, choices=Event.choices, default=Event.OTHER)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    # Set when the morning digest claimed it (digest deliveries only).
    digested_at = models.DateTimeField(_("sent in digest at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(delivery="digest", digested_at__isnull=True),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self):
        return self.title


class Heartbeat(models.Model):
    """The last run of a periodic job, written by the worker: proof that worker and beat run."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    runs = models.PositiveBigIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return self.name


class LoginThrottle(models.Model):
    """Sign-in attempts per account or client address within the current window.

    Updated with one atomic upsert per attempt (see portfolio.auth.throttle), so concurrent
    attempts cannot all read the same old count and slip past the limit.
    """

    key = models.CharField(max_length=200, unique=True)
    window_started_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self):
        return self.key
