from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio.api.serializers import CleanModelSerializer, VisibleModelSerializer
from tasks.lifecycle import Action, Light, NoticeStatus, Status, WarningKind
from tasks.models import (
    ASSIGNMENT_FIELDS,
    Bulletin,
    Evidence,
    Notice,
    ProgressReport,
    ProgressReportRevision,
    Task,
    TaskTransition,
    TaskWarning,
)


class TaskSerializer(VisibleModelSerializer):
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    domain_name = serializers.CharField(source="domain.name", read_only=True, default=None)
    lead_org_name = serializers.CharField(source="lead_org.name", read_only=True)
    co_lead_org_names = serializers.SerializerMethodField()
    partner_org_names = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    light = serializers.ChoiceField(choices=Light.choices, read_only=True)
    open_warnings = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "title",
            "description",
            "plan",
            "plan_name",
            "domain",
            "domain_name",
            "lead_org",
            "lead_org_name",
            "co_lead_orgs",
            "co_lead_org_names",
            "partner_orgs",
            "partner_org_names",
            "partner_names",
            "projects",
            "assigned_at",
            "due_date",
            "deadline_text",
            "status",
            "status_label",
            "progress",
            "light",
            "open_warnings",
            "open_warning_count",
            "open_notice_count",
            "last_report_at",
            "completed_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_co_lead_org_names(self, task):
        return [org.name for org in task.co_lead_orgs.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_partner_org_names(self, task):
        return [org.name for org in task.partner_orgs.all()]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=WarningKind.choices)))
    def get_open_warnings(self, task):
        """The kinds of the warnings open on the task."""
        listed = getattr(task, "open_warnings", None)
        if listed is None:
            listed = task.warnings.filter(closed_at__isnull=True)
        return [w.kind for w in listed]


class TaskDetailSerializer(TaskSerializer):
    allowed_actions = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Action.choices)))
    def get_allowed_actions(self, task):
        from tasks.services import allowed_actions

        return allowed_actions(task, self.context["request"].user)


class TaskWriteSerializer(CleanModelSerializer):
    """Assigning (交办) and editing a task: managers and the supervision office."""

    class Meta:
        model = Task
        fields = ASSIGNMENT_FIELDS

    def validate_partner_names(self, value):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise serializers.ValidationError(Task._meta.get_field("partner_names").help_text)
        return [v.strip() for v in value]

    def _split(self, data):
        m2m = {name: data.pop(name) for name in ("co_lead_orgs", "partner_orgs", "projects") if name in data}
        return data, m2m

    def create(self, validated_data):
        from tasks.services import create_task

        fields, m2m = self._split(validated_data)
        return create_task(by=self.context["request"].user, m2m=m2m, **fields)

    def update(self, instance, validated_data):
        from tasks.services import update_task

        fields, m2m = self._split(validated_data)
        return update_task(instance, by=self.context["request"].user, m2m=m2m, **fields)


class ActionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class FinishSerializer(ActionSerializer):
    files = serializers.ListField(child=serializers.FileField(), required=False, help_text="Evidence files.")


class TransitionSerializer(VisibleModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, default=None)
    by_name = serializers.CharField(source="by.name", read_only=True, default=None)

    class Meta:
        model = TaskTransition
        fields = ["action", "from_status", "to_status", "by", "by_name", "at", "comment"]


class EvidenceSerializer(VisibleModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "display_name", "content_type", "size", "sha256", "url"]

    def get_url(self, evidence) -> str:
        return reverse("tasks:evidence", args=[evidence.pk])


class ProgressReportRevisionSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True)

    class Meta:
        model = ProgressReportRevision
        fields = ["text", "percent", "reason", "by", "reported_at", "replaced_at"]


