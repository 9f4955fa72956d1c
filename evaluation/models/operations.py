"""Operating data filed per project in operation: tickets, ratings, spending, measured values.

Rows arrive one by one or by the hundred thousand (a hotline system's export), always through a
``Filing``: the record of who filed what, when, from which file, and which rows were skipped. A
poor rating (差评, 1 or 2) opens a ``Rectification`` for the owner organization.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel

from evaluation import permissions as perms
from evaluation.models.indicators import Indicator
from portfolio.models import Organization, OrgScopedQuerySet
from portfolio.models.plans import YEAR_VALIDATORS
from projects.models import Project

POOR_RATING = 2  # a rating at or below this is a 差评


class ProjectDataQuerySet(OrgScopedQuerySet):
    """Rows of a project: visible to whoever sees the project's owner organization."""

    org_field = "project__owner_org"

    def in_period(self, period: int, field: str):
        """Rows whose ``field`` (a datetime or date) falls in the calendar year ``period`` (local time)."""
        start, end = period_bounds(period, aware=not field.endswith("_on"))
        return self.filter(**{f"{field}__gte": start, f"{field}__lt": end})


def period_bounds(period: int, *, aware: bool = True):
    """The first instant of the year and of the next one, in the site's time zone."""
    import datetime

    if not aware:
        return datetime.date(period, 1, 1), datetime.date(period + 1, 1, 1)
    zone = timezone.get_default_timezone()
    return (
        datetime.datetime(period, 1, 1, tzinfo=zone),
        datetime.datetime(period + 1, 1, 1, tzinfo=zone),
    )


class Filing(models.Model):
    """One act of filing operating data: a single row, a JSON list or an uploaded file."""

    class Kind(models.TextChoices):
        TICKETS = "tickets", _("Problem tickets")
        RATINGS = "ratings", _("Satisfaction ratings")
        SPENDING = "spending", _("Spending records")
        MEASUREMENTS = "measurements", _("Measured values")

    class Channel(models.TextChoices):
        API = "api", _("API")
        FILE = "file", _("File upload")
        PAGE = "page", _("Form")

    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    channel = models.CharField(_("filed through"), max_length=10, choices=Channel.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("rows stored"), default=0)
    skipped = models.JSONField(_("rows skipped"), default=list, blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-filed_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.rows}"


class Ticket(RulesModel):
    """A problem ticket (问题工单) about a project in operation."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tickets")
    title = models.CharField(_("title"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"))
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # Not indexed: rows are not looked up by their filing (ratings index their poor ones below).
    filing = models.ForeignKey(
        Filing, verbose_name=_("filing"), on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )

    objects = ProjectDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem ticket")
        verbose_name_plural = _("problem tickets")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["project", "received_at"], name="ticket_project_received_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("received_at")),
                name="ticket_resolved_after_received",
            ),
            models.CheckConstraint(
                condition=Q(resolved=True, resolved_at__isnull=False) | Q(resolved=False, resolved_at__isnull=True),
                name="ticket_resolved_has_time",
            ),
        ]
        rules_permissions = perms.OPERATING_DATA

    def __str__(self):
        return self.title or f"#{self.pk}"

    def clean(self):
        super().clean()
        errors = ticket_time_errors(self.received_at, self.resolved, self.resolved_at)
        if errors:
            raise ValidationError(errors)


def ticket_time_errors(received_at, resolved: bool, resolved_at) -> dict:
    """A ticket's times must tell a possible story: resolved after it was received, and only then."""
    if resolved and resolved_at is None:
        return {"resolved_at": _("A resolved ticket needs the time it was resolved.")}
    if not resolved and resolved_at is not None:
        return {"resolved": _("A ticket with a resolution time is resolved: set “resolved”.")}
    if resolved_at is not None and received_at is not None and resolved_at < received_at:
        return {"resolved_at": _("The resolution time cannot be before the time the ticket was received.")}
    return {}


