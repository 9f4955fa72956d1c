"""The audit trail: one append-only row per sign-in, denial, decision and change an auditor asks about.

Rows are written by ``portfolio.audit`` only, never changed: on PostgreSQL and SQLite a trigger
(``portfolio.triggers``, installed by the migration) refuses UPDATE, DELETE and TRUNCATE, so not
even the table's owner rewrites history (docs/reliability.md "Audit, workers and backups").
The acting user is kept by id *and* by name, without a foreign-key constraint: deleting an
account must neither cascade into the trail nor be blocked by it.
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from portfolio import permissions as perms


class AuditKind(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_IN_THROTTLED = "sign_in_throttled", _("Sign-in refused after too many failures")
    SIGN_OUT = "sign_out", _("Signed out")
    DENIED = "denied", _("Access denied")
    HIDDEN = "hidden", _("Hidden object requested")
    TRANSITION = "transition", _("Status change")
    ACCOUNT = "account", _("Account change")
    PASSWORD = "password", _("Password change")
    ORGANIZATION = "organization", _("Organization change")
    IMPORT_ACCEPTED = "import_accepted", _("Import accepted")
    IMPORT_REFUSED = "import_refused", _("Import refused")
    BUDGET_POLICY = "budget_policy", _("Budget policy set")
    BUDGET_ADJUSTMENT = "budget_adjustment", _("Budget line adjusted")
    EXPORT = "export", _("Report exported")


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The portfolio office reads the whole trail; nobody else reads any of it."""
        return self if perms.is_admin(user) else self.none()


class AuditEvent(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AuditKind.choices)
    action = models.CharField(_("action"), max_length=60, blank=True)
    action_label = models.CharField(_("action name"), max_length=100, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    message = models.TextField(_("message"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    address = models.CharField(_("client address"), max_length=64, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("request path"), max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["kind", "-id"], name="audit_kind_idx"),
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]
        rules_permissions = {"view": perms.is_admin}

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.object_label}".strip()

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for each field the row names, in the reader's words: the
        model's verbose names and choice labels where the object type names a model."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        try:
            model = apps.get_model(self.object_type) if self.object_type else None
        except (LookupError, ValueError):
            model = None
        rows = []
        for name in dict.fromkeys([*before, *after]):
            label, show = name, lambda value: value
            try:
                field = model._meta.get_field(name.removesuffix("_id")) if model else None
            except FieldDoesNotExist:
                field = None
            if field is not None:
                label = str(field.verbose_name)
                if field.choices:
                    choices = dict(field.flatchoices)
                    show = lambda value, choices=choices: choices.get(value, value)  # noqa: E731
            rows.append((label, _readable(show(before.get(name))), _readable(show(after.get(name)))))
        return rows


def _readable(value):
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "、".join(map(str, value))
    return value
