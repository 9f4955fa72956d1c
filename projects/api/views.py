"""The projects API: projects (CRUD within permissions, one POST per lifecycle action, history),
milestones, attachments and gate records. Declarations over services and selectors."""

from django.core.exceptions import ValidationError
from django.utils import translation
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from portfolio.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from portfolio.uploads import download_response, refused_upload_message
from projects import selectors, services
from projects.api import serializers
from projects.api.prereview import PrereviewActions
from projects.filters import AttachmentFilter, GateRecordFilter, MilestoneFilter, ProjectFilter
from projects.lifecycle import Action
from projects.models import Attachment, GateRecord, Milestone, Project

ERRORS = {
    400: OpenApiResponse(description="What the action lacks, per field: {field: [messages]}."),
    403: OpenApiResponse(serializers.ErrorSerializer, description="The caller may see the project but not act."),
    404: OpenApiResponse(serializers.ErrorSerializer, description="No such project, or not visible to the caller."),
}


def attribute_name(action_code: str) -> str:
    return "return_" if action_code == Action.RETURN else str(action_code)


def lifecycle_endpoint(action_code: str):
    """``POST /projects/{id}/<action-with-dashes>/``: take one lifecycle action through the service."""
    input_serializer = (
        serializers.ApproveInputSerializer if action_code == Action.APPROVE else serializers.TransitionInputSerializer
    )

    def endpoint(self, request, pk=None):
        project = self.get_object()
        given = input_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        record = services.transition(project, action_code, by=request.user, **given.validated_data)
        return Response(self.get_serializer(record.project).data)

    endpoint.__name__ = attribute_name(action_code)
    endpoint = action(
        detail=True,
        methods=["post"],
        url_path=action_code.replace("_", "-"),
        url_name=action_code.replace("_", "-"),
    )(endpoint)
    with translation.override("en"):  # the schema is written in English, whoever loads the module first
        label = str(Action(action_code).label)
    return extend_schema(
        summary=f"{label} ({action_code})",
        description=(
            "Take this lifecycle action. 409 if the current stage does not allow it (the answer names the "
            "stage and the actions allowed), 403 if the caller may not take it, 400 with per-field messages "
            "if it lacks what it needs."
        ),
        request=input_serializer,
        responses={
            200: serializers.ProjectDetailSerializer,
            **ERRORS,
            409: OpenApiResponse(serializers.InvalidTransitionSerializer, description="Not allowed from this stage."),
        },
    )(endpoint)


class ProjectViewSet(PrereviewActions, ScopedModelViewSet):
    queryset = Project.objects.all()
    serializer_class = serializers.ProjectDetailSerializer
    filter_backends = [DjangoFilterBackend]  # search and ordering are part of the shared ProjectFilter
    filterset_class = ProjectFilter
    permission_type_map = {
        **ScopedModelViewSet.permission_type_map,
        "history": "view",
        "changes": "view",
        "totals": None,  # a list's totals: the visible rows only, like the list itself
        # The lifecycle service decides who may act (403) and when (409); the project must be visible.
        **{attribute_name(code): "view" for code in Action.values},
        **PrereviewActions.prereview_permissions,
    }

    def get_queryset(self):
        return super().get_queryset().with_names().prefetch_related("systems")

    def get_serializer_class(self):
        return serializers.ProjectSerializer if self.action == "list" else serializers.ProjectDetailSerializer

    def perform_create(self, serializer):
        serializer.instance = services.create_project(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_project(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_project(instance, by=self.request.user)

    @extend_schema(
        summary="Totals of the filtered list: count, requested, approved, spent and operating money.",
        responses={200: serializers.ListTotalsSerializer},
    )
    @action(detail=False, methods=["get"])
    def totals(self, request):
        totals = selectors.list_totals(self.filter_queryset(self.get_queryset()))
        data = {"count": totals["count"], "requested": totals["requested"], "approved": totals["approved"]}
        data.update({extra["key"]: extra["value"] for extra in totals["more"]})
        return Response(serializers.ListTotalsSerializer(data).data)

    @extend_schema(
        summary="The project's timeline: every lifecycle action taken, oldest first.",
        responses={200: serializers.TransitionRecordSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        project = self.get_object()
        return Response(serializers.TransitionRecordSerializer(selectors.timeline(project), many=True).data)

    @extend_schema(
        summary="Who changed which field of the project, oldest first.",
        responses={200: serializers.EditSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def changes(self, request, pk=None):
        project = self.get_object()
        return Response(serializers.EditSerializer(selectors.field_changes(project), many=True).data)

    submit = lifecycle_endpoint(Action.SUBMIT)
    start_review = lifecycle_endpoint(Action.START_REVIEW)
    return_ = lifecycle_endpoint(Action.RETURN)
    reject = lifecycle_endpoint(Action.REJECT)
    approve = lifecycle_endpoint(Action.APPROVE)
    start = lifecycle_endpoint(Action.START)
    request_acceptance = lifecycle_endpoint(Action.REQUEST_ACCEPTANCE)
    accept = lifecycle_endpoint(Action.ACCEPT)
    fail_acceptance = lifecycle_endpoint(Action.FAIL_ACCEPTANCE)
    terminate = lifecycle_endpoint(Action.TERMINATE)


class MilestoneViewSet(ScopedModelViewSet):
    queryset = Milestone.objects.select_related("project")
    serializer_class = serializers.MilestoneSerializer
    filterset_class = MilestoneFilter
    search_fields = ["name", "explanation"]
    ordering_fields = ["planned_date", "forecast_date", "actual_date", "order"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        project = data.pop("project")
        serializer.instance = services.add_milestone(project, by=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = services.update_milestone(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_milestone(instance, by=self.request.user)


class AttachmentViewSet(ScopedModelViewSet):
    queryset = Attachment.objects.select_related("uploaded_by")
    serializer_class = serializers.AttachmentSerializer
    filterset_class = AttachmentFilter
    search_fields = ["name"]
    ordering_fields = ["uploaded_at", "name", "size"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    permission_type_map = {**ScopedModelViewSet.permission_type_map, "download": "view"}

    @extend_schema(
        summary="Attach a file (multipart: project, kind, file). Its type is judged by its content.",
        request={"multipart/form-data": serializers.AttachmentUploadSerializer},
        responses={201: serializers.AttachmentSerializer, **ERRORS, 409: serializers.InvalidTransitionSerializer},
    )
    def create(self, request, *args, **kwargs):
        refused = refused_upload_message(request)
        if refused is None:
            upload = serializers.AttachmentUploadSerializer(data=request.data, context=self.get_serializer_context())
            if not upload.is_valid():
                refused = refused_upload_message(request)  # the size limit may have cut the file off
                if refused is None:
                    return Response(upload.errors, status=status.HTTP_400_BAD_REQUEST)
        if refused is not None:
            raise ValidationError({"file": refused})
        data = upload.validated_data
        attachment = services.add_attachment(data["project"], by=request.user, kind=data["kind"], file=data["file"])
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_attachment(instance, by=self.request.user)

    @extend_schema(
        summary="Download the file (as an attachment, never displayed inline).",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment = self.get_object()
        return download_response(
            attachment.stored_name, display_name=attachment.name, content_type=attachment.content_type
        )


class GateRecordViewSet(ScopedReadOnlyViewSet):
    queryset = GateRecord.objects.select_related("decided_by")
    serializer_class = serializers.GateRecordSerializer
    filterset_class = GateRecordFilter
    ordering_fields = ["decided_at"]
