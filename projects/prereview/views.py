"""Pages of pre-review: the manager's queue and report (with reviewer assignment, red-line
overrides and scoring again), the reviewers' assignments and review form, and the rule editor.

Views shape requests and answers; the services decide. What a user may not see is a 404; what it
may see but not do is a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portfolio.models import User
from portfolio.workflow import ActionNotPermitted, InvalidTransition
from projects import selectors as project_selectors
from projects.forms import show_errors
from projects.lifecycle import Stage
from projects.prereview import facts as F
from projects.prereview import selectors, services
from projects.prereview.forms import AssignForm, OverrideForm, ReviewForm, RuleForm
from projects.prereview.models import Criterion, ExpertReview, ReviewRule, RuleVersion
from projects.prereview.permissions import keeps_prereview, reads_reports


def _visible_project(request, pk):
    return get_object_or_404(project_selectors.visible_projects(request.user), pk=pk)


def _errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {None: error.messages}


def _office_only(request):
    if not keeps_prereview(request.user):
        raise PermissionDenied


# --- The manager's queue and the report ----------------------------------------------------------


@login_required
def queue(request):
    _office_only(request)
    rounds, unscored = selectors.queue()
    return render(request, "projects/prereview/queue.html", {"rounds": rounds, "unscored": unscored})


def _report_page(request, project, *, status=200, assign_form=None, override_forms=None):
    round_id = request.GET.get("round")
    prereview, data = selectors.report_of(project, round_id if str(round_id or "").isdigit() else None)
    office = keeps_prereview(request.user)
    live = prereview is not None and prereview.is_open and project.stage == Stage.PREREVIEW
    context = {
        "project": project,
        "prereview": prereview,
        "report": data,
        "live": live,
        "rounds": list(selectors.rounds_of(project)),
        "evidence": selectors.evidence(data) if data else None,
        "criteria": Criterion.choices,
        # The office acts on the open round (or scores a proposal in pre-review that has none yet).
        "can_act": office and project.stage == Stage.PREREVIEW and (prereview is None or prereview.is_open),
    }
    if context["can_act"]:
        context["assign_form"] = assign_form or AssignForm(
            reviewers=selectors.eligible_reviewers(project, prereview if live else None)
        )
        given = override_forms or {}
        context["override_forms"] = {
            line["rule"]: given.get(line["rule"]) or OverrideForm(rule_id=line["rule"])
            for line in (data or {}).get("red_lines", [])
            if not line["overridden"]
        }
    return render(request, "projects/prereview/report.html", context, status=status)


@login_required
def report_page(request, pk):
    project = _visible_project(request, pk)
    if not reads_reports(request.user):
        raise PermissionDenied
    return _report_page(request, project)


def _report_url(project) -> str:
    return reverse("projects:prereview", args=[project.pk])


def _refused(request, project, refused):
    messages.error(request, refused.message)
    return redirect(_report_url(project))


@login_required
@require_POST
def rescore(request, pk):
    project = _visible_project(request, pk)
    _office_only(request)
    try:
        services.rescore(project, by=request.user)
    except (InvalidTransition, ActionNotPermitted) as refused:
        return _refused(request, project, refused)
    messages.success(request, _("The duplicate check ran again and the proposal was scored with the rules in use."))
    return redirect(_report_url(project))


@login_required
@require_POST
def assign(request, pk):
    project = _visible_project(request, pk)
    _office_only(request)
    form = AssignForm(request.POST, reviewers=selectors.eligible_reviewers(project, selectors.open_round(project)))
    if form.is_valid():
        reviewer = get_object_or_404(User, pk=form.cleaned_data["reviewer"])
        try:
            review = services.assign_reviewer(project, reviewer, by=request.user)
        except ValidationError as error:
            show_errors(form, _errors(error), model=ExpertReview)
        except (InvalidTransition, ActionNotPermitted) as refused:
            return _refused(request, project, refused)
        else:
            messages.success(request, _("%(name)s was asked to review the proposal.") % {"name": review.reviewer.name})
            return redirect(_report_url(project) + "#reviews")
    return _report_page(request, project, status=400, assign_form=form)


@login_required
@require_POST
def override(request, pk, rule_pk):
    project = _visible_project(request, pk)
    _office_only(request)
    rule = get_object_or_404(ReviewRule, pk=rule_pk)
    form = OverrideForm(request.POST, rule_id=rule.pk)
    form.is_valid()
    try:
        services.override_red_line(project, rule, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        show_errors(form, {"reason": [m for field in _errors(error).values() for m in field]})
    except (InvalidTransition, ActionNotPermitted) as refused:
        return _refused(request, project, refused)
    else:
        messages.success(request, _("The red line was overridden; your reason is recorded."))
        return redirect(_report_url(project) + "#red-lines")
    return _report_page(request, project, status=400, override_forms={rule_pk: form})


@login_required
@require_POST
def withdraw(request, review_pk):
    review = get_object_or_404(selectors.visible_reviews(request.user), pk=review_pk)
    _office_only(request)
    try:
        services.withdraw_review(review, by=request.user)
    except (InvalidTransition, ActionNotPermitted) as refused:
        return _refused(request, review.project, refused)
    messages.success(request, _("The assignment of %(name)s was withdrawn.") % {"name": review.reviewer.name})
    return redirect(_report_url(review.project) + "#reviews")


# --- Reviewers ----------------------------------------------------------------------------------


@login_required
def assignments(request):
    reviews = list(selectors.assignments(request.user))
    submitted = sorted((r for r in reviews if r.is_submitted), key=lambda r: r.submitted_at, reverse=True)
    return render(
        request,
        "projects/prereview/assignments.html",
        {
            "to_review": [r for r in reviews if not r.is_submitted and r.prereview.is_open],
            "submitted": submitted,
            "closed": [r for r in reviews if not r.is_submitted and not r.prereview.is_open],
        },
    )


@login_required
def review_page(request, review_pk):
    review = get_object_or_404(selectors.visible_reviews(request.user), pk=review_pk)
    project = review.project
    writable = review.reviewer_id == request.user.pk and not review.is_submitted and review.prereview.is_open
    form = ReviewForm(request.POST or None, initial=ReviewForm.initial_for(review))
    status = 200
    if request.method == "POST":
        if review.reviewer_id != request.user.pk:
            raise PermissionDenied
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                services.save_review(review, by=request.user, submit=submit, **form.service_data())
            except ValidationError as error:
                show_errors(form, _errors(error), model=ExpertReview)
            except (InvalidTransition, ActionNotPermitted) as refused:
                messages.error(request, refused.message)
                return redirect("projects:review", review.pk)
            else:
                if submit:
                    messages.success(request, _("Your review was submitted to the portfolio office. Thank you."))
                    return redirect("projects:reviews")
                messages.success(request, _("Your draft was saved. Submit it when it is complete."))
                return redirect("projects:review", review.pk)
        _scores_errors_beside_fields(form)
        status = 400
    context = {
        "review": review,
        "project": project,
        "form": form,
        "writable": writable,
        "attachments": project_selectors.attachments(project),
        "criteria": [(value, label, review.scores.get(value)) for value, label in Criterion.choices],
    }
    return render(request, "projects/prereview/review.html", context, status=status)


def _scores_errors_beside_fields(form):
    """The service's messages on ``scores`` name their criterion; show them above the scores."""
    for message in form.errors.pop("scores", []):
        form.add_error(None, message)


