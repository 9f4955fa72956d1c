from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio.api.serializers import CleanModelSerializer, VisibleModelSerializer, VisiblePrimaryKeyRelatedField
from portfolio.models import Organization
from projects.lifecycle import Action
from projects.models import MAX_MONEY, Attachment, GateRecord, Milestone, Project, TransitionRecord
from projects.permissions import allowed_actions
from projects.services import COMMENT_MAX_LENGTH


class ProjectSerializer(CleanModelSerializer):
    """A project as lists show it and as owners write it (the stage and decisions are read-only)."""

    owner_org_name = serializers.CharField(source="owner_org.name", read_only=True)
    domain_name = serializers.CharField(source="domain.name", read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "description",
            "functions",
            "owner_org",
            "owner_org_name",
            "domain",
            "domain_name",
            "plan",
            "plan_name",
            "plan_goal",
            "scenario",
            "year",
            "stage",
            "stage_label",
            "budget_requested",
            "approved_budget",
            "approval_number",
            "reuses_shared_components",
            "shares_data",
            "beneficiaries",
            "warranty_months",
            "has_mobile_app",
            "planned_start",
            "planned_end",
            "systems",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["code", "stage", "approved_budget", "approval_number", "created_by", "updated_at"]
        extra_kwargs = {"owner_org": {"required": False}, "systems": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # An owner files a proposal for its own organizations only (the systems it may link, its
        # own and the shared ones, are what it may see: VisiblePrimaryKeyRelatedField).
        if user is not None and user.is_authenticated and not user.sees_whole_region and user.organization_id:
            fields["owner_org"].queryset = Organization.objects.subtree(user.organization)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["owner_org"].read_only = True  # a proposal stays with the organization that drafted it
        return fields


class ProjectDetailSerializer(ProjectSerializer):
    allowed_actions = serializers.SerializerMethodField(
        help_text='The lifecycle actions the caller may take now, e.g. ["submit"].'
    )

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "allowed_actions"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Action.choices)))
    def get_allowed_actions(self, project) -> list[str]:
        request = self.context.get("request")
        return allowed_actions(request.user, project) if request else []


class ListTotalsSerializer(serializers.Serializer):
    """A list's totals; spent and operating are what the apps above contribute (the cockpit)."""

    count = serializers.IntegerField()
    requested = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    approved = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    spent = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    operating = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)


class TransitionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=COMMENT_MAX_LENGTH, label=_("comment"), default=""
    )


class ApproveInputSerializer(TransitionInputSerializer):
    approved_budget = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        max_value=MAX_MONEY,
        required=False,
        allow_null=True,
        label=_("approved budget (yuan)"),
    )
    approval_number = serializers.CharField(
        required=False, allow_blank=True, max_length=100, label=_("approval document number")
    )


class TransitionRecordSerializer(VisibleModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    from_stage_label = serializers.CharField(source="get_from_stage_display", read_only=True)
    to_stage_label = serializers.CharField(source="get_to_stage_display", read_only=True)
    by_name = serializers.CharField(source="by.name", read_only=True)

    class Meta:
        model = TransitionRecord
        fields = [
            "id",
            "action",
            "action_label",
            "from_stage",
            "from_stage_label",
            "to_stage",
            "to_stage_label",
            "by",
            "by_name",
            "at",
            "comment",
        ]
        read_only_fields = fields


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class EditSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.IntegerField(source="by.pk", allow_null=True, default=None)
    by_name = serializers.CharField(source="by.name", allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=[("+", "created"), ("~", "changed")])
    changes = FieldChangeSerializer(many=True)


class MilestoneSerializer(CleanModelSerializer):
    settled = serializers.BooleanField(read_only=True)
    is_late = serializers.BooleanField(read_only=True)
    variance_days = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "name",
            "planned_date",
            "forecast_date",
            "actual_date",
            "done",
            "explanation",
            "order",
            "baseline_date",
            "variance_days",
            "settled",
            "is_late",
        ]
        read_only_fields = ["baseline_date"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["project"].read_only = True  # a milestone stays with its project
        return fields


class AttachmentSerializer(VisibleModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by_name = serializers.CharField(source="uploaded_by.name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "project",
            "kind",
            "kind_label",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment) -> str:
        request = self.context.get("request")
        path = f"/api/v1/attachments/{attachment.pk}/download/"
        return request.build_absolute_uri(path) if request else path


class AttachmentUploadSerializer(serializers.Serializer):
    project = VisiblePrimaryKeyRelatedField(queryset=Project.objects.all(), label=_("project"))
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices, label=_("kind"))
    file = serializers.FileField(label=_("file"), allow_empty_file=True, use_url=False)


class GateRecordSerializer(VisibleModelSerializer):
    gate_label = serializers.CharField(source="get_gate_display", read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.name", read_only=True)

    class Meta:
        model = GateRecord
        fields = [
            "id",
            "project",
            "gate",
            "gate_label",
            "transition",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "conclusion",
            "approved_budget",
            "snapshot",
            "prereview",
        ]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class InvalidTransitionSerializer(ErrorSerializer):
    stage = serializers.ChoiceField(choices=Project._meta.get_field("stage").choices)
    stage_label = serializers.CharField()
    allowed_actions = serializers.ListField(child=serializers.ChoiceField(choices=Action.choices))
