"""The cockpit's API: roll-ups, plan coverage, project status, monthly self-ratings, projects at risk."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cockpit import selectors, services
from cockpit.api import serializers
from cockpit.exports import at_risk_response
from cockpit.filters import RollupFilter, StatusReportFilter
from cockpit.models import StatusReport
from cockpit.ordering import order_risks
from cockpit.permissions import sees_money
from portfolio.api.viewsets import VisibleQuerysetMixin
from portfolio.models import Plan
from projects.models import Project


class CockpitAPIView(APIView):
    permission_classes = [IsAuthenticated]

    def check_role(self, request):
        if request.user.role == "reviewer":
            raise Http404  # reviewers see the proposals assigned to them, nothing of the portfolio


def filtered_projects(request):
    """The visible projects narrowed by the roll-up's filters — the project list's own FilterSet, so
    a foreign organization's id is refused exactly like one that does not exist."""
    data = {name: request.query_params.get(name) for name in selectors.FILTERS if request.query_params.get(name)}
    visible = Project.objects.visible_to(request.user)
    if not data:
        return visible, data
    filterset = RollupFilter(data, queryset=visible, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs, data


class RollupView(CockpitAPIView):
    @extend_schema(
        summary="Counts and money by one dimension, each row with the list behind it.",
        parameters=[
            OpenApiParameter("by", str, enum=sorted(selectors.DIMENSIONS), required=True),
            OpenApiParameter("budget_year", int, description="the operating budget's year (default: next year)"),
            *[OpenApiParameter(name, OpenApiTypes.INT) for name in selectors.FILTERS],
        ],
        responses={200: serializers.RollupSerializer},
    )
    def get(self, request):
        self.check_role(request)
        query = serializers.RollupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        projects, filters = filtered_projects(request)
        data = selectors.rollup(
            projects,
            query.validated_data["by"],
            filters=filters,
            with_money=sees_money(request.user),
            year=query.validated_data.get("budget_year"),
        )
        return Response(serializers.RollupSerializer(data).data)


def coverage_data(coverage) -> dict:
    def item(entry, key):
        obj = entry[key]
        return {
            "id": obj.pk,
            "title": obj.title,
            "gap": entry["gap"],
            "projects": entry["projects"],
            "tasks": entry["tasks"],
        }

    goals = [item(e, "goal") for e in coverage["goals"]]
    scenarios = [item(e, "scenario") for e in coverage["scenarios"]]
    return {
        "plan": coverage["plan"].pk,
        "plan_name": coverage["plan"].name,
        "goals": goals,
        "scenarios": scenarios,
        "gaps": {"goals": [g["id"] for g in goals if g["gap"]], "scenarios": [s["id"] for s in scenarios if s["gap"]]},
        "unlinked": [{"id": p.pk, "code": p.code, "name": p.name} for p in coverage["unlinked"]],
    }


class CoverageView(CockpitAPIView):
    @extend_schema(
        summary="The plan's goals and scenario list with the projects and tasks serving each, and the gaps.",
        responses={200: serializers.CoverageSerializer},
    )
    def get(self, request, pk):
        self.check_role(request)
        plan = get_object_or_404(Plan, pk=pk)
        return Response(serializers.CoverageSerializer(coverage_data(selectors.coverage(plan, request.user))).data)


class ProjectStatusView(CockpitAPIView):
    @extend_schema(
        summary="Computed status with its reasons, the owner's self-rating, the optimism flag, milestone variance.",
        responses={200: serializers.ProjectStatusDetailSerializer},
    )
    def get(self, request, pk):
        self.check_role(request)
        project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
        return Response(serializers.ProjectStatusDetailSerializer(selectors.project_status(project)).data)


class AtRiskView(CockpitAPIView):
    @extend_schema(
        summary="Projects at risk: computed red, rated too optimistically, missing the month's rating, grade D.",
        parameters=[
            OpenApiParameter("ordering", str, description="risk (default), code, name, org, computed, grade; -name …"),
            OpenApiParameter("format", str, enum=["json", "xlsx"]),
        ],
        responses={200: serializers.ProjectStatusSerializer(many=True)},
    )
    def get(self, request):
        self.check_role(request)
        risks = order_risks(selectors.at_risk(request.user), request.query_params.get("ordering"))
        if request.query_params.get("format") == "xlsx":
            return at_risk_response(risks)
        return Response(serializers.ProjectStatusSerializer(risks, many=True).data)


class StatusReportViewSet(
    VisibleQuerysetMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Monthly self-ratings (自评): owners file them; everyone reads those of the projects they see."""

    queryset = StatusReport.objects.select_related("filed_by")
    serializer_class = serializers.StatusReportSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = StatusReportFilter

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)  # project: one the caller sees (visible field)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.file_status_report(
            data["project"], by=request.user, month=data["month"], light=data["light"], comment=data["comment"]
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)
