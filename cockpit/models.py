"""The portfolio cockpit's own data: the rules of computed status and the owners' monthly ratings.

Everything else the cockpit shows is read from the apps below it (docs/cockpit.md).
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel

from cockpit import permissions as perms
from portfolio.models import OrgScopedQuerySet
from projects.models import Project

MONTH_VALIDATOR = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Write the month as YYYY-MM, e.g. 2026-03."))


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


LIGHT_ORDER = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


class StatusRule(RulesModel):
    """One threshold of the computed status: a fact about the project, the value at or above
    which it fires, and the light it gives. Kept by the portfolio office in the admin."""

    class Kind(models.TextChoices):
        SCHEDULE_DAYS = "schedule_days", _("Milestone behind its baseline (days)")
        SCHEDULE_SHARE = "schedule_share", _("Milestone behind its baseline (% of the planned duration)")
        OVERDUE_MILESTONES = "overdue_milestones", _("Overdue milestones")
        RED_WARNINGS = "red_warnings", _("Open red warnings on linked tasks")
        EXECUTION_BEHIND = "execution_behind", _("Budget execution behind time elapsed (percentage points)")
        GRADE_D = "grade_d", _("Last evaluation grade D")

    kind = models.CharField(_("fact"), max_length=20, choices=Kind.choices)
    light = models.CharField(
        _("light"), max_length=6, choices=[(Light.YELLOW, Light.YELLOW.label), (Light.RED, Light.RED.label)]
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=8,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("The rule fires when the fact is at or above this value (not used for grade D)."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("status rule")
        verbose_name_plural = _("status rules")
        ordering = ["kind", "light"]
        constraints = [models.UniqueConstraint(fields=["kind", "light"], name="status_rule_one_per_kind_light")]
        rules_permissions = perms.STATUS_RULES

    def __str__(self):
        return f"{self.get_kind_display()} → {self.get_light_display()}"

    @property
    def threshold_text(self) -> str:
        """30.00 → "30", 12.50 → "12.5" (never "3E+1", which ``normalize`` alone would give)."""
        return format(self.threshold.normalize(), "f")


class StatusReportQuerySet(OrgScopedQuerySet):
    org_field = "project__owner_org"


class StatusReport(RulesModel):
    """An owner's own rating of a project for one month (自评), with the comment that explains it.

    Kept as history: a month filed again adds a row, and the latest row of a month is its rating.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="status_reports"
    )
    month = models.CharField(_("month"), max_length=7, validators=[MONTH_VALIDATOR])
    light = models.CharField(_("self-rated light"), max_length=6, choices=Light.choices)
    comment = models.TextField(_("explanation of the rating"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)

    objects = StatusReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-rated status")
        verbose_name_plural = _("self-rated statuses")
        ordering = ["-month", "-filed_at", "-pk"]
        indexes = [models.Index(fields=["project", "month", "filed_at"], name="status_report_month_idx")]
        rules_permissions = perms.STATUS_REPORTS

    def __str__(self):
        return f"{self.project_id} · {self.month} · {self.light}"


class StatusReminder(models.Model):
    """That the owners of a project were reminded of a month's missing rating: once per month."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+")
    month = models.CharField(_("month"), max_length=7)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("self-rating reminder")
        verbose_name_plural = _("self-rating reminders")
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="status_reminder_once_per_month")]

    def __str__(self):
        return f"{self.project_id} · {self.month}"
