"""Projects and what their lifecycle records: milestones, attachments, transitions, gate records.

``Project.stage`` changes only through ``projects.services.transition``; every change writes a
``TransitionRecord`` (the timeline), and approval and acceptance freeze a ``GateRecord``. Field
edits are kept by django-simple-history (``Project.history``), so the page and the API can say who
changed which field.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin
from simple_history.models import HistoricalRecords

from portfolio.models import (
    Domain,
    InformationSystem,
    Organization,
    OrgScopedQuerySet,
    Plan,
    PlanGoal,
    Role,
    Scenario,
)
from projects import permissions as perms
from projects.lifecycle import EDITABLE_STAGES, MANAGER_QUEUE_STAGES, Action, AttachmentKind, Stage

MAX_MONEY = 10**11  # 1,000 亿元: anything above is a typing error, not a project

# The proposal's own fields, in the order a form shows them: what an owner fills in, and may edit
# while the stage allows it. (The organization, code, stage and decisions are not among them.)
PROPOSAL_FIELDS = (
    "name",
    "plan",
    "domain",
    "plan_goal",
    "scenario",
    "year",
    "description",
    "functions",
    "budget_requested",
    "planned_start",
    "planned_end",
    "beneficiaries",
    "warranty_months",
    "reuses_shared_components",
    "shares_data",
    "has_mobile_app",
)

# Kept as a module attribute so services can write one history row for an edit that changes both
# fields and linked systems (simple-history would otherwise write one per m2m signal).
PROJECT_HISTORY = HistoricalRecords(
    excluded_fields=["updated_at"],
    m2m_fields=["systems"],
    verbose_name=_("historical project"),
    verbose_name_plural=_("historical projects"),
)


class ProjectQuerySet(OrgScopedQuerySet):
    org_field = "owner_org"

    def scope_for(self, user):
        # A reviewer sees the proposals assigned to it for pre-review, and nothing else.
        if user.role == Role.REVIEWER:
            return Q(assigned_to(user, "pk"))
        return super().scope_for(user)

    def with_names(self):
        """What a list shows beside each project, in the same query."""
        return self.select_related("owner_org", "domain", "plan")

    def waiting_for_manager(self):
        """Proposals and projects on the portfolio office's desk: to accept for review, to decide on,
        to accept after delivery."""
        return self.filter(stage__in=MANAGER_QUEUE_STAGES)


class Project(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """The unit of investment: one proposal carried from 申报 to 验收."""

    # Labels of their own ("project name", not "name"): the core's catalogue translates the plain
    # words for regions and systems, and it takes precedence over ours.
    code = models.CharField(_("project code"), max_length=40, unique=True, editable=False)
    name = models.CharField(_("project name"), max_length=200)
    description = models.TextField(_("project description"), blank=True)
    functions = models.TextField(
        _("main construction content"), blank=True, help_text=_("What the project builds, one function per line.")
    )
    owner_org = models.ForeignKey(
        Organization, verbose_name=_("owner organization"), on_delete=models.PROTECT, related_name="projects"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="projects")
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="projects")
    # What the project serves in the plan (以规划管项目): required at submission (one of the two);
    # projects submitted before the link existed leave both empty and are listed as not linked.
    plan_goal = models.ForeignKey(
        PlanGoal,
        verbose_name=_("plan goal served"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    scenario = models.ForeignKey(
        Scenario,
        verbose_name=_("scenario served"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
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
    history = PROJECT_HISTORY

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        rules_permissions = perms.PROJECTS
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
            # The lists' default order: the first page is an index scan, not a sort of every row.
            models.Index(fields=["-created_at", "-id"], name="project_created_idx"),
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
        if self.plan_id and self.domain_id:
            plan_domains = set(self.plan.domains.values_list("pk", flat=True))
            if plan_domains and self.domain_id not in plan_domains:  # a plan without domains takes any
                errors["domain"] = _("The domain is not one of the plan's domains.")
        for field in ("plan_goal", "scenario"):
            target = getattr(self, field) if getattr(self, f"{field}_id") else None
            if target is not None and self.plan_id and target.plan_id != self.plan_id:
                errors[field] = _("Choose a goal or scenario of the project's plan.")
        if self.plan_id and self.owner_org_id and not self.owner_org.region.is_within(self.plan.region):
            errors["plan"] = _("The plan does not cover the owner organization's region.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self) -> bool:
        """The proposal's fields may still change (draft or returned)."""
        return self.stage in EDITABLE_STAGES

    @property
    def function_list(self) -> list[str]:
        return [line.strip() for line in self.functions.splitlines() if line.strip()]


class ProjectPartQuerySet(OrgScopedQuerySet):
    """Rows that belong to a project (milestones, attachments, records): visible with their project."""

    org_field = "project__owner_org"

    def scope_for(self, user):
        if user.role == Role.REVIEWER:
            return Q(assigned_to(user, "project_id"))
        return super().scope_for(user)


