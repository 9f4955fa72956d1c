from rest_framework import serializers

from cockpit.models import Light, StatusReport
from cockpit.selectors import DIMENSIONS
from portfolio.api.serializers import VisibleModelSerializer
from projects.api.serializers import ListTotalsSerializer


class RollupQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=sorted(DIMENSIONS))
    budget_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


class RollupRowSerializer(ListTotalsSerializer):
    """One group: its key and label, the project list's figures (money not for the supervisor),
    and that list's addresses."""

    key = serializers.JSONField()
    label = serializers.CharField()
    list_url = serializers.CharField()
    api_url = serializers.CharField()


class RollupTotalsSerializer(ListTotalsSerializer):
    list_url = serializers.CharField()


class RollupSerializer(serializers.Serializer):
    by = serializers.CharField()
    rows = RollupRowSerializer(many=True)
    totals = RollupTotalsSerializer()


class StatusReportSerializer(VisibleModelSerializer):
    filed_by_name = serializers.CharField(source="filed_by.name", read_only=True)
    light = serializers.ChoiceField(choices=Light.choices)

    class Meta:
        model = StatusReport
        fields = ["id", "project", "month", "light", "comment", "filed_by", "filed_by_name", "filed_at"]
        read_only_fields = ["filed_by", "filed_at"]
        # The service checks month and comment and answers in the user's language.
        extra_kwargs = {"month": {"validators": []}, "comment": {"allow_blank": True}}


class ReasonSerializer(serializers.Serializer):
    rule = serializers.CharField()
    light = serializers.CharField()
    value = serializers.CharField()
    threshold = serializers.CharField()
    text = serializers.CharField()


class MilestoneVarianceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    baseline_date = serializers.DateField(allow_null=True)
    planned_date = serializers.DateField()
    forecast_date = serializers.DateField(allow_null=True)
    actual_date = serializers.DateField(allow_null=True)
    done = serializers.BooleanField()
    variance_days = serializers.IntegerField(allow_null=True)
    variance_share = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    late = serializers.BooleanField()


class SelfRatedSerializer(serializers.Serializer):
    month = serializers.CharField()
    light = serializers.CharField()
    comment = serializers.CharField()
    filed_by_name = serializers.CharField(source="filed_by.name")
    filed_at = serializers.DateTimeField()


class ProjectStatusSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project.pk")
    code = serializers.CharField(source="project.code")
    name = serializers.CharField(source="project.name")
    owner_org = serializers.IntegerField(source="project.owner_org_id")
    owner_org_name = serializers.CharField(source="project.owner_org.name")
    stage = serializers.CharField(source="project.stage")
    computed = serializers.CharField(allow_null=True)
    computed_reasons = ReasonSerializer(source="reasons", many=True)
    self_rated = SelfRatedSerializer(allow_null=True)
    optimistic = serializers.BooleanField()
    missing_rating = serializers.BooleanField()
    last_grade = serializers.CharField(source="grade")
    risk_flags = serializers.ListField(child=serializers.CharField())


class ProjectStatusDetailSerializer(ProjectStatusSerializer):
    milestones = MilestoneVarianceSerializer(many=True)
    approved_budget = serializers.DecimalField(
        source="project.approved_budget", max_digits=16, decimal_places=2, allow_null=True
    )
    spent = serializers.DecimalField(source="project.spent", max_digits=16, decimal_places=2, allow_null=True)
    execution = serializers.DecimalField(source="facts.execution", max_digits=8, decimal_places=1, allow_null=True)
    elapsed = serializers.DecimalField(source="facts.elapsed", max_digits=8, decimal_places=1, allow_null=True)


class CoverageProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="project.pk")
    code = serializers.CharField(source="project.code")
    name = serializers.CharField(source="project.name")
    owner_org_name = serializers.CharField(source="project.owner_org.name")
    stage = serializers.CharField(source="project.stage")
    budget_requested = serializers.DecimalField(
        source="project.budget_requested", max_digits=16, decimal_places=2, allow_null=True
    )
    approved_budget = serializers.DecimalField(
        source="project.approved_budget", max_digits=16, decimal_places=2, allow_null=True
    )
    spent = serializers.DecimalField(source="project.spent", max_digits=16, decimal_places=2, allow_null=True)
    computed = serializers.CharField(allow_null=True)


class CoverageTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    lead_org_name = serializers.CharField(source="lead_org.name")
    status = serializers.CharField()
    light = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)


class CoverageItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    gap = serializers.BooleanField()
    projects = CoverageProjectSerializer(many=True)
    tasks = CoverageTaskSerializer(many=True)


class CoverageSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    plan_name = serializers.CharField()
    goals = CoverageItemSerializer(many=True)
    scenarios = CoverageItemSerializer(many=True)
    gaps = serializers.DictField()
    unlinked = serializers.ListField(child=serializers.DictField())
