"""The pre-review API: ``review-rules`` (versioned), ``reviews`` (assignments and expert reviews),
and the report endpoints on a project (``projects/{id}/prereview/`` and its actions, mounted by
``ProjectViewSet``). Declarations over the services and selectors of ``projects.prereview``."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portfolio.api.serializers import VisibleModelSerializer, VisiblePrimaryKeyRelatedField
from portfolio.api.viewsets import ScopedModelViewSet
from portfolio.models import Role, User
from portfolio.visibility import VisibleFilterSet
from projects.filters import OrderingFilter
from projects.models import Project
from projects.prereview import facts, selectors, services
from projects.prereview.models import MAX_SCORE, Criterion, ExpertReview, Opinion, ReviewRule, RuleVersion
from projects.prereview.permissions import reads_reports

NOT_FOUND = OpenApiResponse(description="No such object, or not visible to the caller.")
REFUSED = OpenApiResponse(description="The caller may see it but not do this.")
CONFLICT = OpenApiResponse(description="Not allowed in the current stage or status (the answer names it).")


# --- Rules ----------------------------------------------------------------------------------------


class ConditionSerializer(serializers.Serializer):
    fact = serializers.ChoiceField(choices=list(facts.FACTS), help_text="A field or derived fact of the proposal.")
    operator = serializers.CharField(help_text="eq ne lt le gt ge in is_true is_false (or = ≠ < ≤ > ≥).")
    value = serializers.JSONField(
        allow_null=True,
        required=False,
        help_text="A number, text, or a list for `in`; amounts in yuan as text; none for is_true/is_false.",
    )
    text = serializers.CharField(read_only=True, help_text="The condition in words.")


class RuleVersionSerializer(VisibleModelSerializer):
    criterion_label = serializers.CharField(source="get_criterion_display", read_only=True)
    created_by_name = serializers.CharField(source="created_by.name", read_only=True, default=None)
    conditions = serializers.SerializerMethodField()

    class Meta:
        model = RuleVersion
        fields = [
            "number",
            "name",
            "description",
            "conditions",
            "criterion",
            "criterion_label",
            "points",
            "red_line",
            "note",
            "created_by",
            "created_by_name",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ConditionSerializer(many=True))
    def get_conditions(self, version) -> list[dict]:
        return [{**condition, "text": facts.describe(condition)} for condition in version.conditions]


class ReviewRuleSerializer(serializers.Serializer):
    """A rule as it reads now (its current version), and what a manager writes to change it. A change
    of what it says writes a new version; the old ones stay (``versions/``)."""

    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True, help_text="The current version's number.")
    is_active = serializers.BooleanField(required=False, help_text="False: kept with its versions, not used.")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    conditions = serializers.JSONField(
        required=False, help_text='All must hold: [{"fact": "budget_requested", "operator": "ge", "value": "300000"}].'
    )
    criterion = serializers.ChoiceField(choices=Criterion.choices, required=False)
    criterion_label = serializers.CharField(read_only=True)
    points = serializers.IntegerField(required=False, help_text="−100 to 100; 0 for a red line.")
    red_line = serializers.BooleanField(required=False, help_text="Blocks approval until a manager overrides it.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, write_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    updated_by_name = serializers.CharField(read_only=True, allow_null=True)

    def to_representation(self, rule):
        current = rule.current
        return {
            "id": rule.pk,
            "version": rule.version,
            "is_active": rule.is_active,
            "name": current.name,
            "description": current.description,
            "conditions": [{**c, "text": facts.describe(c)} for c in current.conditions],
            "criterion": current.criterion,
            "criterion_label": str(current.get_criterion_display()),
            "points": current.points,
            "red_line": current.red_line,
            "updated_at": current.created_at.isoformat(),
            "updated_by_name": current.created_by.name if current.created_by_id else None,
        }


class FactSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["money", "integer", "share", "boolean", "choice"])
    source = serializers.ChoiceField(choices=["proposal", "check", "reviews"])
    unit = serializers.CharField()
    operators = serializers.ListField(child=serializers.DictField())
    choices = serializers.ListField(child=serializers.DictField())


class ReviewRuleFilter(VisibleFilterSet):
    criterion = django_filters.ChoiceFilter(
        choices=Criterion.choices, method="filter_current", label=gettext_lazy("Criterion")
    )
    red_line = django_filters.BooleanFilter(method="filter_current", label=gettext_lazy("Red line"))

    class Meta:
        model = ReviewRule
        fields = ["is_active", "criterion", "red_line"]

    def filter_current(self, queryset, name, value):
        return queryset.filter(versions__number=F("version"), **{f"versions__{name}": value})


class ReviewRuleViewSet(ScopedModelViewSet):
    queryset = ReviewRule.objects.prefetch_related("versions__created_by").order_by("pk")
    serializer_class = ReviewRuleSerializer
    filterset_class = ReviewRuleFilter
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    permission_type_map = {**ScopedModelViewSet.permission_type_map, "versions": "view", "facts": "view"}

    @extend_schema(summary="Add a rule (version 1).", responses={201: ReviewRuleSerializer, 400: None, 403: REFUSED})
    def create(self, request, *args, **kwargs):
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        note, is_active = data.pop("note", ""), data.pop("is_active", True)
        data.setdefault("red_line", False)
        rule = services.create_rule(by=request.user, note=note, **data)
        if not is_active:
            rule = services.update_rule(rule, by=request.user, is_active=False)
        return Response(self.get_serializer(self._reloaded(rule)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a rule: a change of what it says writes a new version; `is_active` takes it out of use.",
        responses={200: ReviewRuleSerializer, 400: None, 403: REFUSED, 404: NOT_FOUND},
    )
    def update(self, request, *args, **kwargs):
        rule = self.get_object()
        given = self.get_serializer(rule, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        rule = services.update_rule(rule, by=request.user, note=data.pop("note", ""), **data)
        return Response(self.get_serializer(self._reloaded(rule)).data)

    @extend_schema(
        summary="Take a rule out of use (it is kept, with its versions, for the reports that used it).",
        responses={204: None, 403: REFUSED, 404: NOT_FOUND},
    )
    def destroy(self, request, *args, **kwargs):
        services.update_rule(self.get_object(), by=request.user, is_active=False)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _reloaded(self, rule):
        return self.get_queryset().get(pk=rule.pk)

    @extend_schema(
        summary="Every version of the rule, oldest first.", responses={200: RuleVersionSerializer(many=True)}
    )
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        rule = self.get_object()
        versions = rule.versions.select_related("created_by").order_by("number")
        return Response(RuleVersionSerializer(versions, many=True).data)

    @extend_schema(
        summary="The fields and derived facts a rule may test, with their operators and values.",
        responses={200: FactSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], pagination_class=None)  # the whole catalogue, a plain list
    def facts(self, request):
        return Response(facts.catalogue())


# --- Expert reviews -------------------------------------------------------------------------------


def _scores_field():
    return serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_SCORE),
        required=False,
        help_text='{"innovation": 8, "demonstration": 7, "impact": 9, "reuse": 6, "compliance": 8}, each 0–10.',
    )


class ExpertReviewSerializer(VisibleModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    reviewer_name = serializers.CharField(source="reviewer.name", read_only=True)
    reviewer_org_name = serializers.CharField(source="reviewer.organization.name", read_only=True, default=None)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    opinion_label = serializers.CharField(source="get_opinion_display", read_only=True)
    round = serializers.IntegerField(source="prereview_id", read_only=True)
    round_open = serializers.BooleanField(source="prereview.is_open", read_only=True)
    total = serializers.IntegerField(read_only=True, allow_null=True)
    scores = _scores_field()

    class Meta:
        model = ExpertReview
        fields = [
            "id",
            "project",
            "project_code",
            "project_name",
            "round",
            "round_open",
            "reviewer",
            "reviewer_name",
            "reviewer_org_name",
            "status",
            "status_label",
            "scores",
            "total",
            "opinion",
            "opinion_label",
            "comment",
            "assigned_by",
            "assigned_at",
            "submitted_at",
        ]
        read_only_fields = ["project", "reviewer", "status", "assigned_by", "assigned_at", "submitted_at"]
        extra_kwargs = {"opinion": {"required": False}, "comment": {"required": False}}


class AssignSerializer(serializers.Serializer):
    project = VisiblePrimaryKeyRelatedField(queryset=Project.objects.all(), label=gettext_lazy("project"))
    reviewer = VisiblePrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.REVIEWER), label=gettext_lazy("reviewer")
    )


class ReviewInputSerializer(serializers.Serializer):
    scores = _scores_field()
    opinion = serializers.ChoiceField(choices=Opinion.choices, required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=services.COMMENT_MAX_LENGTH)


class ExpertReviewFilter(VisibleFilterSet):
    search = django_filters.CharFilter(method="filter_search", label=gettext_lazy("Search"), max_length=100)
    ordering = OrderingFilter(
        fields=(("assigned_at", "assigned_at"), ("submitted_at", "submitted_at")),
        field_labels={"assigned_at": gettext_lazy("Assigned at"), "submitted_at": gettext_lazy("Submitted at")},
        label=gettext_lazy("Order by"),
    )

    class Meta:
        model = ExpertReview
        fields = ["project", "reviewer", "status", "opinion", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(project__name__icontains=value) | Q(project__code__icontains=value))


class ExpertReviewViewSet(ScopedModelViewSet):
    """Assignments and expert reviews. The portfolio office assigns (POST) and withdraws (DELETE,
    while not submitted); the assigned reviewer saves a draft (PATCH) and submits (``submit/``)."""

    queryset = ExpertReview.objects.select_related("project", "reviewer__organization", "prereview").order_by(
        "-assigned_at", "-pk"
    )
    serializer_class = ExpertReviewSerializer
    filterset_class = ExpertReviewFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_type_map = {**ScopedModelViewSet.permission_type_map, "submit": "change"}

    @extend_schema(
        summary="Assign a reviewer to a proposal in pre-review (the portfolio office).",
        request=AssignSerializer,
        responses={201: ExpertReviewSerializer, 400: None, 403: REFUSED, 409: CONFLICT},
    )
    def create(self, request, *args, **kwargs):
        given = AssignSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        review = services.assign_reviewer(
            given.validated_data["project"], given.validated_data["reviewer"], by=request.user
        )
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Save a draft of the review (the assigned reviewer, until it is submitted).",
        request=ReviewInputSerializer,
        responses={200: ExpertReviewSerializer, 400: None, 403: REFUSED, 404: NOT_FOUND, 409: CONFLICT},
    )
    def partial_update(self, request, *args, **kwargs):
        return self._save(request, submit=False)

    @extend_schema(
        summary="Submit the review: every criterion scored 0–10, an opinion and a comment. Read-only afterwards.",
        request=ReviewInputSerializer,
        responses={200: ExpertReviewSerializer, 400: None, 403: REFUSED, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._save(request, submit=True)

    def _save(self, request, *, submit: bool):
        review = self.get_object()
        given = ReviewInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        review = services.save_review(review, by=request.user, submit=submit, **given.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(
        summary="Withdraw an assignment that has not been submitted (the portfolio office).",
        responses={204: None, 403: REFUSED, 404: NOT_FOUND, 409: CONFLICT},
    )
    def destroy(self, request, *args, **kwargs):
        services.withdraw_review(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The report (actions of ProjectViewSet) -------------------------------------------------------


class FiredRuleSerializer(serializers.Serializer):
    rule = serializers.IntegerField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    criterion = serializers.ChoiceField(choices=Criterion.choices)
    points = serializers.IntegerField()
    value = serializers.JSONField(help_text="The value the rule saw (of its first condition).")
    conditions = serializers.ListField(child=serializers.DictField(), help_text="Each condition and the value seen.")
    explanation = serializers.CharField()


class RuleScoreSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_criterion = serializers.DictField(child=serializers.IntegerField())
    fired = FiredRuleSerializer(many=True)
    rules_used = serializers.ListField(child=serializers.DictField(), help_text="[{rule, version, name}]")


class RedLineSerializer(FiredRuleSerializer):
    overridden = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True, help_text="The override's written reason.")
    overridden_by = serializers.IntegerField(allow_null=True)
    overridden_by_name = serializers.CharField(allow_null=True)
    overridden_at = serializers.DateTimeField(allow_null=True)


class MatchSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["project", "system", "data"])
    id = serializers.IntegerField()
    name = serializers.CharField()
    org = serializers.IntegerField()
    org_name = serializers.CharField()
    similarity = serializers.FloatField()
    shared = serializers.ListField(child=serializers.CharField())
    functions = serializers.ListField(child=serializers.DictField(), help_text="[{proposal, existing, similarity}]")


class DuplicateSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["duplicate", "partial", "clear"])
    verdict_label = serializers.CharField()
    confidence = serializers.FloatField()
    overlap = serializers.FloatField()
    suggested_cut = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    matches = MatchSerializer(many=True)
    main_match = MatchSerializer(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    checked_at = serializers.DateTimeField(allow_null=True)


class RecommendationSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["approve", "approve_with_cut", "return", "reject"])
    action_label = serializers.CharField()
    cut = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    blocked = serializers.BooleanField(help_text="A red line stands: approve would be refused.")


class PrereviewReportSerializer(serializers.Serializer):
    """DESIGN.md's pre-review report (schema documentation; the answer is built by the report module)."""

    project = serializers.DictField()
    round = serializers.DictField()
    evaluated_at = serializers.DateTimeField()
    facts = serializers.ListField(child=serializers.DictField())
    rule_score = RuleScoreSerializer()
    red_lines = RedLineSerializer(many=True)
    duplicate = DuplicateSerializer(allow_null=True)
    reviews = serializers.ListField(child=serializers.DictField())
    review_summary = serializers.DictField()
    recommendation = RecommendationSerializer()


