"""Evaluations (评价): a project's scored results for one period, stored with their explanation."""

from decimal import Decimal

from django.db import models
from django.utils.functional import cached_property
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


class EvaluationBasis(models.Model):
    """The indicators an evaluation run scored against, frozen: their codes, names, categories,
    weights, and baseline and target values per region tier, as they stood then.

    One row per distinct set (the digest of the set and the formula version), shared by all the
    results computed from it, so each result keeps its explanation however the indicators are
    edited later, without repeating fifty thousand times what is the same for all.
    """

    digest = models.CharField(max_length=32, unique=True, editable=False)
    formula_version = models.PositiveSmallIntegerField()
    indicators = models.JSONField(_("indicators"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation basis")
        verbose_name_plural = _("evaluation bases")

    def __str__(self):
        return f"{self.digest[:8]} ({self.created_at:%Y-%m-%d})"

    def specs(self) -> list:
        """The indicators as scoring.IndicatorSpec, cached by digest: the digest names the content."""
        from evaluation.scoring import specs_from_json

        cached = _SPECS.get(self.digest)
        if cached is None:
            if len(_SPECS) > 100:
                _SPECS.clear()
            cached = _SPECS[self.digest] = specs_from_json(self.indicators)
        return cached


_SPECS: dict = {}


# What a result is computed from besides its basis (scoring.ProjectInputs), as stored: equal
# inputs and basis, equal result.
INPUT_COLUMNS = (
    *("tier", "domain_ref", "tickets_received", "tickets_resolved", "ratings", "ratings_sum", "ratings_satisfied"),
    *("poor_ratings", "rectified_on_time", "rectified_late", "spent", "approved_budget", "measurements"),
)


class Evaluation(RulesModel):
    """Computed by ``services.evaluate_period`` and never edited by hand.

    A result keeps what it was computed from — the project's figures for the period (tickets,
    ratings, rectifications, spending, measured values, its tier and domain) and the frozen
    indicators (``basis``) — so it explains itself even after the indicators change: ``breakdown``
    lays out every indicator with the values it was scored against, its value, points and weight,
    recomputed from exactly those. A recompute writes only rows whose inputs or basis changed, so
    ``updated_at`` says when the result last changed, not when the job last ran.
    """

    project = models.ForeignKey(  # indexed by evaluation_unique_period, which starts with it
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="evaluations", db_index=False
    )
    period = models.PositiveSmallIntegerField(_("period (year)"), validators=YEAR_VALIDATORS)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    baseline_met = models.BooleanField(_("baseline indicators met"), default=True)
    catch_up_score = models.DecimalField(_("catch-up score"), max_digits=7, decimal_places=2, null=True, blank=True)
    bonus = models.DecimalField(_("innovation bonus"), max_digits=6, decimal_places=2, default=0)
    # What a budget line shows of it, small enough to read for 50,000 lines at once:
    # {"values": {code: value}, "satisfied_rate": …, "rectified_on_time_rate": …}.
    summary = models.JSONField(_("summary"), default=dict)
    created_at = models.DateTimeField(_("first computed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("result changed at"))

    # What it was computed from (scoring.ProjectInputs). Not indexed: never looked up by.
    # The basis is written once and never deleted (nothing deletes it), so no database
    # constraint checks it: that would be one check per result, 50,000 a run, for a reference
    # that cannot dangle.
    basis = models.ForeignKey(
        EvaluationBasis,
        verbose_name=_("indicators used"),
        on_delete=models.PROTECT,
        null=True,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    tier = models.CharField(_("region tier"), max_length=20, null=True, blank=True)
    domain_ref = models.BigIntegerField(_("domain"), null=True)
    tickets_received = models.BigIntegerField(_("tickets received"), default=0)
    tickets_resolved = models.BigIntegerField(_("tickets resolved"), default=0)
    ratings = models.BigIntegerField(_("ratings"), default=0)
    ratings_sum = models.BigIntegerField(_("sum of ratings"), default=0)
    ratings_satisfied = models.BigIntegerField(_("ratings of 4 or 5"), default=0)
    poor_ratings = models.BigIntegerField(_("poor ratings"), default=0)
    rectified_on_time = models.BigIntegerField(_("rectified within the deadline"), default=0)
    rectified_late = models.BigIntegerField(_("rectified late or overdue"), default=0)
    spent = models.DecimalField(_("spent"), max_digits=18, decimal_places=2, default=0)
    approved_budget = models.DecimalField(_("approved budget"), max_digits=14, decimal_places=2, null=True)
    measurements = models.JSONField(_("measured values"), default=dict)  # {indicator id: "value"}

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-period", "project"]
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="evaluation_unique_period")]
        # No other index: a period's 50,000 results are written at once and read at once (the
        # budget report reads them all), so each index would cost every evaluation run and save
        # nothing a scan of the period does not give.
        rules_permissions = perms.EVALUATIONS

    def __str__(self):
        return f"{self.project_id} · {self.period} · {self.grade or '—'}"

    def inputs(self):
        from evaluation.scoring import ProjectInputs

        return ProjectInputs(
            tier=self.tier,
            domain_id=self.domain_ref,
            tickets_received=self.tickets_received,
            tickets_resolved=self.tickets_resolved,
            ratings=self.ratings,
            ratings_sum=self.ratings_sum,
            ratings_satisfied=self.ratings_satisfied,
            poor_ratings=self.poor_ratings,
            rectified_on_time=self.rectified_on_time,
            rectified_late=self.rectified_late,
            spent=self.spent,
            approved_budget=self.approved_budget,
            measurements={int(pk): Decimal(value) for pk, value in self.measurements.items()},
        )

    @cached_property
    def breakdown(self) -> dict:
        """Every indicator with what it was scored against, its value and points, and the sum."""
        from evaluation.scoring import evaluate

        if self.basis_id is None:  # computed before results kept their inputs: until the next run
            return {}
        return evaluate(self.basis.specs(), self.inputs()).breakdown
