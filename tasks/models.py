"""Key tasks (重点任务) and their supervision: transitions, progress reports, warnings, notices.

``status``, ``progress``, ``light`` and the open counts are read-only everywhere but the services
and the scan: ``light`` and ``open_warning_count`` are derived from the open warnings
(``scan.refresh_warning_flags``), ``open_notice_count`` from the notices not yet closed
(``services.refresh_notice_counts``), stored so that the board and the ``?light=`` filter are one
indexed read of the task table even at a million tasks.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel

from portfolio.models import Domain, Organization, OrgScopedQuerySet, Plan
from projects.models import Project
from tasks import permissions as perms
from tasks.lifecycle import Action, Light, NoticeAction, NoticeStatus, Status, WarningKind

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
# What whoever assigns a task (交办) writes, in the pages' and the API's order; the rest is the cycle's.
ASSIGNMENT_FIELDS = [
    "title",
    "description",
    "plan",
    "domain",
    "lead_org",
    "co_lead_orgs",
    "partner_orgs",
    "partner_names",
    "projects",
    "assigned_at",
    "due_date",
    "deadline_text",
]


class TaskQuerySet(OrgScopedQuerySet):
    org_field = "lead_org"

    def scope_for(self, user):
        """An owner sees the tasks its subtree leads, co-leads or partners on (Exists: no repeats)."""
        own = super().scope_for(user)
        if own is None:
            return None
        path = user.organization.path
        co_led = Task.co_lead_orgs.through.objects.filter(task=OuterRef("pk"), organization__path__startswith=path)
        partnered = Task.partner_orgs.through.objects.filter(task=OuterRef("pk"), organization__path__startswith=path)
        return own | Q(Exists(co_led)) | Q(Exists(partnered))


class Task(RulesModel):
    code = models.CharField(_("code"), max_length=40, unique=True, editable=False)
    title = models.CharField(_("task"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="tasks")
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="tasks", null=True, blank=True
    )
    # No index of its own: task_board_idx leads with lead_org, and every index slows the scan's writes.
    lead_org = models.ForeignKey(
        Organization,
        verbose_name=_("lead organization"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
        db_index=False,
    )
    co_lead_orgs = models.ManyToManyField(
        Organization, verbose_name=_("co-lead organizations"), related_name="co_led_tasks", blank=True
    )
    partner_orgs = models.ManyToManyField(
        Organization, verbose_name=_("partner organizations"), related_name="partner_tasks", blank=True
    )
    partner_names = models.JSONField(
        _("other partners"),
        default=list,
        blank=True,
        help_text=_("Partners named in the task list that are no single organization, e.g. 各区政府."),
    )
    projects = models.ManyToManyField(Project, verbose_name=_("linked projects"), related_name="tasks", blank=True)
    assigned_at = models.DateField(_("assigned on"), default=timezone.localdate)
    due_date = models.DateField(_("due date"), null=True, blank=True, help_text=_("Empty for ongoing work."))
    deadline_text = models.CharField(
        _("deadline as written"), max_length=50, blank=True, help_text=_("e.g. 持续推进 when there is no date.")
    )

    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.ASSIGNED, editable=False
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now, editable=False)
    suspended_from = models.CharField(max_length=15, choices=Status.choices, blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=PERCENT, editable=False)
    last_report_at = models.DateTimeField(_("last progress report"), null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    light = models.CharField(_("light"), max_length=6, choices=Light.choices, default=Light.GREEN, editable=False)
    open_warning_count = models.PositiveIntegerField(_("open warnings"), default=0, editable=False)
    open_notice_count = models.PositiveIntegerField(_("open notices"), default=0, editable=False)

    # Set by the Excel import: re-importing the same row updates this task instead of adding one.
    import_key = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        db_index=False,  # never searched by; deleting a user is refused anyway (PROTECT)
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["due_date", "pk"]
        rules_permissions = perms.TASKS
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="task_progress_percent"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=models.F("assigned_at")),
                name="task_due_not_before_assigned",
            ),
            models.UniqueConstraint(
                fields=["plan", "import_key"], condition=~Q(import_key=""), name="task_unique_import_key"
            ),
        ]
        indexes = [
            # The board: counts per lead organization by light and status, and the oldest due date
            # (how late a bureau is), read from the index alone.
            # (The counts are key columns, not INCLUDE ones, so SQLite builds the same index.)
            models.Index(
                fields=["lead_org", "light", "status", "open_warning_count", "open_notice_count", "due_date"],
                name="task_board_idx",
            ),
            models.Index(fields=["status", "due_date"], name="task_status_due_idx"),
            models.Index(fields=["light", "due_date"], name="task_light_due_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}" if self.code else self.title

    def clean(self):
        super().clean()
        if self.due_date and self.assigned_at and self.due_date < self.assigned_at:
            raise ValidationError({"due_date": _("The due date cannot be before the date the task was assigned.")})
        if not isinstance(self.partner_names, list) or not all(
            isinstance(name, str) and name.strip() for name in self.partner_names
        ):
            raise ValidationError({"partner_names": _("Other partners must be a list of names.")})

    @property
    def days_overdue(self) -> int:
        if not self.due_date or self.status in (Status.COMPLETED, Status.SUSPENDED):
            return 0
        return max(0, (timezone.localdate() - self.due_date).days)


class TaskTransition(models.Model):
    """One step of the cycle: who, when, from, to, and why. Never edited."""

    # PROTECT: a task's history is never deleted with it (a task with a history is not deleted).
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("action"), max_length=15, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=15, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=15, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("task transition")
        verbose_name_plural = _("task transitions")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.task_id} {self.action}"


class ProgressReport(RulesModel):
    """进展填报: the lead reports on the task, a partner on its part."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    org = models.ForeignKey(
        Organization, verbose_name=_("reporting organization"), on_delete=models.PROTECT, related_name="+"
    )
    is_lead_report = models.BooleanField(_("by the lead"), default=True, editable=False)
    period = models.CharField(
        _("period"),
        max_length=7,
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Write the period as YYYY-MM, e.g. 2026-05."))],
        help_text=_("The month reported on, YYYY-MM."),
    )
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("percent complete"), validators=PERCENT)
    reason = models.TextField(
        _("reason for lower progress"),
        blank=True,
        help_text=_("Required when the percentage is lower than the organization's last report."),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last revised at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-created_at", "-pk"]
        rules_permissions = perms.READ_ONLY
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="report_percent"),
            # A second report for the same month revises the first (its old values go to the
            # revisions), so a period is never counted twice.
            models.UniqueConstraint(fields=["task", "org", "period"], name="report_one_per_org_period"),
        ]

    def __str__(self):
        return f"{self.task_id} {self.period}"