class Rating(RulesModel):
    """A satisfaction rating (好差评), 5 非常满意 … 1 非常不满意."""

    class Score(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        FAIRLY_SATISFIED = 3, _("Fairly satisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    class Channel(models.TextChoices):
        WEB = "web", _("Website")
        APP = "app", _("Mobile")
        WINDOW = "window", _("Service window")
        HOTLINE = "hotline", _("12345 hotline")
        OTHER = "other", _("Other")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(
        _("rating"), choices=Score.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_at = models.DateTimeField(_("rated at"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.OTHER)
    comment = models.TextField(_("comment"), blank=True)
    # Not indexed: rows are not looked up by their filing (ratings index their poor ones below).
    filing = models.ForeignKey(
        Filing, verbose_name=_("filing"), on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )

    objects = ProjectDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-rated_at", "-pk"]
        # Few indexes on purpose: ratings arrive by the hundred thousand into a table of tens of
        # millions, and each index costs every insert. Per-project lists use the project index;
        # evaluations read the tally, not the ratings.
        indexes = [
            # Opening the rectifications of one filing reads only its poor ratings.
            models.Index(fields=["filing"], name="rating_poor_filing_idx", condition=Q(score__lte=POOR_RATING)),
        ]
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5")]
        rules_permissions = perms.RATINGS

    def __str__(self):
        return f"{self.project_id} · {self.score}"


class RatingTally(models.Model):
    """How many ratings of each score a project received in a year, kept as ratings are filed.

    Filing adds to it in the same transaction as the ratings (services.file_operating_data), and
    ratings are never edited or deleted through the platform, so it always equals
    ``GROUP BY project, year, score`` over the ratings; ``rebuild_tally`` recomputes it from them
    (after bulk loads that bypass filing). Evaluating a period then reads a few rows per project
    instead of scanning every rating of the year.
    """

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+")
    period = models.PositiveSmallIntegerField(_("period (year)"))
    score = models.PositiveSmallIntegerField(_("rating"))
    count = models.PositiveIntegerField(_("ratings"))

    class Meta:
        verbose_name = _("rating tally")
        verbose_name_plural = _("rating tallies")
        constraints = [
            models.UniqueConstraint(fields=["period", "project", "score"], name="rating_tally_unique"),
        ]

    def __str__(self):
        return f"{self.project_id} · {self.period} · {self.score}: {self.count}"


class OperatingTally(models.Model):
    """Per project and year: tickets received and resolved, money spent, rectifications closed on
    time and late. Kept by PostgreSQL triggers on those tables (migration 0003), so it follows
    every write, whatever path it takes — filing, the API, the admin, a cascade or a raw load.

    Evaluating a period on PostgreSQL reads it (a row per project) instead of scanning a year of
    tickets and rectifications. On SQLite, the embedded default for small installations, there are
    no triggers and it stays empty: the evaluation aggregates the rows themselves there.
    ``bulk.rebuild_tally`` recomputes it (needed only if TIME_ZONE changes: a ticket's year is its
    local year).
    """

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+")
    period = models.PositiveSmallIntegerField(_("period (year)"))
    tickets_received = models.BigIntegerField(default=0)
    tickets_resolved = models.BigIntegerField(default=0)
    spent = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    rectified_on_time = models.BigIntegerField(default=0)
    rectified_late = models.BigIntegerField(default=0)  # closed after the deadline

    class Meta:
        verbose_name = _("operating tally")
        verbose_name_plural = _("operating tallies")
        constraints = [models.UniqueConstraint(fields=["period", "project"], name="operating_tally_unique")]

    def __str__(self):
        return f"{self.project_id} · {self.period}"


class Spending(RulesModel):
    """Money spent on a project's operation, for the budget execution rate."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="spending")
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    # Not indexed: rows are not looked up by their filing (ratings index their poor ones below).
    filing = models.ForeignKey(
        Filing, verbose_name=_("filing"), on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )

    objects = ProjectDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("spending record")
        verbose_name_plural = _("spending records")
        ordering = ["-spent_on", "-pk"]
        indexes = [models.Index(fields=["project", "spent_on"], name="spending_project_date_idx")]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="spending_amount_not_negative")]
        rules_permissions = perms.OPERATING_DATA

    def __str__(self):
        return f"{self.project_id} · {self.amount}"


class Measurement(RulesModel):
    """A measured value of an indicator for one project and period (a year)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="measurements"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="measurements"
    )
    period = models.PositiveSmallIntegerField(_("period (year)"), validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Not indexed: rows are not looked up by their filing (ratings index their poor ones below).
    filing = models.ForeignKey(
        Filing, verbose_name=_("filing"), on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProjectDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("measured value")
        verbose_name_plural = _("measured values")
        ordering = ["-period", "project", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator", "period"], name="measurement_unique_per_period")
        ]
        rules_permissions = perms.OPERATING_DATA

    def __str__(self):
        return f"{self.indicator} {self.period}: {self.value}"


class RectificationQuerySet(OrgScopedQuerySet):
    org_field = "org"

    def in_period(self, period: int):
        """Rectifications of the poor ratings given in ``period``."""
        return self.filter(period=period)

    def open(self):
        return self.filter(status=Rectification.Status.OPEN)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Rectification(RulesModel):
    """整改: what the owner organization does about a poor rating, by a deadline (RECTIFY_DAYS)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Rectified")

    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="rectification"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="rectifications"
    )
    org = models.ForeignKey(  # indexed by rectification_org_open_idx, which starts with it
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="rectifications",
        db_index=False,
    )
    rated_at = models.DateTimeField(_("rated at"))  # the rating's, so a period's share needs no join
    period = models.PositiveSmallIntegerField(_("period (year)"))  # local year of rated_at
    opened_at = models.DateTimeField(_("opened at"))
    due_date = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(_("reply"), blank=True)
    closed_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    # The local date of closed_at: "on time" is then a plain date comparison in the aggregate.
    closed_on = models.DateField(_("rectified on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rectified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["status", "due_date", "pk"]
        # Poor ratings open these by the ten thousand: only the indexes pages need (project,
        # organization's open ones); the period aggregate reads the table through.
        indexes = [
            models.Index(fields=["org", "status", "due_date"], name="rectification_org_open_idx"),
            # The still-open ones past their deadline count as late: the evaluation reads them here
            # (closed ones are in the operating tally).
            models.Index(
                fields=["period", "due_date", "project"],
                name="rectification_unclosed_idx",
                condition=Q(closed_on__isnull=True),
            ),
        ]
        rules_permissions = perms.RECTIFICATIONS

    def __str__(self):
        return f"{self.project_id} · {self.due_date}"

    @property
    def on_time(self) -> bool | None:
        """Rectified by the deadline (None while open and not yet due)."""
        if self.closed_on is not None:
            return self.closed_on <= self.due_date
        return False if timezone.localdate() > self.due_date else None

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and timezone.localdate() > self.due_date
