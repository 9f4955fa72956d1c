from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from evaluation.models import (
    BudgetRequest,
    Evaluation,
    Indicator,
    IndicatorTarget,
    Measurement,
    Rating,
    Rectification,
    Spending,
    Ticket,
)
from evaluation.models.indicators import EDITABLE_FIELDS
from portfolio.api.serializers import CleanModelSerializer, VisibleModelSerializer, VisiblePrimaryKeyRelatedField
from projects.models import Project


class IndicatorTargetSerializer(VisibleModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["tier", "baseline_value", "target_value"]


class IndicatorSerializer(CleanModelSerializer):
    targets = IndicatorTargetSerializer(many=True, required=False, source="tier_targets")
    domain_name = serializers.CharField(source="domain.name", read_only=True, default=None)

    class Meta:
        model = Indicator
        fields = ["id", *EDITABLE_FIELDS, "domain_name", "is_builtin", "targets"]
        read_only_fields = ["is_builtin"]

    def validate(self, attrs):
        targets = attrs.pop("tier_targets", None)
        attrs = super().validate(attrs)
        if targets is not None:
            attrs["tier_targets"] = targets
        return attrs


class ProjectDataSerializer(CleanModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)


class TicketSerializer(ProjectDataSerializer):
    class Meta:
        model = Ticket
        fields = ["id", "project", "project_code", "project_name", "title", "received_at", "resolved", "resolved_at"]
        read_only_fields = ["project", "received_at"]


class RatingSerializer(ProjectDataSerializer):
    rectification = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "project",
            "project_code",
            "project_name",
            "score",
            "rated_at",
            "channel",
            "comment",
            "rectification",
        ]


class SpendingSerializer(ProjectDataSerializer):
    class Meta:
        model = Spending
        fields = ["id", "project", "project_code", "project_name", "spent_on", "amount", "purpose"]
        read_only_fields = ["project"]


class MeasurementSerializer(ProjectDataSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = Measurement
        fields = [
            "id",
            "project",
            "project_code",
            "project_name",
            "indicator",
            "indicator_code",
            "period",
            "value",
            "note",
            "updated_at",
        ]
        read_only_fields = ["project", "indicator", "period"]


class BulkResultSerializer(serializers.Serializer):
    filing = serializers.IntegerField()
    created = serializers.IntegerField()
    skipped_count = serializers.IntegerField()
    skipped = serializers.ListField(child=serializers.DictField())
    rectifications_opened = serializers.IntegerField()


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("An .xlsx workbook or a .csv file, one row per record."))
    skip_bad_rows = serializers.BooleanField(default=False)


class RectificationSerializer(VisibleModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    score = serializers.IntegerField(source="rating.score", read_only=True)
    comment = serializers.CharField(source="rating.comment", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "project",
            "project_code",
            "project_name",
            "org",
            "org_name",
            "rating",
            "score",
            "comment",
            "rated_at",
            "opened_at",
            "due_date",
            "status",
            "reply",
            "closed_at",
            "closed_by",
            "overdue",
            "on_time",
        ]
        read_only_fields = fields


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=5000)


class EvaluationSerializer(VisibleModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    owner_org = serializers.IntegerField(source="project.owner_org_id", read_only=True)
    owner_org_name = serializers.CharField(source="project.owner_org.name", read_only=True)
    breakdown = serializers.JSONField(
        read_only=True, help_text=_("Every indicator with what it was scored against, its value and points.")
    )

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "project",
            "project_code",
            "project_name",
            "owner_org",
            "owner_org_name",
            "period",
            "score",
            "grade",
            "baseline_met",
            "catch_up_score",
            "bonus",
            "breakdown",
            "updated_at",
        ]
        read_only_fields = fields


class RecomputeSerializer(serializers.Serializer):
    period = serializers.IntegerField(min_value=2000, max_value=2100)
    project = VisiblePrimaryKeyRelatedField(
        queryset=Project.objects.all(), required=False, help_text=_("Only this project.")
    )


class EvaluationRunSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    projects = serializers.IntegerField()
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class BudgetRequestSerializer(VisibleModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))

    class Meta:
        model = BudgetRequest
        fields = [
            "id",
            "project",
            "project_code",
            "project_name",
            "year",
            "amount",
            "note",
            "final_amount",
            "justification",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["final_amount", "justification", "created_by", "created_at", "updated_at"]
        validators = []  # a second (project, year) is the service's 409, not a field error


# --- the budget report -------------------------------------------------------------------------


class FactorsSerializer(serializers.Serializer):
    A = serializers.DecimalField(max_digits=4, decimal_places=2)
    B = serializers.DecimalField(max_digits=4, decimal_places=2)
    C = serializers.DecimalField(max_digits=4, decimal_places=2)
    D = serializers.DecimalField(max_digits=4, decimal_places=2)


class PolicySerializer(serializers.Serializer):
    """Input of ``policy`` (PUT) and ``simulate`` (POST); checked by the service, messages per field."""

    envelope = serializers.JSONField(required=False, allow_null=True, help_text=_('Yuan, e.g. "120000000.00".'))
    factors = serializers.JSONField(help_text=_('A factor per grade: {"A": "1.10", "B": "1.00", …}.'))


class PolicyReadSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    envelope = serializers.CharField(allow_null=True)
    factors = FactorsSerializer()
    saved = serializers.BooleanField()
    updated_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True, help_text=_("When finance closed the year; null: open."))


class AdjustSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    final = serializers.CharField(
        allow_null=True, allow_blank=True, help_text=_("Yuan; null returns to the recommendation.")
    )
    justification = serializers.CharField(required=False, allow_blank=True, default="")


class ReportLineSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    project_code = serializers.CharField()
    project_name = serializers.CharField()
    org = serializers.IntegerField()
    org_name = serializers.CharField()
    domain = serializers.IntegerField()
    domain_name = serializers.CharField()
    requested = serializers.CharField()
    grade = serializers.CharField(allow_null=True)
    score = serializers.CharField(allow_null=True)
    factor = serializers.CharField()
    recommended = serializers.CharField()
    final = serializers.CharField()
    justification = serializers.CharField()
    flags = serializers.ListField(child=serializers.CharField())
    indicators = serializers.DictField(
        child=serializers.CharField(allow_null=True), help_text=_("Indicator code: its value in the evaluation.")
    )
    satisfied_rate = serializers.CharField(allow_null=True)
    rectified_on_time_rate = serializers.CharField(allow_null=True)


class BudgetReportSerializer(serializers.Serializer):
    """Documents the report's shape for the schema; the report itself is built as plain dicts."""

    year = serializers.IntegerField()
    period = serializers.IntegerField()
    envelope = serializers.CharField(allow_null=True)
    factors = FactorsSerializer()
    policy_saved = serializers.BooleanField()
    scale = serializers.CharField()
    lines = ReportLineSerializer(many=True)
    totals = serializers.DictField()