class ProgressReportRevision(models.Model):
    """What a progress report said before it was revised by a second report for its period."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="revisions"
    )
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("percent complete"), validators=PERCENT)
    reason = models.TextField(_("reason for lower progress"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress report revision")
        verbose_name_plural = _("progress report revisions")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.report_id} {self.percent}%"


class Evidence(models.Model):
    """A file attached to a progress report, stored under a server-generated name."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.CharField(_("stored file"), max_length=300, editable=False)
    display_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["pk"]

    def __str__(self):
        return self.display_name


class TaskWarningQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def visible_to(self, user):
        return self.filter(task__in=Task.objects.visible_to(user))


class TaskWarning(RulesModel):
    """预警: raised and closed by the overdue scan. At most one open per task and kind."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(_("kind"), max_length=20, choices=WarningKind.choices)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    objects = TaskWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-opened_at", "-pk"]
        rules_permissions = perms.READ_ONLY
        constraints = [
            # What makes the scan idempotent: a second open warning of the same kind cannot exist.
            models.UniqueConstraint(
                fields=["task", "kind"], condition=Q(closed_at__isnull=True), name="warning_one_open_per_kind"
            ),
        ]
        indexes = [models.Index(fields=["opened_at"], name="warning_opened_idx")]

    def __str__(self):
        return f"{self.task_id} {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(task__in=Task.objects.visible_to(user))


class NoticeSequence(models.Model):
    """The last notice number given in a year: the row is locked while a number is taken."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("notice number sequence")
        verbose_name_plural = _("notice number sequences")

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def take(cls, year: int, count: int = 1) -> int:
        """Reserve ``count`` numbers of ``year``; return the first. The year's row stays locked
        until the caller's transaction ends, so two notices issued at once never share a number
        (PostgreSQL: the row lock; SQLite: its IMMEDIATE transactions write one at a time)."""
        with transaction.atomic():
            sequence, _created = cls.objects.select_for_update().get_or_create(year=year)
            cls.objects.filter(pk=sequence.pk).update(last=F("last") + count)
            sequence.refresh_from_db(fields=["last"])
        return sequence.last - count + 1