class OverrideInputSerializer(serializers.Serializer):
    rule = VisiblePrimaryKeyRelatedField(queryset=ReviewRule.objects.all(), label=gettext_lazy("rule"))
    reason = serializers.CharField(label=gettext_lazy("reason"), allow_blank=True)


class PrereviewActions:
    """The report endpoints, mixed into ``ProjectViewSet`` (``projects/{id}/prereview/…``)."""

    prereview_permissions = {"prereview": "view", "prereview_rescore": "view", "prereview_override": "view"}

    @extend_schema(
        summary="The pre-review report: rule score, red lines, duplicate check, expert reviews, recommendation.",
        description=(
            "Live while the project is in pre-review (evaluated with the rules in use); as frozen when the round "
            "closed otherwise. `?round=ID` shows an earlier round. For the portfolio office, supervisors and finance."
        ),
        responses={200: PrereviewReportSerializer, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def prereview(self, request, pk=None):
        project = self.get_object()
        if not reads_reports(request.user):
            raise PermissionDenied(_("The pre-review report is for the portfolio office."))
        round_id = request.query_params.get("round")
        _round, data = selectors.report_of(project, round_id if str(round_id or "").isdigit() else None)
        if data is None:
            raise Http404(_("This project has not been through pre-review yet."))
        return Response(data)

    @extend_schema(
        summary="Run the duplicate check again and score with the rules in use (the portfolio office).",
        request=None,
        responses={200: PrereviewReportSerializer, 403: REFUSED, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="prereview/rescore", url_name="prereview-rescore")
    def prereview_rescore(self, request, pk=None):
        assessment = services.rescore(self.get_object(), by=request.user)
        return Response(assessment.as_dict())

    @extend_schema(
        summary="Override a red line standing against the proposal, with a written reason (the portfolio office).",
        request=OverrideInputSerializer,
        responses={200: PrereviewReportSerializer, 400: None, 403: REFUSED, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="prereview/overrides", url_name="prereview-override")
    def prereview_override(self, request, pk=None):
        project = self.get_object()
        given = OverrideInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.override_red_line(
            project, given.validated_data["rule"], by=request.user, reason=given.validated_data["reason"]
        )
        _round, data = selectors.report_of(project)
        return Response(data)
