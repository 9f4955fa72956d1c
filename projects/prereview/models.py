"""Pre-review (预审) records: review rules and their versions, pre-review rounds, expert reviews and
red-line overrides.

- A ``ReviewRule`` is the identity of a rule; what it says lives in its ``RuleVersion``s. Editing a
  rule writes a new version and moves ``ReviewRule.version`` on; versions are never changed or
  deleted, so a report can always say which versions it used. Retiring a rule keeps it and its
  versions (``is_active``).
- A ``PreReview`` is one round of pre-review of a project: opened by ``start_review``, closed by the
  decision that ends it (``approve``, ``return``, ``reject``, ``terminate``). A proposal returned for
  revision and submitted again gets a new round: its experts review the revised text afresh and
  overrides of the old round do not carry over. The round keeps the duplicate check (the only
  costly part), the figures the manager's queue sorts by, and, once closed, the report frozen as it
  stood at the decision.
- An ``ExpertReview`` is an assignment of a reviewer to a round, and the review once written.
- A ``RedLineOverride`` is a manager's written decision that a red line does not block this round.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules.contrib.models import RulesModelBase, RulesModelMixin

from portfolio.models import OrgScopedQuerySet, Role
from projects import permissions as project_perms
from projects.prereview import permissions as perms


class Criterion(models.TextChoices):
    INNOVATION = "innovation", _("Innovation")
    DEMONSTRATION = "demonstration", _("Demonstration value")
    IMPACT = "impact", _("Impact")
    REUSE = "reuse", _("Intensive construction")
    COMPLIANCE = "compliance", _("Compliance")


CRITERION_HELP = {
    Criterion.INNOVATION: _("New technology, model or mechanism, rather than more of the same."),
    Criterion.DEMONSTRATION: _("Can be copied elsewhere and leads the way for others."),
    Criterion.IMPACT: _("How many people and organizations it serves, and how much it changes for them."),
    Criterion.REUSE: _("Reuses shared components and data instead of building them again."),
    Criterion.COMPLIANCE: _("Fits the plan, the standards, security rules and procurement rules."),
}


class Opinion(models.TextChoices):
    PASS = "pass", _("Pass")
    REVISE = "revise", _("Revise")
    REJECT = "reject", _("Reject")


class Recommendation(models.TextChoices):
    # In the order the manager's queue lists them: the proposals that need a hard decision first.
    REJECT = "reject", _("Do not approve")
    RETURN = "return", _("Return for revision")
    APPROVE_WITH_CUT = "approve_with_cut", _("Approve with a budget cut")
    APPROVE = "approve", _("Approve")


RECOMMENDATION_ORDER = {value: position for position, value in enumerate(Recommendation.values)}

MAX_POINTS = 100
MAX_SCORE = 10  # an expert scores each criterion 0–10


class ReviewRule(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A review rule's identity. What it says is its current version (``versions`` with
    ``number == version``); ``services.update_rule`` adds versions, nothing else changes them."""

    version = models.PositiveIntegerField(_("current version"), default=1, editable=False)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("A rule taken out of use is kept, with its versions, for the record.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review rule")
        verbose_name_plural = _("review rules")
        ordering = ["pk"]
        rules_permissions = perms.RULES

    def __str__(self):
        current = self.current
        return f"{current.name} (v{self.version})" if current else f"#{self.pk}"

    @property
    def current(self) -> "RuleVersion | None":
        """The current version (from the prefetch cache when ``versions`` was prefetched)."""
        cached = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        versions = cached if cached is not None else self.versions.filter(number=self.version)
        return next((v for v in versions if v.number == self.version), None)


class RuleVersionQuerySet(models.QuerySet):
    def current(self):
        """The versions rules use now: the current version of every rule in use."""
        return self.filter(rule__is_active=True, number=models.F("rule__version")).select_related("rule")