class ProgressReportSerializer(VisibleModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    revisions = ProgressReportRevisionSerializer(many=True, read_only=True)
    by = serializers.CharField(source="by.username", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, write_only=True, help_text="Evidence files."
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "task",
            "org",
            "org_name",
            "is_lead_report",
            "period",
            "text",
            "percent",
            "reason",
            "by",
            "created_at",
            "updated_at",
            "revisions",
            "evidence",
            "files",
        ]
        read_only_fields = [
            "id",
            "task",
            "org",
            "org_name",
            "is_lead_report",
            "by",
            "created_at",
            "updated_at",
            "evidence",
        ]
        # Range and emptiness are checked by the service, with the same messages as the pages;
        # one report per organization and period is the service's rule too (it revises).
        extra_kwargs = {"percent": {"validators": []}, "text": {"allow_blank": True}}
        validators = []


class WarningSerializer(VisibleModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    task_code = serializers.CharField(source="task.code", read_only=True)

    class Meta:
        model = TaskWarning
        fields = ["id", "task", "task_code", "kind", "kind_label", "opened_at", "closed_at"]


class NoticeSerializer(VisibleModelSerializer):
    number = serializers.CharField(read_only=True, help_text="督办〔YYYY〕N号, unique per year.")
    status = serializers.ChoiceField(choices=NoticeStatus.choices, read_only=True)
    task_code = serializers.CharField(source="task.code", read_only=True)
    issued_by = serializers.CharField(source="issued_by.username", read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "number",
            "task",
            "task_code",
            "requirement",
            "reply_due",
            "reply",
            "status",
            "level",
            "issued_by",
            "issued_at",
            "replied_at",
            "closed_at",
        ]
        read_only_fields = ["number", "reply", "level", "issued_at", "replied_at", "closed_at"]


class NoticeReplySerializer(serializers.Serializer):
    reply = serializers.CharField(allow_blank=True, max_length=5000)


class NoticeCloseSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class NoticeEscalateSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, max_length=5000)
    reply_due = serializers.DateField()


class BoardCountsSerializer(serializers.Serializer):
    green = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    total = serializers.IntegerField()
    open_warnings = serializers.IntegerField()
    open_notices = serializers.IntegerField()
    max_days_overdue = serializers.IntegerField(
        allow_null=True, help_text="Days the most overdue red task is past its due date (null: none is red)."
    )
    statuses = serializers.DictField(child=serializers.IntegerField(), help_text=f"Counts by status: {Status.values}")


class BoardRowSerializer(BoardCountsSerializer):
    org = serializers.IntegerField()
    org_name = serializers.CharField()


class BoardSerializer(serializers.Serializer):
    rows = BoardRowSerializer(many=True)
    totals = BoardCountsSerializer()


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    org = serializers.IntegerField(source="org_id")
    org_name = serializers.CharField()
    region_name = serializers.CharField()
    due = serializers.IntegerField()
    on_time = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    open_red = serializers.IntegerField()
    late_reports = serializers.IntegerField()


class RankingTierSerializer(serializers.Serializer):
    tier = serializers.CharField()
    tier_label = serializers.CharField()
    rows = RankingRowSerializer(many=True)


class RankingSerializer(serializers.Serializer):
    month = serializers.CharField()
    tiers = RankingTierSerializer(many=True)


class BulletinSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = ["id", "number", "month", "year", "sequence", "generated_at", "recipients", "document"]

    def get_month(self, bulletin) -> str:
        return bulletin.month.strftime("%Y-%m")

    def get_document(self, bulletin) -> dict:
        url = reverse("bulletin-document", args=[bulletin.pk])
        request = self.context.get("request")
        absolute = request.build_absolute_uri if request else (lambda u: u)
        return {"pdf": absolute(f"{url}?format=pdf"), "docx": absolute(f"{url}?format=docx")}


class BulletinGenerateSerializer(serializers.Serializer):
    month = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$", error_messages={"invalid": _("Write the month as YYYY-MM, e.g. 2026-11.")}
    )

    def validate_month(self, value):
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