class Milestone(RulesModelMixin, models.Model, metaclass=RulesModelBase):
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
    # The planned date as approval (立项) froze it, copied from the approval gate record's baseline
    # so that variance is one indexed read; set once by the approval and never edited. Empty for a
    # milestone added after approval (not in the baseline).
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "order", "planned_date", "pk"]
        rules_permissions = perms.PROJECT_PARTS

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.done and not self.actual_date:
            errors["actual_date"] = _("A milestone marked done needs its actual date.")
        if self.actual_date and self.actual_date > timezone.localdate():
            errors["actual_date"] = _("The actual date cannot be in the future.")
        project = self.project if self.project_id else None
        if project and project.planned_start:
            for field in ("planned_date", "forecast_date"):
                value = getattr(self, field)
                if value and value < project.planned_start:
                    errors[field] = _("The date cannot be before the project's planned start (%(start)s).") % {
                        "start": date_format(project.planned_start)
                    }
        if errors:
            raise ValidationError(errors)

    @property
    def is_late(self) -> bool:
        """Not done, and its forecast (or, without one, its plan) has passed."""
        due = self.forecast_date or self.planned_date
        return not self.done and due < timezone.localdate()

    @property
    def variance_days(self) -> int | None:
        """Schedule variance against the baseline: (actual, else forecast, else planned − baseline) in days."""
        if self.baseline_date is None:
            return None
        return ((self.actual_date or self.forecast_date or self.planned_date) - self.baseline_date).days

    @property
    def settled(self) -> bool:
        """Done, or explained: what request_acceptance needs of every milestone."""
        return self.done or bool(self.explanation.strip())


class ProjectCodeSequence(models.Model):
    """The last number given out for one code prefix and year (``2026-交通-0007`` → 7).

    A row per (year, prefix), locked while a number is taken, so two proposals created at the same
    moment never get the same code.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    prefix = models.CharField(_("prefix"), max_length=20)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("project code sequence")
        verbose_name_plural = _("project code sequences")
        constraints = [models.UniqueConstraint(fields=["year", "prefix"], name="project_code_sequence_unique")]

    def __str__(self):
        return f"{self.year}-{self.prefix}: {self.last}"


class TransitionRecord(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """One step of a project's timeline: who took which action, when, from which stage to which."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_stage = models.CharField(_("from stage"), max_length=15, choices=Stage.choices)
    to_stage = models.CharField(_("to stage"), max_length=15, choices=Stage.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("transition record")
        verbose_name_plural = _("transition records")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["project", "at"], name="transition_project_at_idx")]
        rules_permissions = perms.RECORDS

    def __str__(self):
        return f"{self.project_id} {self.action} {self.from_stage}→{self.to_stage}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A transition record is never changed once written."))
        super().save(*args, **kwargs)


class Attachment(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A file attached to a project. Stored under a server-generated name (``portfolio.uploads``);
    the user's file name is kept only as display text."""

    Kind = AttachmentKind

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=AttachmentKind.choices)
    name = models.CharField(_("file name"), max_length=160)
    stored_name = models.CharField(_("stored as"), max_length=255, unique=True, editable=False)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["project", "kind", "uploaded_at", "pk"]
        rules_permissions = perms.PROJECT_PARTS

    def __str__(self):
        return self.name

    def as_listed(self) -> dict:
        """How a gate record lists the file: enough to prove later which file the decision saw."""
        return {
            "id": self.pk,
            "kind": self.kind,
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "uploaded_by": self.uploaded_by_id,
            "uploaded_at": self.uploaded_at.isoformat(),
        }


class GateRecord(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """What a decision rested on, frozen when it was taken (立项 and 验收), for audit.

    Written once by the lifecycle service and never edited: ``save`` refuses to update a stored
    record, the admin and the API only read it.
    """

    class Gate(models.TextChoices):
        APPROVAL = "approval", _("Approval")
        ACCEPTANCE = "acceptance", _("Acceptance")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="gate_records"
    )
    gate = models.CharField(_("gate"), max_length=15, choices=Gate.choices)
    transition = models.OneToOneField(
        TransitionRecord, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="gate_record"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    conclusion = models.TextField(_("conclusion"), blank=True)
    approved_budget = models.DecimalField(_("approved budget (yuan)"), max_digits=14, decimal_places=2, null=True)
    # The project's fields, linked systems, attachments (with SHA-256) and, at acceptance, its milestones.
    snapshot = models.JSONField(_("snapshot"))
    # The pre-review result (rule score, red lines, duplicate check, expert reviews) the approval
    # rested on; filled once pre-review exists (issue 4), empty before.
    prereview = models.JSONField(_("pre-review result"), null=True, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate record")
        verbose_name_plural = _("gate records")
        ordering = ["project", "decided_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "gate"], name="gate_record_once_per_gate")]
        rules_permissions = perms.RECORDS

    def __str__(self):
        return f"{self.project_id} {self.gate}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A gate record is never changed once written."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A gate record is never deleted."))

    @property
    def attachment_ids(self) -> set[int]:
        return {item["id"] for item in self.snapshot.get("attachments", [])}


# The similarity index of the duplicate-construction check and the pre-review records live in their
# own packages.
from projects.duplicates.models import SimilarityDocument, SimilarityTerm  # noqa: E402, F401
from projects.prereview.models import (  # noqa: E402, F401
    ExpertReview,
    PreReview,
    RedLineOverride,
    ReviewRule,
    RuleVersion,
    assigned_to,
)
