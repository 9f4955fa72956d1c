from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio.models import Domain, InformationSystem, Organization, OrgScopedQuerySet, Plan
from projects.lifecycle import Stage

MAX_MONEY = 10**11  # 1,000 亿元: anything above is a typing error, not a project


class ProjectQuerySet(OrgScopedQuerySet):
    org_field = "owner_org"


class Project(models.Model):
    """The unit of investment: one proposal carried from 申报 to 验收."""

    code = models.CharField(_("code"), max_length=40, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    functions = models.TextField(
        _("main functions"), blank=True, help_text=_("What the project builds, one function per line.")
    )
    owner_org = models.ForeignKey(
        Organization, verbose_name=_("owner organization"), on_delete=models.PROTECT, related_name="projects"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="projects")
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="projects")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    # Only services.transition changes the stage; it is read-only in forms, serializers and admin.
    stage = models.CharField(_("stage"), max_length=15, choices=Stage.choices, default=Stage.DRAFT, editable=False)

    budget_requested = models.DecimalField(
        _("requested budget (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MONEY)],
    )
    approved_budget = models.DecimalField(
        _("approved budget (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    approval_number = models.CharField(_("approval document number"), max_length=100, blank=True, editable=False)

    reuses_shared_components = models.BooleanField(_("reuses shared components"), default=False)
    shares_data = models.BooleanField(_("shares data with the city data platform"), default=False)
    beneficiaries = models.PositiveIntegerField(_("people served"), null=True, blank=True)
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"), null=True, blank=True, validators=[MaxValueValidator(240)]
    )
    has_mobile_app = models.BooleanField(_("builds a standalone mobile app"), default=False)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned completion"), null=True, blank=True)
    systems = models.ManyToManyField(
        InformationSystem, verbose_name=_("linked information systems"), related_name="projects", blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_requested__gte=0) | Q(budget_requested__isnull=True),
                name="project_budget_requested_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(approved_budget__gte=0) | Q(approved_budget__isnull=True),
                name="project_approved_budget_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "year"], name="project_stage_year_idx"),
            models.Index(fields=["owner_org", "stage"], name="project_org_stage_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}" if self.code else self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The planned completion cannot be before the planned start.")
        if self.plan_id and self.year and not self.plan.covers(self.year):
            errors["year"] = _("The year must fall within the plan's years (%(start)d–%(end)d).") % {
                "start": self.plan.start_year,
                "end": self.plan.end_year,
            }
        if errors:
            raise ValidationError(errors)


class Milestone(models.Model):
    """A dated step of an approved or implementing project, kept current by its owner."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=200)
    planned_date = models.DateField(_("planned date"))
    forecast_date = models.DateField(_("forecast date"), null=True, blank=True)
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Why a milestone that is not done need not hold up acceptance.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "order", "planned_date", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.done and not self.actual_date:
            raise ValidationError({"actual_date": _("A milestone marked done needs its actual date.")})

    @property
    def settled(self) -> bool:
        """Done, or explained: what request_acceptance needs of every milestone."""
        return self.done or bool(self.explanation.strip())


# The similarity index of the duplicate-construction check lives in its own package.
from projects.duplicates.models import SimilarityDocument, SimilarityTerm  # noqa: E402, F401
