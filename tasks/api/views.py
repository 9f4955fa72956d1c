from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rules.contrib.rest_framework import AutoPermissionViewSetMixin

from portfolio.api.parsers import JSONParser
from portfolio.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from portfolio.uploads import refused_upload_message
from tasks import selectors, services
from tasks.api import serializers
from tasks.api.renderers import DOCUMENT_RENDERERS
from tasks.bulletin import BulletinExists, generate_bulletin
from tasks.documents import DOCX_TYPE, attachment, document_response
from tasks.filters import NoticeFilter, TaskFilter, WarningFilter
from tasks.lifecycle import Action
from tasks.models import Bulletin, Notice, Task, TaskWarning

CYCLE_ACTIONS = [a.value for a in Action]


def _check_upload(request):
    message = refused_upload_message(request)
    if message:
        raise ValidationError({"files": [message]})


class TaskViewSet(ScopedModelViewSet):
    """Key tasks (重点任务). Owners see their subtree's tasks and those they co-lead or partner on."""

    queryset = Task.objects.all()
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_class = TaskFilter
    search_fields = ["code", "title", "lead_org__name"]
    ordering_fields = ["due_date", "assigned_at", "code", "progress", "status", "light"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    permission_type_map = {
        **AutoPermissionViewSetMixin.permission_type_map,
        **dict.fromkeys(CYCLE_ACTIONS, "view"),
        "board": None,
        "ranking": None,
        "history": "view",
        "reports": "view",
    }

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return (
                selectors.task_detail(self.request.user)
                if self.action == "retrieve"
                else selectors.task_list(self.request.user)
            )
        return super().get_queryset()

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return serializers.TaskWriteSerializer
        if self.action == "retrieve":
            return serializers.TaskDetailSerializer
        return serializers.TaskSerializer

    def _detail(self, task, code=status.HTTP_200_OK):
        task = selectors.task_detail(self.request.user).get(pk=task.pk)
        return Response(serializers.TaskDetailSerializer(task, context={"request": self.request}).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(serializer.save(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        return self._detail(serializer.save())

    def _transition(self, request, name):
        _check_upload(request)
        payload = serializers.FinishSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") if name == Action.FINISH else ()
        task = services.transition(
            self.get_object(), name, by=request.user, comment=payload.validated_data.get("comment", ""), files=files
        )
        return self._detail(task)

    _schema = {"request": serializers.ActionSerializer, "responses": serializers.TaskDetailSerializer}

    @extend_schema(**_schema, summary="签收 Acknowledge (lead organization)")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._transition(request, Action.ACKNOWLEDGE)

    @extend_schema(**_schema, summary="办理 Start work (lead organization)")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(request, Action.START)

    @extend_schema(
        request={"multipart/form-data": serializers.FinishSerializer, "application/json": serializers.ActionSerializer},
        responses=serializers.TaskDetailSerializer,
        summary="反馈办结 Report completion with a comment and optional evidence files",
    )
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        return self._transition(request, Action.FINISH)

    @extend_schema(**_schema, summary="核验销号 Verify and close (supervision office)")
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._transition(request, Action.VERIFY)

    @extend_schema(**_schema, summary="退回 Send a reported task back (supervision office; comment required)")
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        return self._transition(request, Action.SEND_BACK)

    @extend_schema(**_schema, summary="暂缓 Suspend (comment required)")
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._transition(request, Action.SUSPEND)

    @extend_schema(**_schema, summary="恢复 Resume a suspended task")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._transition(request, Action.RESUME)

    @extend_schema(responses=serializers.TransitionSerializer(many=True), summary="The task's cycle history")
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        task = self.get_object()
        rows = task.transitions.select_related("by")
        return Response(serializers.TransitionSerializer(rows, many=True).data)

    @extend_schema(
        methods=["GET"],
        responses=serializers.ProgressReportSerializer(many=True),
        summary="Progress reports (进展填报)",
    )
    @extend_schema(
        methods=["POST"],
        request={
            "multipart/form-data": serializers.ProgressReportSerializer,
            "application/json": serializers.ProgressReportSerializer,
        },
        responses={201: serializers.ProgressReportSerializer},
        summary="File a progress report (lead, co-lead or partner organization)",
    )
    @action(detail=True, methods=["get", "post"])
    def reports(self, request, pk=None):
        task = self.get_object()
        if request.method == "GET":
            reports = task.reports.select_related("org", "by").prefetch_related("evidence", "revisions__by")
            page = self.paginate_queryset(reports)
            return self.get_paginated_response(serializers.ProgressReportSerializer(page, many=True).data)
        _check_upload(request)
        payload = serializers.ProgressReportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        report = services.file_report(
            task,
            by=request.user,
            period=data["period"],
            text=data.get("text", ""),
            percent=data["percent"],
            files=request.FILES.getlist("files"),
            reason=data.get("reason", ""),
        )
        # A second report for the period revises the first: 200, not a new row.
        revised = report.updated_at is not None
        return Response(
            serializers.ProgressReportSerializer(report).data,
            status=status.HTTP_200_OK if revised else status.HTTP_201_CREATED,
        )

    @extend_schema(responses=serializers.BoardSerializer, summary="督办看板: counts per lead organization")
    @action(detail=False, methods=["get"])
    def board(self, request):
        tasks = self.filter_queryset(Task.objects.visible_to(request.user))
        return Response(serializers.BoardSerializer(selectors.board(tasks)).data)

    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM (default: this month)")],
        responses=serializers.RankingSerializer,
        summary="通报: organizations ranked within their region tier for a month",
    )
    @action(detail=False, methods=["get"])
    def ranking(self, request):
        text = request.query_params.get("month")
        month = selectors.parse_month(text) if text else timezone.localdate().replace(day=1)
        if month is None:
            raise ValidationError({"month": [_("Write the month as YYYY-MM, e.g. 2026-05.")]})
        tasks = self.filter_queryset(Task.objects.visible_to(request.user))
        return Response(serializers.RankingSerializer(selectors.ranking_payload(tasks, month)).data)


class WarningViewSet(ScopedReadOnlyViewSet):
    """预警: raised and closed by the overdue scan."""

    queryset = TaskWarning.objects.select_related("task")
    serializer_class = serializers.WarningSerializer
    filterset_class = WarningFilter
    search_fields = ["task__code", "task__title"]
    ordering_fields = ["opened_at", "closed_at", "kind"]


class DocumentActionMixin:
    """A ``document`` action answering ``?format=pdf`` (default) or ``?format=docx``."""

    def perform_content_negotiation(self, request, force=False):
        # ?format= names the document's format there, checked by document_format (400 if unknown).
        return super().perform_content_negotiation(request, force=force or self.action == "document")

    @staticmethod
    def document_format(request) -> str:
        kind = request.query_params.get("format", "pdf")
        if kind not in ("pdf", "docx"):
            raise ValidationError({"format": [_("Choose format=pdf or format=docx.")]})
        return kind


class NoticeViewSet(DocumentActionMixin, ScopedModelViewSet):
    """督办单: issued by the supervision office, replied by the lead organization, closed (销号) or escalated."""

    queryset = Notice.objects.select_related("task", "issued_by")
    serializer_class = serializers.NoticeSerializer
    filterset_class = NoticeFilter
    http_method_names = ["get", "post", "head", "options"]
    search_fields = ["task__code", "task__title", "requirement"]
    ordering_fields = ["issued_at", "reply_due", "status"]
    permission_type_map = {
        **AutoPermissionViewSetMixin.permission_type_map,
        "create": None,  # the service decides (403 for anyone but the supervision office)
        "reply": "view",
        "close": "view",
        "escalate": "view",
        "document": "view",
    }

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        task = get_object_or_404(Task.objects.visible_to(request.user), pk=data["task"].pk)
        notice = services.issue_notice(
            task, by=request.user, requirement=data["requirement"], reply_due=data["reply_due"]
        )
        return Response(self.get_serializer(notice).data, status=status.HTTP_201_CREATED)

    def _answer(self, notice):
        return Response(self.get_serializer(Notice.objects.select_related("task", "issued_by").get(pk=notice.pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["pdf", "docx"])],
        responses={(200, "application/pdf"): bytes, (200, DOCX_TYPE): bytes},
        summary="督办单 as a document",
    )
    @action(detail=True, methods=["get"], renderer_classes=DOCUMENT_RENDERERS)
    def document(self, request, pk=None, format=None):
        """The 督办单 as PDF (default) or as .docx (``?format=docx``) for offices that edit before stamping."""
        notice = self.get_object()
        return document_response(notice, self.document_format(request))

    @extend_schema(request=serializers.NoticeReplySerializer, responses=serializers.NoticeSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        payload = serializers.NoticeReplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._answer(services.reply_notice(self.get_object(), by=request.user, **payload.validated_data))

    @extend_schema(request=serializers.NoticeCloseSerializer, responses=serializers.NoticeSerializer, summary="销号")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        payload = serializers.NoticeCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._answer(services.close_notice(self.get_object(), by=request.user, **payload.validated_data))

    @extend_schema(request=serializers.NoticeEscalateSerializer, responses=serializers.NoticeSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        payload = serializers.NoticeEscalateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._answer(services.escalate_notice(self.get_object(), by=request.user, **payload.validated_data))


class BulletinViewSet(DocumentActionMixin, viewsets.ReadOnlyModelViewSet):
    """督查通报: the monthly supervision bulletins, numbered and archived; ``generate/`` issues one."""

    serializer_class = serializers.BulletinSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["year"]
    ordering_fields = ["month"]

    def get_queryset(self):
        return Bulletin.objects.visible_to(self.request.user).defer("docx", "pdf")

    @extend_schema(request=serializers.BulletinGenerateSerializer, responses={201: serializers.BulletinSerializer})
    @action(detail=False, methods=["post"])
    def generate(self, request):
        payload = serializers.BulletinGenerateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            bulletin = generate_bulletin(payload.validated_data["month"], by=request.user)
        except BulletinExists as exists:
            return Response(
                {
                    "detail": _("The bulletin for this month was already issued as %(number)s.")
                    % {"number": exists.bulletin.number},
                    "bulletin": serializers.BulletinSerializer(exists.bulletin, context={"request": request}).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            serializers.BulletinSerializer(bulletin, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["pdf", "docx"])],
        responses={(200, "application/pdf"): bytes, (200, DOCX_TYPE): bytes},
    )
    @action(detail=True, methods=["get"], renderer_classes=DOCUMENT_RENDERERS)
    def document(self, request, pk=None, format=None):
        kind = self.document_format(request)
        bulletin = get_object_or_404(Bulletin.objects.visible_to(request.user), pk=pk)
        body = bytes(bulletin.pdf if kind == "pdf" else bulletin.docx)
        return attachment(body, "application/pdf" if kind == "pdf" else DOCX_TYPE, f"{bulletin.number}.{kind}")
