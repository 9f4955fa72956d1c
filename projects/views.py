"""Pages of the projects app: list, proposal form, detail (timeline, milestones, attachments, gate
records, changes and the actions this user may take), and the portfolio office's queue.

Views shape requests and answers; the services decide. What a user may not see is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from portfolio.uploads import download_response, limit_text, refused_upload_message, too_large_message
from portfolio.workflow import ActionNotPermitted, InvalidTransition, RequirementsNotMet
from projects import selectors, services
from projects.filters import ProjectFilter
from projects.forms import AttachmentForm, MilestoneForm, ProposalForm, TransitionForm, labelled, show_errors
from projects.lifecycle import MANAGER_QUEUE_STAGES, MILESTONE_STAGES, Action, Stage, attachment_kinds_for
from projects.models import Project
from projects.permissions import acting_role, allowed_actions, owns
from projects.prereview import selectors as prereview_selectors

PAGE_SIZE = 20


def _visible_project(request, pk):
    return get_object_or_404(selectors.visible_projects(request.user), pk=pk)


def _refusal_status(error) -> int:
    if isinstance(error, InvalidTransition):
        return 409
    if isinstance(error, ActionNotPermitted):
        return 403
    return 400


@login_required
def project_list(request):
    visible = selectors.project_list(request.user)
    filterset = ProjectFilter(request.GET or None, queryset=visible, request=request)
    for field in filterset.form.fields.values():
        field.widget.attrs["class"] = "form-select" if hasattr(field, "choices") else "form-control"
    filterset.form.fields["search"].widget.attrs["placeholder"] = _("Name, code, description or function")
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "stage_tabs": _stage_tabs(request, visible),
            "totals": selectors.list_totals(filterset.qs),
            **_drill_filters(filterset),
            "selected_stages": request.GET.getlist("stage"),
            "can_create": acting_role(request.user) == "owner",
        },
    )


# Filters the list's form does not show but the portfolio cockpit's links set: kept as hidden
# fields (so changing another filter keeps them) and shown as badges.
DRILL_FILTERS = ("region", "tier", "plan_goal", "scenario", "linked")


def _drill_filters(filterset) -> dict:
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
    hidden, shown = [], []
    for name in DRILL_FILTERS:
        value = data.get(name)
        if value in (None, ""):
            continue
        label = filterset.filters[name].label
        raw = filterset.data.get(name)
        if name == "tier":
            display = dict(filterset.filters[name].extra["choices"]).get(value, value)
        elif name == "linked":
            display = _("yes") if value else _("no")
        else:
            display = str(value)
        hidden.append((name, label, raw))
        shown.append((name, label, raw, display))
    return {"drill_filters": hidden, "drill_filters_shown": shown}


def _stage_tabs(request, visible):
    """One tab per stage with how many projects the other filters leave in it (one query)."""
    others = request.GET.copy()
    others.pop("page", None)
    others.pop("stage", None)
    counts = selectors.count_by_stage(ProjectFilter(others, queryset=visible, request=request).qs)
    selected = set(request.GET.getlist("stage"))
    tabs = [{"label": _("All"), "query": others.urlencode(), "count": sum(counts.values()), "active": not selected}]
    for stage, label in Stage.choices:
        query = others.copy()
        query["stage"] = stage
        tabs.append(
            {"label": label, "query": query.urlencode(), "count": counts.get(stage, 0), "active": selected == {stage}}
        )
    return tabs


@login_required
def manager_queue(request):
    if acting_role(request.user) != "manager":
        raise PermissionDenied
    waiting = list(selectors.manager_queue())
    sections = [
        {
            "stage": stage,
            "label": Stage(stage).label,
            "projects": [p for p in waiting if p.stage == stage],
        }
        for stage in MANAGER_QUEUE_STAGES
    ]
    return render(request, "projects/queue.html", {"sections": sections})


def _save_and_maybe_submit(request, form, project=None):
    """Create or update the proposal; with the 'submit' button, also submit it. Returns a response
    when done, or None to show the form again (with the service's messages beside its fields)."""
    data = form.service_data()
    try:
        if project is None:
            project = services.create_project(by=request.user, **data)
        else:
            data.pop("owner_org", None)
            project = services.update_project(project, by=request.user, **data)
    except ValidationError as error:
        show_errors(form, error.message_dict if hasattr(error, "error_dict") else {None: error.messages})
        return None
    except (InvalidTransition, ActionNotPermitted) as refused:  # e.g. submitted meanwhile in another tab
        messages.error(request, refused.message)
        return redirect("projects:detail", project.pk)
    if "submit" not in request.POST:
        messages.success(request, _("The draft was saved."))
        return redirect("projects:detail", project.pk)
    try:
        services.transition(project, Action.SUBMIT, by=request.user)
    except (InvalidTransition, ActionNotPermitted) as refused:
        messages.error(request, refused.message)
        return redirect("projects:detail", project.pk)
    except RequirementsNotMet as refused:
        messages.warning(request, _("The draft was saved, but it cannot be submitted yet: see the marked fields."))
        missing = {name: text for name, text in refused.errors.items() if name != "attachments"}
        if "attachments" in refused.errors:
            messages.warning(request, refused.errors["attachments"][0])
        if not missing:
            return redirect("projects:detail", project.pk)
        request.session["proposal_errors"] = missing
        return redirect("projects:edit", project.pk)
    messages.success(request, _("The proposal was submitted to the portfolio office."))
    return redirect("projects:detail", project.pk)


@login_required
def project_create(request):
    if acting_role(request.user) != "owner":
        raise PermissionDenied
    form = ProposalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save_and_maybe_submit(request, form)
        if response is not None:
            return response
    status = 400 if form.errors else 200
    return render(request, "projects/form.html", {"form": form}, status=status)


@login_required
def project_edit(request, pk):
    project = _visible_project(request, pk)
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied
    if not project.is_editable:
        messages.error(request, _("The proposal can be edited only while it is a draft or returned for revision."))
        return redirect("projects:detail", project.pk)
    form = ProposalForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save_and_maybe_submit(request, form, project)
        if response is not None:
            return response
    elif request.method == "GET" and "proposal_errors" in request.session:
        form = ProposalForm(instance=project, user=request.user, data=_initial_data(form))
        form.is_valid()
        show_errors(form, request.session.pop("proposal_errors"))
    status = 400 if form.errors else 200
    return render(request, "projects/form.html", {"form": form, "project": project}, status=status)


def _initial_data(form):
    """A bound copy of an unbound form's initial values, so submit's messages can be shown on it."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None and value is not False:
            data[name] = getattr(value, "pk", value)
    return data


@login_required
@require_POST
def project_delete(request, pk):
    project = _visible_project(request, pk)
    try:
        services.delete_project(project, by=request.user)
    except (ActionNotPermitted, InvalidTransition) as refused:
        messages.error(request, refused.message)
        return redirect("projects:detail", project.pk)
    messages.success(request, _("The draft “%(name)s” was deleted.") % {"name": project.name})
    return redirect("projects:list")


def _detail_context(request, project, *, open_form=None, attachment_form=None):
    user = request.user
    role = acting_role(user)
    forms = []
    for action in allowed_actions(user, project):
        if open_form is not None and open_form.action == action:
            forms.append(open_form)
        else:
            forms.append(TransitionForm(action))
    keeps_parts = role == "manager" or owns(user, project)
    kinds = attachment_kinds_for(project.stage, role) if keeps_parts else []
    attachments = list(selectors.attachments(project))
    gate_records = list(selectors.gate_records(project))
    frozen = set().union(*(gate.attachment_ids for gate in gate_records))
    return {
        "project": project,
        "action_forms": forms,
        "open_action": open_form.action if open_form is not None else None,
        "timeline": selectors.timeline(project),
        "milestones": selectors.milestones(project),
        "can_keep_milestones": keeps_parts and project.stage in MILESTONE_STAGES,
        "attachments": attachments,
        "removable": {a.pk for a in attachments if a.kind in kinds and a.pk not in frozen},
        "attachment_form": attachment_form or (AttachmentForm(kinds=kinds) if kinds else None),
        "gate_records": gate_records,
        "changes": selectors.field_changes(project),
        "can_edit": project.is_editable and user.has_perm("projects.change_project", project),
        "missing_for_submit": _missing_for_submit(user, project),
        "last_return": _last_return(project),
        "can_delete": project.stage == Stage.DRAFT and user.has_perm("projects.delete_project", project),
        "upload_max_bytes": settings.UPLOAD_MAX_BYTES,
        "upload_limit": limit_text(),
        "upload_too_large": too_large_message(),
        "prereview_card": prereview_selectors.project_card(user, project),
    }


def _last_return(project):
    if project.stage != Stage.RETURNED:
        return None
    return project.transitions.filter(action=Action.RETURN).select_related("by").last()


def _missing_for_submit(user, project) -> list[str]:
    """For whoever may submit: what the proposal still lacks, as readable lines."""
    if Action.SUBMIT not in allowed_actions(user, project):
        return []
    missing = services.missing_for_submit(project)
    fill_in = str(_("Fill this in before submitting."))
    empty = [str(Project._meta.get_field(name).verbose_name) for name, msgs in missing.items() if msgs == [fill_in]]
    lines = [_("Not filled in yet: %(fields)s.") % {"fields": "、".join(empty)}] if empty else []
    return lines + [
        labelled(Project, name, message)
        for name, messages in missing.items()
        if messages != [fill_in]
        for message in messages
    ]


@login_required
def project_detail(request, pk):
    project = _visible_project(request, pk)
    return render(request, "projects/detail.html", _detail_context(request, project))


@login_required
@require_POST
def project_act(request, pk, action):
    project = _visible_project(request, pk)
    code = action.replace("-", "_")
    if code not in Action.values:
        raise Http404
    form = TransitionForm(code, request.POST)
    status = 400
    if form.is_valid():
        try:
            services.transition(project, code, by=request.user, **form.cleaned_data)
        except RequirementsNotMet as refused:
            show_errors(form, refused.errors)
        except (InvalidTransition, ActionNotPermitted) as refused:
            messages.error(request, refused.message)
            status = _refusal_status(refused)
            project = _visible_project(request, pk)
            form = None
        else:
            messages.success(
                request, _("Done: “%(action)s” on %(code)s.") % {"action": Action(code).label, "code": project.code}
            )
            if code == Action.START_REVIEW:
                return redirect("projects:prereview", project.pk)  # the check and the score, at once
            return redirect("projects:detail", project.pk)
    return render(request, "projects/detail.html", _detail_context(request, project, open_form=form), status=status)


# --- Milestones -------------------------------------------------------------------------------


def _milestone_page(request, project, milestone=None):
    form = MilestoneForm(request.POST or None, instance=milestone, project=project)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if milestone is None:
                services.add_milestone(project, by=request.user, **form.service_data())
            else:
                services.update_milestone(milestone, by=request.user, **form.service_data())
        except ValidationError as error:
            show_errors(form, error.message_dict if hasattr(error, "error_dict") else {None: error.messages})
        except (InvalidTransition, ActionNotPermitted) as refused:
            messages.error(request, refused.message)
            return redirect("projects:detail", project.pk)
        else:
            messages.success(request, _("The milestone was saved."))
            return redirect(reverse("projects:detail", args=[project.pk]) + "#milestones")
    if form.errors:
        status = 400
    return render(
        request,
        "projects/milestone_form.html",
        {"form": form, "project": project, "milestone": milestone},
        status=status,
    )


def _check_keeps_milestones(request, project):
    if not (acting_role(request.user) == "manager" or owns(request.user, project)):
        raise PermissionDenied
    if project.stage not in MILESTONE_STAGES:
        messages.error(request, _("Milestones are kept while a project is approved or implementing."))
        return redirect("projects:detail", project.pk)
    return None


@login_required
def milestone_add(request, pk):
    project = _visible_project(request, pk)
    return _check_keeps_milestones(request, project) or _milestone_page(request, project)


@login_required
def milestone_edit(request, pk, milestone_pk):
    project = _visible_project(request, pk)
    milestone = get_object_or_404(project.milestones, pk=milestone_pk)
    return _check_keeps_milestones(request, project) or _milestone_page(request, project, milestone)


@login_required
@require_POST
def milestone_delete(request, pk, milestone_pk):
    project = _visible_project(request, pk)
    milestone = get_object_or_404(project.milestones, pk=milestone_pk)
    done = _("The milestone “%(name)s” was removed.") % {"name": milestone.name}
    return _remove(request, project, lambda: services.delete_milestone(milestone, by=request.user), done, "milestones")


def _remove(request, project, remove, done: str, anchor: str):
    """Run a service that removes a part of the project; say what happened, back to its card."""
    try:
        remove()
    except (InvalidTransition, ActionNotPermitted) as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect(reverse("projects:detail", args=[project.pk]) + f"#{anchor}")


# --- Attachments ------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_upload(request, pk):
    """Upload from the detail page. htmx posts it (with the CSRF token in a header, so a body cut off
    at the size limit still gets a clear answer): a refusal swaps in the card with its message, a
    success reloads the page."""
    project = _visible_project(request, pk)
    role = acting_role(request.user)
    kinds = attachment_kinds_for(project.stage, role) if role == "manager" or owns(request.user, project) else []
    form = AttachmentForm(request.POST, request.FILES, kinds=kinds)
    refused = refused_upload_message(request)
    if refused:
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", refused)
    elif form.is_valid():
        try:
            services.add_attachment(
                project, by=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            show_errors(form, error.message_dict if hasattr(error, "error_dict") else {"file": error.messages})
        except (InvalidTransition, ActionNotPermitted) as refused_action:
            form.add_error(None, refused_action.message)
        else:
            messages.success(request, _("The file was attached."))
            if request.htmx:
                # Reload the whole page: the checklist, the actions and the card all change.
                return HttpResponseClientRefresh()
            form = None
    if not request.htmx:
        if form is not None:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(reverse("projects:detail", args=[project.pk]) + "#attachments")
    # htmx swaps only 2xx answers by default: the card itself carries the refusal, so it comes back
    # as 200 (without htmx, the messages above and a redirect say the same).
    context = _detail_context(request, project, attachment_form=form)
    return render(request, "projects/partials/attachments.html", context)


@login_required
def attachment_download(request, pk, attachment_pk):
    project = _visible_project(request, pk)
    attachment = get_object_or_404(project.attachments, pk=attachment_pk)
    return download_response(attachment.stored_name, display_name=attachment.name, content_type=attachment.content_type)


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    project = _visible_project(request, pk)
    attachment = get_object_or_404(project.attachments, pk=attachment_pk)
    done = _("The file “%(name)s” was removed.") % {"name": attachment.name}
    return _remove(
        request, project, lambda: services.delete_attachment(attachment, by=request.user), done, "attachments"
    )
