"""Results-based operating budgets: requests, the policy per year, and finance's final amounts."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules.contrib.models import RulesModel
from simple_history.models import HistoricalRecords

from evaluation import permissions as perms
from portfolio.models import OrgScopedQuerySet
from portfolio.models.plans import YEAR_VALIDATORS
from projects.models import MAX_MONEY, Project

DEFAULT_FACTORS = {"A": Decimal("1.10"), "B": Decimal("1.00"), "C": Decimal("0.80"), "D": Decimal("0.50")}
NO_EVALUATION_FACTOR = Decimal("1.00")


class BudgetRequestQuerySet(OrgScopedQuerySet):
    org_field = "project__owner_org"


class BudgetRequest(RulesModel):
    """A project's requested operating money for a year, and finance's final amount for it."""

    # PROTECT: a request finance has decided on must not vanish with its project (only drafts are
    # ever deleted, and they have no requests).
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="budget_requests"
    )
    year = models.PositiveSmallIntegerField(_("budget year"), validators=YEAR_VALIDATORS)
    amount = models.DecimalField(
        _("requested amount (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("explanation"), blank=True)
    # Finance's decision; empty means "the recommendation". Every change is a BudgetAdjustment row.
    final_amount = models.DecimalField(
        _("final amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    justification = models.TextField(_("justification"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BudgetRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget request")
        verbose_name_plural = _("budget requests")
        ordering = ["-year", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="budget_request_unique_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_request_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(final_amount__gte=0) | Q(final_amount__isnull=True), name="budget_final_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["year", "project"], name="budget_request_year_idx")]
        rules_permissions = perms.BUDGET_REQUESTS

    def __str__(self):
        return f"{self.project} · {self.year}"

    @property
    def decided(self) -> bool:
        """Finance has set its final amount: the owner no longer changes or withdraws it."""
        return self.final_amount is not None


class BudgetPolicy(RulesModel):
    """The factor per grade and the envelope for one budget year (DESIGN.md defaults)."""

    year = models.PositiveSmallIntegerField(_("budget year"), unique=True, validators=YEAR_VALIDATORS)
    envelope = models.DecimalField(
        _("envelope (yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The total the recommendations must fit in. Empty: no limit."),
    )
    factor_a = models.DecimalField(_("factor for A"), max_digits=4, decimal_places=2, default=DEFAULT_FACTORS["A"])
    factor_b = models.DecimalField(_("factor for B"), max_digits=4, decimal_places=2, default=DEFAULT_FACTORS["B"])
    factor_c = models.DecimalField(_("factor for C"), max_digits=4, decimal_places=2, default=DEFAULT_FACTORS["C"])
    factor_d = models.DecimalField(_("factor for D"), max_digits=4, decimal_places=2, default=DEFAULT_FACTORS["D"])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Closing the year publishes its budget: from then on its policy, requests and final amounts,
    # and the evaluations of the year before that it rests on, are no longer changed.
    closed_at = models.DateTimeField(pgettext_lazy("budget year", "closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("budget year", "closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("budget policy")
        verbose_name_plural = _("budget policies")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(factor_a__gte=0, factor_b__gte=0, factor_c__gte=0, factor_d__gte=0),
                name="budget_policy_factors_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(envelope__gte=0) | Q(envelope__isnull=True), name="budget_policy_envelope_not_negative"
            ),
        ]
        rules_permissions = perms.BUDGET_POLICY

    def __str__(self):
        return str(self.year)

    @property
    def factors(self) -> dict[str, Decimal]:
        return {"A": self.factor_a, "B": self.factor_b, "C": self.factor_c, "D": self.factor_d}


class BudgetAdjustment(models.Model):
    """An audit row: finance set a line's final amount (who, when, from what, to what, why)."""

    # PROTECT: deleting a request never takes finance's record of its adjustments with it.
    request = models.ForeignKey(
        BudgetRequest, verbose_name=_("budget request"), on_delete=models.PROTECT, related_name="adjustments"
    )
    recommended = models.DecimalField(_("recommended at the time"), max_digits=14, decimal_places=2)
    previous_final = models.DecimalField(_("previous final"), max_digits=14, decimal_places=2, null=True, blank=True)
    final = models.DecimalField(_("final amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget adjustment")
        verbose_name_plural = _("budget adjustments")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.request} → {self.final}"


MAX_AMOUNT = Decimal(MAX_MONEY)