class Notice(RulesModel):
    """督办单: a supervisor's written demand on a task, answered by the lead organization.

    Numbered 督办〔YYYY〕N号, N counting the year's notices from 1 (``services.issue_notice``)."""

    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    serial = models.PositiveIntegerField(_("serial number"), editable=False)
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="notices")
    requirement = models.TextField(_("requirement"))
    reply_due = models.DateField(_("reply due"))
    reply = models.TextField(_("reply"), blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN, editable=False
    )
    level = models.PositiveSmallIntegerField(_("escalation level"), default=1, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, editable=False)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_at", "-pk"]
        rules_permissions = perms.NOTICES
        indexes = [models.Index(fields=["status", "reply_due"], name="notice_status_due_idx")]
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="notice_unique_number")]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if self.serial is None:
            self.year = timezone.localtime(self.issued_at).year
            self.serial = NoticeSequence.take(self.year)
        super().save(*args, **kwargs)

    @property
    def number(self) -> str:
        return f"督办〔{self.year}〕{self.serial}号"

    @property
    def reply_overdue(self) -> bool:
        return self.status == NoticeStatus.OPEN and self.reply_due < timezone.localdate()


class NoticeEvent(models.Model):
    """One step of a notice: issued, replied, closed (销号) or escalated."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=NoticeAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("notice event")
        verbose_name_plural = _("notice events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.notice_id} {self.action}"


class ScanLock(models.Model):
    """The lock row that keeps two overdue scans apart where there are no advisory locks (SQLite)."""

    name = models.CharField(max_length=50, unique=True)
    holder = models.CharField(max_length=64, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scan lock")
        verbose_name_plural = _("scan locks")

    def __str__(self):
        return self.name


class BlankDeadline(models.TextChoices):
    """What a row that states no deadline gets (docs/task-import.md)."""

    NONE = "none", _("No due date (like 持续推进)")
    YEAR_END = "year-end", _("The plan year's end (31 December)")


class TaskImport(models.Model):
    """An uploaded task list (任务分工表): kept for the confirmation step and for audit."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    assigned_on = models.DateField(_("assigned on"), default=timezone.localdate)
    blank_deadline = models.CharField(
        _("rows without a deadline"), max_length=10, choices=BlankDeadline.choices, default=BlankDeadline.NONE
    )
    file = models.CharField(max_length=300, editable=False)
    display_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("task list import")
        verbose_name_plural = _("task list imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.display_name


class BulletinQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The bulletin ranks every unit: the region-wide roles and the leader accounts read it."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self if (user.sees_whole_region or user.is_leader) else self.none()


class Bulletin(models.Model):
    """督查通报: the month's supervision bulletin, numbered and archived as generated (never edited)."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month reported on."))
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveSmallIntegerField(_("issue"), editable=False)
    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    figures = models.JSONField(_("figures"), default=dict, editable=False)
    docx = models.BinaryField(editable=False)
    pdf = models.BinaryField(editable=False)
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now, editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0, editable=False)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision bulletin")
        verbose_name_plural = _("supervision bulletins")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="bulletin_unique_issue")]

    def __str__(self):
        return self.number
