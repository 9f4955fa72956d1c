from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel

from portfolio import permissions as perms
from portfolio.models.organizations import Organization, Region

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Domain(RulesModel):
    """A field of the plan (领域). The seven national ones come from a data migration."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    short_name = models.CharField(_("short name"), max_length=10)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["order", "pk"]
        rules_permissions = perms.REFERENCE_DATA

    def __str__(self):
        return self.name


class Plan(RulesModel):
    """A multi-year top-level design (规划) for a region."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="plans")
    name = models.CharField(_("name"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("end year"), validators=YEAR_VALIDATORS)
    description = models.TextField(_("description"), blank=True)
    domains = models.ManyToManyField(Domain, verbose_name=_("domains"), related_name="plans", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="plan_end_not_before_start"
            )
        ]
        rules_permissions = perms.REFERENCE_DATA

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The end year cannot be before the start year.")})

    def covers(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


class PlanGoal(RulesModel):
    """A goal of the plan (目标), optionally within one domain."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="goals")
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), on_delete=models.PROTECT, null=True, blank=True, related_name="goals"
    )
    title = models.CharField(_("goal"), max_length=300)
    target = models.CharField(_("target"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["plan", "order", "pk"]
        rules_permissions = perms.REFERENCE_DATA

    def __str__(self):
        return self.title


class Scenario(RulesModel):
    """An entry in the plan's scenario list (场景清单): a concrete need the plan answers."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="scenarios")
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="scenarios")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    lead_org = models.ForeignKey(
        Organization,
        verbose_name=_("lead organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scenarios",
    )

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["plan", "domain__order", "pk"]
        rules_permissions = perms.REFERENCE_DATA

    def __str__(self):
        return self.title
