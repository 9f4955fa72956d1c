"""Indicators (指标): what a project's results are measured by, as data the portfolio office keeps."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel

from portfolio import permissions as perms
from portfolio.models import Domain, Region


class Category(models.TextChoices):
    BASELINE = "baseline", _("Baseline (must be met)")
    CATCH_UP = "catch_up", _("Catch-up (scored against a target)")
    INNOVATION = "innovation", _("Innovation (bonus)")


class Source(models.TextChoices):
    """Where an indicator's value comes from."""

    RESOLUTION = "resolution", _("Problem tickets resolved")
    SATISFACTION = "satisfaction", _("Satisfaction ratings")
    EXECUTION = "execution", _("Budget execution")
    MEASUREMENT = "measurement", _("Measured values filed per project")


class Indicator(RulesModel):
    """One measure of results. Defaults follow DESIGN.md; every number here is editable data.

    ``target_value`` is the value an indicator must reach: for a catch-up indicator it earns 100
    points (``baseline_value`` earns 0, linear between); a baseline indicator is met when it
    reaches it; an innovation indicator adds its ``bonus`` when it reaches it. With
    ``lower_is_better`` "reach" means "at or below". A region tier may have its own values
    (``IndicatorTarget``), so a leading district is held to more than a foundational one.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MEASUREMENT)
    unit = models.CharField(_("unit"), max_length=20, blank=True, default="%")
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text=_("Share of a catch-up indicator in the weighted mean."),
    )
    baseline_value = models.DecimalField(
        _("baseline value"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("For a catch-up indicator, the value that earns 0 points."),
    )
    target_value = models.DecimalField(
        _("target value"),
        max_digits=14,
        decimal_places=4,
        help_text=_("The value to reach: 100 points (catch-up), met (baseline), the bonus (innovation)."),
    )
    lower_is_better = models.BooleanField(_("lower is better"), default=False)
    bonus = models.DecimalField(
        _("bonus points"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text=_("Points an innovation indicator adds when its target is met."),
    )
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("applies to domain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        help_text=_("Empty: applies to every project in operation."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="indicator_weight_not_negative"),
            models.CheckConstraint(condition=Q(bonus__gte=0), name="indicator_bonus_not_negative"),
        ]
        rules_permissions = perms.REFERENCE_DATA

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.category == Category.CATCH_UP:
            if self.baseline_value is None:
                errors["baseline_value"] = _("A catch-up indicator needs the value that earns 0 points.")
            elif self.target_value is not None:
                error = direction_error(self.baseline_value, self.target_value, self.lower_is_better)
                if error:
                    errors["target_value"] = error
            if not self.weight:
                errors["weight"] = _("A catch-up indicator needs a weight above 0.")
        if self.category == Category.INNOVATION and not self.bonus:
            errors["bonus"] = _("An innovation indicator needs its bonus points.")
        if errors:
            raise ValidationError(errors)


def direction_error(baseline, target, lower_is_better) -> str | None:
    if lower_is_better and not target < baseline:
        return _("With “lower is better”, the target must be below the baseline value.")
    if not lower_is_better and not target > baseline:
        return _("The target must be above the baseline value (or tick “lower is better”).")
    return None


# What the portfolio office edits, in the order forms and the API show it.
EDITABLE_FIELDS = [
    "code",
    "name",
    "description",
    "category",
    "source",
    "unit",
    "weight",
    "baseline_value",
    "target_value",
    "lower_is_better",
    "bonus",
    "domain",
    "is_active",
    "order",
]


class IndicatorTarget(models.Model):
    """A tier's own values for an indicator (分类施策)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="tier_targets"
    )
    tier = models.CharField(_("region tier"), max_length=15, choices=Region.Tier.choices)
    baseline_value = models.DecimalField(
        _("baseline value"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Empty: the indicator's own baseline value."),
    )
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("tier target")
        verbose_name_plural = _("tier targets")
        ordering = ["indicator", "tier"]
        constraints = [models.UniqueConstraint(fields=["indicator", "tier"], name="indicator_target_unique_tier")]

    def __str__(self):
        return f"{self.indicator} · {self.get_tier_display()}"

    def clean(self):
        super().clean()
        indicator = self.indicator
        if indicator.category == Category.CATCH_UP and self.target_value is not None:
            baseline = self.baseline_value if self.baseline_value is not None else indicator.baseline_value
            if baseline is not None:
                error = direction_error(baseline, self.target_value, indicator.lower_is_better)
                if error:
                    raise ValidationError({"target_value": error})