class RuleVersion(models.Model):
    """What one version of a rule says. Never changed once written."""

    rule = models.ForeignKey(ReviewRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("rule name"), max_length=100)
    description = models.TextField(_("why this rule"), blank=True)
    # [{"fact": "budget_requested", "operator": "ge", "value": "300000.00"}, …], all of which must
    # hold (see projects.prereview.facts; checked there, never evaluated as code).
    conditions = models.JSONField(_("conditions"))
    criterion = models.CharField(_("criterion"), max_length=15, choices=Criterion.choices)
    points = models.SmallIntegerField(_("points"), default=0)
    red_line = models.BooleanField(
        _("red line"), default=False, help_text=_("Blocks approval until a manager overrides it with a written reason.")
    )
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = RuleVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("review rule version")
        verbose_name_plural = _("review rule versions")
        ordering = ["rule", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="rule_version_unique_number"),
            models.CheckConstraint(
                condition=Q(points__gte=-MAX_POINTS, points__lte=MAX_POINTS), name="rule_version_points_range"
            ),
            models.CheckConstraint(
                condition=Q(red_line=False) | Q(points=0), name="rule_version_red_line_has_no_points"
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A rule version is never changed: edit the rule to write a new version."))
        super().save(*args, **kwargs)


class PreReviewQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class PreReview(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """One round of pre-review of a project, from ``start_review`` to the decision that ends it."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="prereviews"
    )
    opened_at = models.DateTimeField(pgettext_lazy("pre-review round", "opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    # The start_review that opened it (empty for a round opened for a project already in pre-review).
    transition = models.OneToOneField(
        "projects.TransitionRecord",
        verbose_name=_("opened by the action"),
        on_delete=models.PROTECT,
        related_name="prereview_opened",
        null=True,
        blank=True,
    )
    closed_at = models.DateTimeField(pgettext_lazy("pre-review round", "closed at"), null=True, blank=True)
    outcome = models.CharField(_("decision"), max_length=20, blank=True)

    # projects.duplicates DuplicateReport.to_json() of the last check, and when it ran.
    duplicate = models.JSONField(_("duplicate check"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    # What the manager's queue shows and sorts by, refreshed whenever an input of the report changes.
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices, blank=True)
    recommended_cut = models.DecimalField(
        _("recommended cut (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    rule_total = models.SmallIntegerField(_("rule score"), default=0)
    verdict = models.CharField(_("duplicate verdict"), max_length=10, blank=True)
    red_lines_standing = models.PositiveSmallIntegerField(_("red lines standing"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)

    # The report as it stood when the round was closed (also frozen in the approval gate record).
    final = models.JSONField(_("final report"), null=True, blank=True)

    objects = PreReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("pre-review round")
        verbose_name_plural = _("pre-review rounds")
        ordering = ["project", "opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(closed_at__isnull=True), name="prereview_one_open_round"
            )
        ]
        indexes = [models.Index(fields=["closed_at", "recommendation"], name="prereview_queue_idx")]
        rules_permissions = project_perms.RECORDS  # written by the services only, read in the admin

    def __str__(self):
        return f"{self.project_id} {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ExpertReviewQuerySet(OrgScopedQuerySet):
    """Managers, supervisors and finance see every review; a reviewer sees its own assignments;
    owners see none (the experts' opinions reach them through the portfolio office's decision)."""

    org_field = "project__owner_org"

    def scope_for(self, user):
        if user.role == Role.REVIEWER:
            return Q(reviewer=user)
        return None


class ExpertReview(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A reviewer assigned to a round of pre-review, and the review once written."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("To review")
        SUBMITTED = "submitted", pgettext_lazy("expert review", "Submitted")

    Opinion = Opinion

    prereview = models.ForeignKey(
        PreReview, verbose_name=_("pre-review round"), on_delete=models.PROTECT, related_name="reviews"
    )
    # The round's project, kept beside it so that visibility and lists need no join through the round.
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="expert_reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="expert_reviews"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("expert review", "assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(pgettext_lazy("expert review", "assigned at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    # {criterion: 0–10}; complete once submitted.
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    opinion = models.CharField(_("opinion"), max_length=10, choices=Opinion.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ExpertReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["prereview", "reviewer"], name="expert_review_once_per_round"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="expert_review_reviewer_idx")]
        rules_permissions = perms.REVIEWS

    def __str__(self):
        return f"{self.project_id} {self.reviewer_id} {self.status}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def total(self) -> int | None:
        """The sum of the criteria scores, once every criterion is scored."""
        values = [self.scores.get(c) for c in Criterion.values]
        return sum(values) if all(isinstance(v, int) for v in values) else None


def assigned_to(user, project_ref="pk"):
    """``Exists`` of an assignment of ``user`` to the project at ``project_ref`` (an OuterRef name)."""
    return Exists(ExpertReview.objects.filter(project=OuterRef(project_ref), reviewer=user))


class RedLineOverride(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A manager's written decision that a red line does not block this round's approval."""

    prereview = models.ForeignKey(
        PreReview, verbose_name=_("pre-review round"), on_delete=models.PROTECT, related_name="overrides"
    )
    rule = models.ForeignKey(ReviewRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="overrides")
    # The version that had fired when the manager decided.
    rule_version = models.ForeignKey(
        RuleVersion, verbose_name=_("rule version"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("red-line override")
        verbose_name_plural = _("red-line overrides")
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["prereview", "rule"], name="red_line_override_once_per_round")]
        rules_permissions = project_perms.RECORDS  # written by the services only, read in the admin

    def __str__(self):
        return f"{self.prereview_id} {self.rule_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("An override is never changed once recorded."))
        super().save(*args, **kwargs)
