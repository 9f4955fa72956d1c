"""The city's existing assets: information systems, data resources and business items.

Projects link to the assets they build, upgrade or use; the duplicate-construction check compares
proposals with them, and the portfolio view suggests which to retire, integrate or strengthen.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel

from portfolio import permissions as perms
from portfolio.models.organizations import Organization, OrgScopedQuerySet
from portfolio.models.plans import Domain


class SharedAssetQuerySet(OrgScopedQuerySet):
    """Assets published for reuse by every organization (公共支撑) are visible to everyone signed
    in; the rest follow the organization rule."""

    def scope_for(self, user):
        scope = super().scope_for(user)
        shared = Q(is_shared=True)
        return shared if scope is None else scope | shared


class InformationSystem(RulesModel):
    class Status(models.TextChoices):
        IN_USE = "in_use", _("In use")
        BUILDING = "building", _("Under construction")
        RETIRED = "retired", _("Retired")

    name = models.CharField(_("name"), max_length=200)
    org = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="systems"
    )
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="systems")
    description = models.TextField(_("description"), blank=True)
    functions = models.TextField(_("main functions"), blank=True, help_text=_("One function per line."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_USE)
    annual_cost = models.DecimalField(
        _("annual operating cost (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    users_count = models.PositiveIntegerField(_("number of users"), default=0)
    is_shared = models.BooleanField(
        _("shared component"), default=False, help_text=_("Published for reuse by every organization.")
    )
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SharedAssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("information system")
        verbose_name_plural = _("information systems")
        ordering = ["domain__order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(annual_cost__gte=0), name="system_annual_cost_not_negative"),
            models.UniqueConstraint(fields=["org", "name"], name="system_unique_name_in_org"),
        ]
        rules_permissions = perms.REFERENCE_DATA

    def __str__(self):
        return self.name

    @property
    def function_list(self) -> list[str]:
        return [line.strip() for line in self.functions.splitlines() if line.strip()]


class DataResource(RulesModel):
    class Sharing(models.TextChoices):
        UNCONDITIONAL = "unconditional", _("Shared without conditions")
        CONDITIONAL = "conditional", _("Shared on conditions")
        NOT_SHARED = "not_shared", _("Not shared")

    name = models.CharField(_("name"), max_length=200)
    org = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="data_resources"
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="data_resources"
    )
    system = models.ForeignKey(
        InformationSystem,
        verbose_name=_("source system"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_resources",
    )
    description = models.TextField(_("description"), blank=True)
    sharing = models.CharField(_("sharing"), max_length=15, choices=Sharing.choices, default=Sharing.CONDITIONAL)
    update_frequency = models.CharField(_("update frequency"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("data resource")
        verbose_name_plural = _("data resources")
        ordering = ["domain__order", "name"]
        rules_permissions = perms.REFERENCE_DATA

    def __str__(self):
        return self.name


class BusinessItem(RulesModel):
    """A government service or duty (业务事项) and the systems that carry it."""

    name = models.CharField(_("name"), max_length=200)
    org = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="business_items"
    )
    description = models.TextField(_("description"), blank=True)
    systems = models.ManyToManyField(
        InformationSystem, verbose_name=_("systems"), related_name="business_items", blank=True
    )

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("business item")
        verbose_name_plural = _("business items")
        ordering = ["name"]
        rules_permissions = perms.REFERENCE_DATA

    def __str__(self):
        return self.name
