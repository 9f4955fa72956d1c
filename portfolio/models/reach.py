"""Reaching people where they work: messenger channels, per-user preferences, delivery records.

See docs/notifications.md. A channel's webhook address and signing secret are credentials (the
address carries the robot's token): both are stored encrypted (portfolio.channels.seal) and
never shown back in full.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """The kinds of event a user chooses a delivery for (DESIGN.md "Reaching people")."""

    TASK_ASSIGNED = "task_assigned", _("New task assigned")
    WARNING = "warning", _("Warning opened")
    ESCALATION = "escalation", _("Escalation (severely overdue, notice reply overdue)")
    NOTICE = "notice", _("Supervision notice issued or replied, reply due")
    PROPOSAL_RETURNED = "proposal_returned", _("Proposal returned or rejected")
    APPROVAL = "approval", _("Approval and acceptance")
    BUDGET = "budget", _("Budget decision and rectification")
    BULLETIN = "bulletin", _("Monthly supervision bulletin")
    OTHER = "other", _("Other updates")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DIGEST = "digest", _("In the morning digest")
    APP = "app", _("Only in the app")


class NotificationPreference(models.Model):
    """A user's choice for one kind of event; without a row the role's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notification_prefs"
    )
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_pref_unique")]

    def __str__(self):
        return f"{self.user_id} {self.event} {self.delivery}"


class ChannelKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    FEISHU = "feishu", _("Feishu group robot")


class ChannelQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The portfolio office sees every channel; others their own and their organization's."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.role == "manager":
            return self
        return self.filter(Q(user=user) | Q(organization_id=user.organization_id, organization__isnull=False))

    def failing(self):
        return self.filter(failing_since__isnull=False, is_active=True)


class Channel(models.Model):
    """A group-robot webhook of an organization (its group) or of one user."""

    kind = models.CharField(_("messenger"), max_length=10, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=100)
    organization = models.ForeignKey(
        "portfolio.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="channels",
        null=True,
        blank=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="channels",
        null=True,
        blank=True,
    )
    url_sealed = models.TextField(editable=False)
    url_hint = models.CharField(_("webhook address"), max_length=200, editable=False)
    secret_sealed = models.TextField(blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=300, blank=True, editable=False)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("messenger channel")
        verbose_name_plural = _("messenger channels")
        ordering = ["organization__name", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=True, user__isnull=False)
                | Q(organization__isnull=False, user__isnull=True),
                name="channel_org_xor_user",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_sealed)


class ChannelMessage(models.Model):
    """One message for one channel, keyed by the event it announces: sent at most once.

    The unique key is what makes a second enqueue of the same event harmless; the sender claims
    the row (``state`` pending → sending) with a conditional UPDATE before it posts.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="messages")
    key = models.CharField(max_length=120)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("channel message")
        verbose_name_plural = _("channel messages")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["channel", "key"], name="channel_message_once")]

    def __str__(self):
        return self.title
