"""Evaluations (评价): a project's scored results for one period, stored with their explanation."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel

from evaluation import permissions as perms
from portfolio.models import OrgScopedQuerySet
from portfolio.models.plans import YEAR_VALIDATORS
from projects.models import Project


class Grade(models.TextChoices):
    """The national 绩效评价 bands."""

    A = "A", _("A · excellent")
    B = "B", _("B · good")
    C = "C", _("C · fair")
    D = "D", _("D · poor")


class EvaluationQuerySet(OrgScopedQuerySet):
    org_field = "project__owner_org"


class Evaluation(RulesModel):
    """Computed by ``services.evaluate_period`` and never edited by hand.

    ``breakdown`` holds every indicator with the values it was scored against, its value, points
    and weight, so the score explains itself even after the indicators change. ``digest`` is a
    hash of the result: a recompute writes only rows whose result changed, so ``updated_at`` says
    when the result last changed, not when the job last ran.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="evaluations"
    )
    period = models.PositiveSmallIntegerField(_("period (year)"), validators=YEAR_VALIDATORS)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    baseline_met = models.BooleanField(_("baseline indicators met"), default=True)
    catch_up_score = models.DecimalField(_("catch-up score"), max_digits=7, decimal_places=2, null=True, blank=True)
    bonus = models.DecimalField(_("innovation bonus"), max_digits=6, decimal_places=2, default=0)
    breakdown = models.JSONField(_("breakdown"), default=dict)
    # What a budget line shows of it, small enough to read for 50,000 lines at once:
    # {"values": {code: value}, "satisfied_rate": …, "rectified_on_time_rate": …}.
    summary = models.JSONField(_("summary"), default=dict)
    digest = models.CharField(max_length=40, editable=False)
    created_at = models.DateTimeField(_("first computed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("result changed at"))

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-period", "project"]
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="evaluation_unique_period")]
        indexes = [models.Index(fields=["period", "grade"], name="evaluation_period_grade_idx")]
        rules_permissions = perms.EVALUATIONS

    def __str__(self):
        return f"{self.project_id} · {self.period} · {self.grade or '—'}"
