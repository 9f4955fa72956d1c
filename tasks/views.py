"""Pages of the tasks app: the task list, a task with its history, reports, notices, the board,
the ranking, exports and the managers' Excel import. Business rules live in the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portfolio.uploads import download_response, refused_upload_message
from portfolio.workflow import ActionNotPermitted, InvalidTransition, RequirementsNotMet, WorkflowError
from tasks import documents, exports, forms, selectors, services
from tasks.filters import NoticeFilter, TaskFilter
from tasks.importing import ImportFileError
from tasks.lifecycle import TRANSITIONS, Action, NoticeStatus, Status, WarningKind
from tasks.models import Evidence, Notice, Task
from tasks.permissions import is_task_lead, is_task_partner

BOARD_ROLES = ("supervisor", "manager", "finance")


def _role(user) -> str:
    return services.role_of(user)


def _require(user, roles):
    if _role(user) not in roles:
        raise PermissionDenied


def _apply_errors(form, error: RequirementsNotMet) -> None:
    for name, messages_ in error.errors.items():
        form.add_error(name if name in form.fields else None, messages_)


def _querystring(request, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


# --- Lists ---------------------------------------------------------------------------------------
@login_required
def task_list(request):
    if _role(request.user) == "reviewer":
        raise PermissionDenied
    filterset = TaskFilter(request.GET or None, queryset=selectors.task_list(request.user), request=request)
    tasks = filterset.qs if filterset.is_bound and filterset.is_valid() else selectors.task_list(request.user)
    ordering = request.GET.get("ordering")
    if ordering in ("due_date", "-due_date", "code", "-progress", "-updated_at"):
        tasks = tasks.order_by(ordering, "pk")
    page = Paginator(tasks, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/task_list.html",
        {
            "filter": filterset if filterset.is_bound else TaskFilter(queryset=tasks, request=request),
            "page": page,
            "query": _querystring(request),
            "export_query": _querystring(request, drop=("page",)),
            "can_assign": _role(request.user) in ("manager", "supervisor"),
            "today": timezone.localdate(),
        },
    )


@login_required
def export_tasks(request):
    filterset = TaskFilter(request.GET or None, queryset=selectors.task_list(request.user), request=request)
    tasks = filterset.qs if filterset.is_bound and filterset.is_valid() else selectors.task_list(request.user)
    return exports.xlsx_response(exports.task_workbook(tasks), "tasks")


# --- One task ------------------------------------------------------------------------------------
def _visible_task(request, pk) -> Task:
    return get_object_or_404(selectors.task_detail(request.user), pk=pk)


@login_required
def task_detail(request, pk):
    task = _visible_task(request, pk)
    user = request.user
    role = _role(user)
    action_forms = [
        (action, TRANSITIONS.action_labels[action], forms.ActionForm(prefix=action))
        for action in services.allowed_actions(task, user)
    ]
    notices = list(task.notices.select_related("issued_by").prefetch_related("events__by"))
    open_notice = next((n for n in reversed(notices) if n.status != NoticeStatus.CLOSED), None)
    lead = is_task_lead(user, task)
    context = {
        "task": task,
        "history": selectors.history(task),
        "reports": task.reports.select_related("org", "by").prefetch_related("evidence", "revisions__by"),
        "warnings": task.warnings.all(),
        "notices": notices,
        "open_notice": open_notice,
        "action_forms": action_forms,
        "comment_required": {str(a) for a in (Action.FINISH, Action.SEND_BACK, Action.SUSPEND)},
        "can_report": (lead or is_task_partner(user, task)) and task.status in services.REPORTABLE,
        "is_lead": lead,
        "is_supervisor": role == "supervisor",
        "can_edit": role in ("manager", "supervisor"),
        "notice_form": forms.NoticeForm(
            initial={
                "reply_due": timezone.localdate() + timezone.timedelta(days=7),
                "requirement": _("Explain the delay and report the measures taken and the new completion date.")
                if task.light == "red" and open_notice is None
                else "",
            }
        ),
        "reply_form": forms.ReplyForm(),
        "close_form": forms.CloseForm(),
        "escalate_form": forms.EscalateForm(initial={"reply_due": timezone.localdate() + timezone.timedelta(days=3)}),
        "severe": any(w.kind == WarningKind.SEVERE for w in task.open_warnings),
        "today": timezone.localdate(),
    }
    return render(request, "tasks/task_detail.html", context)


@login_required
@require_POST
def task_action(request, pk, action):
    task = _visible_task(request, pk)
    if action not in Action.values:
        raise Http404
    message = refused_upload_message(request)
    form = forms.ActionForm(request.POST, request.FILES, prefix=action)
    if message or not form.is_valid():
        messages.error(request, message or _("The form has errors."))
        return redirect("tasks:detail", pk=task.pk)
    try:
        services.transition(
            task, action, by=request.user, comment=form.cleaned_data["comment"], files=form.cleaned_data["files"]
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": TRANSITIONS.action_labels[action]})
    return redirect("tasks:detail", pk=task.pk)


@login_required
def task_form(request, pk=None):
    _require(request.user, ("manager", "supervisor"))
    task = _visible_task(request, pk) if pk else None
    form = forms.TaskForm(request.POST or None, instance=task, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        m2m = {name: data.pop(name) for name in services.TASK_M2M}
        data.pop("partner_names_text", None)
        try:
            if task:
                task = services.update_task(task, by=request.user, m2m=m2m, **data)
            else:
                task = services.create_task(by=request.user, m2m=m2m, **data)
        except RequirementsNotMet as error:
            _apply_errors(form, error)
        except ActionNotPermitted as error:
            raise PermissionDenied(str(error)) from None
        else:
            messages.success(request, _("The task was saved."))
            return redirect("tasks:detail", pk=task.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tasks/task_form.html", {"form": form, "task": task}, status=status)


@login_required
def report_form(request, pk):
    task = _visible_task(request, pk)
    if not (is_task_lead(request.user, task) or is_task_partner(request.user, task)):
        raise PermissionDenied
    form = forms.ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        message = refused_upload_message(request)
        if message:
            form.add_error("files", message)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.file_report(
                    task,
                    by=request.user,
                    period=data["period"],
                    text=data["text"],
                    percent=data["percent"],
                    files=data["files"],
                    reason=data["reason"],
                )
            except RequirementsNotMet as error:
                _apply_errors(form, error)
            except (InvalidTransition, ActionNotPermitted) as error:
                messages.error(request, str(error))
                return redirect("tasks:detail", pk=task.pk)
            else:
                messages.success(request, _("The progress report was filed."))
                return redirect("tasks:detail", pk=task.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tasks/report_form.html", {"form": form, "task": task}, status=status)


@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("report__task"), pk=pk)
    if not Task.objects.visible_to(request.user).filter(pk=evidence.report.task_id).exists():
        raise Http404
    return download_response(evidence.file, display_name=evidence.display_name, content_type=evidence.content_type)


# --- Notices -------------------------------------------------------------------------------------
@login_required
@require_POST
def issue_notice(request, pk):
    task = _visible_task(request, pk)
    form = forms.NoticeForm(request.POST)
    if form.is_valid():
        try:
            services.issue_notice(task, by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The supervision notice was issued."))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(reverse("tasks:detail", args=[task.pk]) + "#notices")


NOTICE_STEPS = {
    "reply": (forms.ReplyForm, services.reply_notice, _("The reply was sent.")),
    "close": (forms.CloseForm, services.close_notice, _("The notice was closed.")),
    "escalate": (forms.EscalateForm, services.escalate_notice, _("The notice was escalated.")),
}


@login_required
@require_POST
def notice_step(request, pk, step):
    notice = get_object_or_404(Notice.objects.visible_to(request.user).select_related("task"), pk=pk)
    if step not in NOTICE_STEPS:
        raise Http404
    form_class, service, done = NOTICE_STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(notice, by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(reverse("tasks:detail", args=[notice.task_id]) + "#notices")


@login_required
def notice_document(request, pk):
    """The 督办单 in its official layout, to print (the print stylesheet drops everything else)."""
    notice = get_object_or_404(
        Notice.objects.visible_to(request.user).select_related("task__lead_org", "issued_by__organization"), pk=pk
    )
    return render(
        request, "tasks/notice_document.html", {"notice": notice, "document": documents.notice_document(notice)}
    )


@login_required
def notice_list(request):
    if _role(request.user) == "reviewer":
        raise PermissionDenied
    notices = Notice.objects.visible_to(request.user).select_related("task__lead_org", "issued_by")
    filterset = NoticeFilter(request.GET or None, queryset=notices, request=request)
    if filterset.is_bound and filterset.is_valid():
        notices = filterset.qs
    page = Paginator(notices, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/notice_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": _querystring(request),
            "today": timezone.localdate(),
            "open_status": NoticeStatus.OPEN,
        },
    )


# --- The board -----------------------------------------------------------------------------------
def _board_tasks(request):
    filterset = TaskFilter(request.GET or None, queryset=Task.objects.visible_to(request.user), request=request)
    if filterset.is_bound and filterset.is_valid():
        return filterset, filterset.qs
    return filterset, Task.objects.visible_to(request.user)


@login_required
def board(request):
    _require(request.user, BOARD_ROLES)
    filterset, tasks = _board_tasks(request)
    context = {
        "filter": filterset,
        "data": selectors.board(tasks),
        "most_overdue": selectors.most_overdue(tasks),
        "query": _querystring(request),
        "refreshed_at": timezone.localtime(),
        "statuses": Status.choices,
    }
    template = "tasks/partials/board_counts.html" if request.htmx else "tasks/board.html"
    return render(request, template, context)


@login_required
def board_chart(request):
    _require(request.user, BOARD_ROLES)
    _filterset, tasks = _board_tasks(request)
    data = selectors.warnings_over_time(tasks)
    data["labels"] = {kind: str(label) for kind, label in WarningKind.choices}
    return JsonResponse(data)


@login_required
def export_board(request):
    _require(request.user, BOARD_ROLES)
    _filterset, tasks = _board_tasks(request)
    return exports.xlsx_response(exports.board_workbook(selectors.board(tasks)), "board")


def _ranking_month(request):
    text = request.GET.get("month")
    month = selectors.parse_month(text) if text else timezone.localdate().replace(day=1)
    if month is None:
        messages.error(request, _("Write the month as YYYY-MM, e.g. 2026-05."))
        month = timezone.localdate().replace(day=1)
    return month


@login_required
def ranking(request):
    _require(request.user, BOARD_ROLES)
    month = _ranking_month(request)
    payload = selectors.ranking_payload(Task.objects.visible_to(request.user), month)
    return render(request, "tasks/ranking.html", {"payload": payload, "month": month})


@login_required
def export_ranking(request):
    _require(request.user, BOARD_ROLES)
    month = _ranking_month(request)
    payload = selectors.ranking_payload(Task.objects.visible_to(request.user), month)
    return exports.xlsx_response(exports.ranking_workbook(payload), f"ranking-{payload['month']}")


# --- Import --------------------------------------------------------------------------------------
@login_required
def import_upload(request):
    _require(request.user, ("manager",))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        message = refused_upload_message(request)
        if message:
            form.add_error("file", message)
        elif form.is_valid():
            try:
                record = services.receive_import(
                    form.cleaned_data["file"],
                    plan=form.cleaned_data["plan"],
                    year=form.cleaned_data["year"],
                    assigned_on=form.cleaned_data["assigned_on"],
                    blank_deadline=form.cleaned_data["blank_deadline"],
                    by=request.user,
                )
            except (ImportFileError, ValidationError) as error:
                form.add_error("file", error.messages if isinstance(error, ValidationError) else str(error))
            else:
                return redirect("tasks:import-preview", pk=record.pk)
    status = 400 if request.method == "POST" else 200
    recent = services.recent_imports()
    return render(request, "tasks/import_upload.html", {"form": form, "recent": recent}, status=status)


@login_required
def import_preview(request, pk):
    _require(request.user, ("manager",))
    record = get_object_or_404(services.recent_imports(), pk=pk)
    confirmed = services.confirmed_from(request.POST, record) if request.method == "POST" else {}
    try:
        planned = services.plan_recorded_import(record, confirmed=confirmed)
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("tasks:import")
    if request.method == "POST" and "import" in request.POST and record.state == record.State.PENDING:
        skip = request.POST.get("skip_bad_rows") == "1"
        try:
            result = services.finish_import(record, planned, by=request.user, skip_bad_rows=skip, confirmed=confirmed)
        except (services.ImportRefused, services.AlreadyImported) as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(skipped)d rows skipped.")
                % result,
            )
            return redirect(reverse("tasks:list") + f"?plan={record.plan_id}")
    return render(
        request,
        "tasks/import_preview.html",
        {"record": record, "planned": planned, "close": planned.close_matches(), "confirmed": confirmed},
    )


@login_required
def bulletins(request):
    """督查通报: the archive of monthly bulletins, and (supervision and portfolio office) issuing one."""
    from tasks.bulletin import BulletinExists, generate_bulletin, previous_month
    from tasks.models import Bulletin

    user = request.user
    archive = Bulletin.objects.visible_to(user).defer("docx", "pdf")
    if not (user.sees_whole_region or user.is_leader):
        raise Http404
    may_issue = user.is_superuser or _role(user) in ("supervisor", "manager")
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied
        month = selectors.parse_month(request.POST.get("month"))
        if month is None:
            messages.error(request, _("Write the month as YYYY-MM, e.g. 2026-11."))
        else:
            try:
                bulletin = generate_bulletin(month, by=user)
            except BulletinExists as exists:
                messages.error(
                    request,
                    _("The bulletin for this month was already issued as %(number)s.")
                    % {"number": exists.bulletin.number},
                )
            except WorkflowError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("%(number)s is issued and sent.") % {"number": bulletin.number})
            return redirect("tasks:bulletins")
    return render(
        request,
        "tasks/bulletins.html",
        {
            "bulletins": archive,
            "may_issue": may_issue,
            "default_month": previous_month(timezone.localdate()).strftime("%Y-%m"),
        },
    )