# --- Rules --------------------------------------------------------------------------------------


@login_required
def rules(request):
    return render(
        request,
        "projects/prereview/rules.html",
        {"rules": list(selectors.rules()), "can_edit": keeps_prereview(request.user)},
    )


def _rule_page(request, form, rule=None, status=200):
    return render(
        request,
        "projects/prereview/rule_form.html",
        {"form": form, "rule": rule, "facts": F.catalogue()},
        status=status,
    )


def _save_rule(request, form, rule=None):
    try:
        if rule is None:
            rule = services.create_rule(by=request.user, note=form.cleaned_data.get("note", ""), **form.service_data())
        else:
            services.update_rule(rule, by=request.user, note=form.cleaned_data.get("note", ""), **form.service_data())
    except ValidationError as error:
        errors = _errors(error)
        conditions = errors.pop("conditions", [])
        show_errors(form, {**errors, None: conditions} if conditions else errors, model=RuleVersion)
        return None
    return rule


@login_required
def rule_create(request):
    _office_only(request)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rule = _save_rule(request, form)
        if rule is not None:
            messages.success(request, _("The rule was added (version 1)."))
            return redirect("projects:rules")
    return _rule_page(request, form, status=400 if form.errors else 200)


@login_required
def rule_edit(request, rule_pk):
    rule = get_object_or_404(selectors.rules(), pk=rule_pk)
    can_edit = keeps_prereview(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = RuleForm(request.POST or None, initial=RuleForm.initial_for(rule.current))
    if request.method == "POST" and form.is_valid():
        before = rule.version
        saved = _save_rule(request, form, rule)
        if saved is not None:
            saved.refresh_from_db()
            if saved.version == before:
                messages.info(request, _("Nothing changed: the rule keeps version %(n)d.") % {"n": before})
            else:
                messages.success(
                    request, _("Saved as version %(n)d; the earlier versions are kept.") % {"n": saved.version}
                )
            return redirect("projects:rule-edit", rule.pk)
    context_status = 400 if form.errors else 200
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return _rule_page(request, form, rule, status=context_status)


@login_required
@require_POST
def rule_active(request, rule_pk):
    rule = get_object_or_404(selectors.rules(), pk=rule_pk)
    _office_only(request)
    active = request.POST.get("active") == "1"
    services.update_rule(rule, by=request.user, is_active=active)
    if active:
        messages.success(request, _("The rule “%(name)s” is in use again.") % {"name": rule.current.name})
    else:
        messages.success(
            request,
            _("The rule “%(name)s” is no longer used; it is kept with its versions.") % {"name": rule.current.name},
        )
    return redirect("projects:rules")
