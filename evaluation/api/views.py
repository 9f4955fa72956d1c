from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from evaluation import filters, selectors, services
from evaluation.api import serializers
from evaluation.api.parsers import BulkJSONParser
from evaluation.api.renderers import CsvRenderer, FastJSONRenderer, XlsxRenderer
from evaluation.budget import Policy
from evaluation.ingest import read_sheet
from evaluation.models import (
    BudgetPolicy,
    BudgetRequest,
    Evaluation,
    Filing,
    Indicator,
    Measurement,
    Rating,
    Rectification,
    Spending,
    Ticket,
)
from portfolio.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from portfolio.uploads import refused_upload_message
from projects.models import Project

BULK_DOC = (
    "Send one object to file one record, or a JSON list to file many at once (up to 200,000). "
    "A bad row refuses the whole list (400, each message naming its row) unless "
    "`?skip_bad_rows=true`, which stores the good rows and reports the skipped ones."
)


class IndicatorViewSet(ScopedModelViewSet):
    queryset = Indicator.objects.select_related("domain").prefetch_related("tier_targets")
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    search_fields = ["code", "name", "description"]
    ordering_fields = ["order", "code", "name", "weight"]

    def perform_create(self, serializer):
        serializer.instance = self._save(Indicator(), serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer.instance, serializer.validated_data)

    def _save(self, indicator, data):
        data = dict(data)
        targets = data.pop("tier_targets", None)
        for name, value in data.items():
            setattr(indicator, name, value)
        return services.save_indicator(indicator, by=self.request.user, targets=targets)

    def perform_destroy(self, instance):
        if instance.is_builtin:
            raise ValidationError(
                {"non_field_errors": [_("A built-in indicator cannot be deleted; mark it not in use.")]}
            )
        try:
            instance.delete()
        except ProtectedError:
            raise ValidationError(
                {"non_field_errors": [_("Values were filed for this indicator; mark it not in use instead.")]}
            ) from None


class OperatingDataViewSet(ScopedModelViewSet):
    """Operating data of projects in operation: one record or a JSON list; files at ``upload/``."""

    kind = ""
    parser_classes = [BulkJSONParser, MultiPartParser, FormParser]
    permission_type_map = {**ScopedModelViewSet.permission_type_map, "upload": "add"}

    def get_queryset(self):
        return super().get_queryset().select_related("project")

    @extend_schema(description=BULK_DOC, parameters=[OpenApiParameter("skip_bad_rows", OpenApiTypes.BOOL)])
    def create(self, request, *args, **kwargs):
        data = request.data
        single = isinstance(data, dict)
        result = services.file_operating_data(
            self.kind,
            [data] if single else data if isinstance(data, list) else [data],
            by=request.user,
            channel=Filing.Channel.API,
            skip_bad_rows=_flag(request.query_params.get("skip_bad_rows")),
        )
        if single and result.single is not None:
            return Response(self.get_serializer(result.single).data, status=status.HTTP_201_CREATED)
        return Response(result.as_dict(), status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": serializers.UploadSerializer},
        responses={201: serializers.BulkResultSerializer},
        description="File an .xlsx or .csv sheet (header row naming the columns). " + BULK_DOC,
    )
    @action(detail=False, methods=["post"])
    def upload(self, request):
        refused = refused_upload_message(request)
        if refused:
            raise ValidationError({"file": [refused]})
        form = serializers.UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        sheet = read_sheet(form.validated_data["file"], self.kind)
        result = services.file_operating_data(
            self.kind,
            sheet.rows,
            by=request.user,
            channel=Filing.Channel.FILE,
            skip_bad_rows=form.validated_data["skip_bad_rows"],
            sheet=sheet,
        )
        return Response(result.as_dict(), status=status.HTTP_201_CREATED)


def _flag(value) -> bool:
    return str(value).lower() in {"1", "true", "yes", "on"}


class TicketViewSet(OperatingDataViewSet):
    kind = Filing.Kind.TICKETS
    queryset = Ticket.objects.all()
    serializer_class = serializers.TicketSerializer
    filterset_class = filters.TicketFilter
    search_fields = ["title", "project__code", "project__name"]
    ordering_fields = ["received_at", "resolved_at"]


class RatingViewSet(OperatingDataViewSet):
    kind = Filing.Kind.RATINGS
    queryset = Rating.objects.select_related("rectification")
    serializer_class = serializers.RatingSerializer
    filterset_class = filters.RatingFilter
    search_fields = ["comment", "project__code", "project__name"]
    ordering_fields = ["rated_at", "score"]
    http_method_names = ["get", "post", "head", "options"]  # citizens' ratings are never edited


class SpendingViewSet(OperatingDataViewSet):
    kind = Filing.Kind.SPENDING
    queryset = Spending.objects.all()
    serializer_class = serializers.SpendingSerializer
    filterset_class = filters.SpendingFilter
    search_fields = ["purpose", "project__code", "project__name"]
    ordering_fields = ["spent_on", "amount"]


class MeasurementViewSet(OperatingDataViewSet):
    kind = Filing.Kind.MEASUREMENTS
    queryset = Measurement.objects.select_related("indicator")
    serializer_class = serializers.MeasurementSerializer
    filterset_class = filters.MeasurementFilter
    search_fields = ["note", "project__code", "project__name", "indicator__name"]
    ordering_fields = ["period", "value"]


class RectificationViewSet(ScopedReadOnlyViewSet):
    queryset = Rectification.objects.select_related("project", "org", "rating")
    serializer_class = serializers.RectificationSerializer
    filterset_class = filters.RectificationFilter
    search_fields = ["reply", "project__code", "project__name", "rating__comment"]
    ordering_fields = ["due_date", "opened_at", "rated_at"]
    permission_type_map = {**ScopedReadOnlyViewSet.permission_type_map, "close": "change"}

    @extend_schema(request=serializers.ReplySerializer, responses=serializers.RectificationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Answer the poor rating with what was done (整改反馈); closes the rectification."""
        rectification = services.close_rectification(
            self.get_object(), by=request.user, reply=request.data.get("reply", "")
        )
        return Response(self.get_serializer(rectification).data)


class EvaluationViewSet(ScopedReadOnlyViewSet):
    queryset = Evaluation.objects.select_related("project__owner_org", "basis")
    serializer_class = serializers.EvaluationSerializer
    filterset_class = filters.EvaluationFilter
    search_fields = ["project__code", "project__name"]
    ordering_fields = ["period", "score", "grade", "updated_at"]
    permission_type_map = {**ScopedReadOnlyViewSet.permission_type_map, "recompute": "add"}

    @extend_schema(request=serializers.RecomputeSerializer, responses=serializers.EvaluationRunSerializer)
    @action(detail=False, methods=["post"])
    def recompute(self, request):
        """Evaluate the period again now (the nightly job does it too); changes only what changed."""
        form = serializers.RecomputeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        project = form.validated_data.get("project")
        run = services.evaluate_period(form.validated_data["period"], project_ids=[project.pk] if project else None)
        return Response(run.as_dict())


class BudgetRequestViewSet(ScopedModelViewSet):
    queryset = BudgetRequest.objects.select_related("project")
    serializer_class = serializers.BudgetRequestSerializer
    filterset_class = filters.BudgetRequestFilter
    search_fields = ["project__code", "project__name", "note"]
    ordering_fields = ["year", "amount"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        project = get_object_or_404(Project.objects.visible_to(self.request.user), pk=data["project"].pk)
        if not self.request.user.has_perm("evaluation.change_budgetrequest", BudgetRequest(project=project)):
            raise PermissionDenied
        serializer.instance = services.save_budget_request(
            project,
            year=data["year"],
            amount=data["amount"],
            note=data.get("note", ""),
            by=self.request.user,
            replace=False,
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        instance = serializer.instance
        if ("project" in data and data["project"].pk != instance.project_id) or data.get(
            "year", instance.year
        ) != instance.year:
            raise ValidationError({"project": [_("A request's project and year cannot change; file a new one.")]})
        serializer.instance = services.save_budget_request(
            instance.project,
            year=instance.year,
            amount=data.get("amount", instance.amount),
            note=data.get("note", instance.note),
            by=self.request.user,
        )

    def perform_destroy(self, instance):
        services.withdraw_budget_request(instance, by=self.request.user)


class BudgetViewSet(viewsets.GenericViewSet):
    """The results-based budget of a year: ``budget/{year}/`` (JSON, ``?format=xlsx``, ``?format=csv``)."""

    queryset = BudgetPolicy.objects.all()
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    serializer_class = serializers.BudgetReportSerializer
    renderer_classes = [FastJSONRenderer, BrowsableAPIRenderer, XlsxRenderer, CsvRenderer]
    pagination_class = None
    filter_backends = []

    def _year(self) -> int:
        return int(self.kwargs["year"])

    def _require_finance(self):
        if not selectors.can_see_budget(self.request.user):
            raise NotFound
        if not self.request.user.has_perm("evaluation.change_budgetpolicy"):
            raise PermissionDenied(_("Only the finance bureau sets the budget policy and final amounts."))

    @extend_schema(
        responses={200: serializers.BudgetReportSerializer},
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "xlsx", "csv"])],
    )
    def retrieve(self, request, year=None):
        """The report: every line with its evaluation, requested, recommended and final amounts; totals."""
        return Response(selectors.budget_report(self._year(), user=request.user))

    @extend_schema(methods=["GET"], responses=serializers.PolicyReadSerializer)
    @extend_schema(methods=["PUT"], request=serializers.PolicySerializer, responses=serializers.PolicyReadSerializer)
    @action(detail=True, methods=["get", "put"], renderer_classes=[JSONRenderer, BrowsableAPIRenderer])
    def policy(self, request, year=None):
        year = self._year()
        if not request.user.is_authenticated or not request.user.sees_whole_region:
            raise NotFound
        if request.method == "PUT":
            self._require_finance()
            services.set_policy(
                year, envelope=request.data.get("envelope"), factors=request.data.get("factors"), by=request.user
            )
        return self._policy_answer(year)

    def _policy_answer(self, year: int) -> Response:
        saved = BudgetPolicy.objects.select_related("updated_by").filter(year=year).first()
        policy = selectors.policy_for(year)
        return Response(
            {
                "year": year,
                "envelope": None if policy.envelope is None else str(policy.envelope),
                "factors": {grade: str(value) for grade, value in policy.factors.items()},
                "saved": policy.saved,
                "updated_by": str(saved.updated_by) if saved and saved.updated_by else None,
                "updated_at": saved.updated_at if saved else None,
                "closed_at": saved.closed_at if saved else None,
            }
        )

    @extend_schema(request=serializers.PolicySerializer, responses=serializers.BudgetReportSerializer)
    @action(detail=True, methods=["post"], renderer_classes=[FastJSONRenderer, BrowsableAPIRenderer])
    def simulate(self, request, year=None):
        """The report another policy would give; nothing is saved."""
        self._require_finance()
        year = self._year()
        policy = Policy(
            year=year,
            envelope=services.parse_envelope(request.data.get("envelope")),
            factors=services.parse_factors(request.data.get("factors")),
        )
        return Response(selectors.budget_report(year, user=request.user, policy=policy))

    @extend_schema(request=None, responses=serializers.PolicyReadSerializer)
    @action(detail=True, methods=["post"], renderer_classes=[JSONRenderer, BrowsableAPIRenderer])
    def close(self, request, year=None):
        """Close (publish) the year's budget: its policy, requests and final amounts, and the
        evaluations of the year before, no longer change (409 afterwards)."""
        self._require_finance()
        services.close_budget_year(self._year(), by=request.user)
        return self._policy_answer(self._year())

    @extend_schema(request=serializers.AdjustSerializer, responses=serializers.ReportLineSerializer)
    @action(detail=True, methods=["post"], renderer_classes=[JSONRenderer, BrowsableAPIRenderer])
    def adjust(self, request, year=None):
        """Set a line's final amount; different from the recommendation only with a justification."""
        year = self._year()
        form = serializers.AdjustSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if not Project.objects.visible_to(request.user).filter(pk=data["project"]).exists():
            raise NotFound  # another bureau's line reads as no line at all
        self._require_finance()
        budget_request = BudgetRequest.objects.filter(year=year, project_id=data["project"]).first()
        if budget_request is None:
            raise ValidationError({"project": [_("This project has no budget request for %(year)d.") % {"year": year}]})
        services.adjust_budget(
            budget_request,
            final=data["final"],
            justification=data["justification"],
            recommended=selectors.recommended_for(year, budget_request.project_id),
            by=request.user,
        )
        report = selectors.budget_report(year, user=request.user)
        line = next(line for line in report["lines"] if line["project"] == budget_request.project_id)
        return Response(line)
