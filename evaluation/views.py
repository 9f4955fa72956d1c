"""Pages: owners' outcomes, finance's budget, managers' indicators. Thin: selectors read, services write."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import filters, selectors, services
from evaluation.budget import Policy
from evaluation.forms import AdjustForm, BudgetRequestForm, IndicatorForm, PolicyForm, ReplyForm, UploadForm
from evaluation.ingest import field_label, read_sheet
from evaluation.models import (
    BudgetAdjustment,
    BudgetPolicy,
    BudgetRequest,
    Evaluation,
    Filing,
    Indicator,
    Rating,
    Rectification,
)
from portfolio.uploads import refused_upload_message
from portfolio.workflow import ActionNotPermitted, Conflict, InvalidTransition, RequirementsNotMet
from projects.lifecycle import Stage
from projects.models import Project


def current_period() -> int:
    return timezone.localdate().year


def next_budget_year() -> int:
    return timezone.localdate().year + 1


def _period(request) -> int:
    return _parse_period(request.GET.get("period")) or current_period()


def _parse_period(value) -> int | None:
    """A period from a form or query (a year from 2000 to this one), or None if it is not one."""
    try:
        period = int(value)
    except (TypeError, ValueError):
        return None
    return period if 2000 <= period <= current_period() else None


def _form_errors(form, error: RequirementsNotMet):
    for field, texts in error.errors.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


@login_required
def outcomes(request):
    """Projects in operation with the period's evaluation (an owner: its own)."""
    period = _period(request)
    projects = selectors.outcome_projects(request.user, period)
    page = Paginator(projects, 30).get_page(request.GET.get("page"))
    selectors.attach_breakdowns(page.object_list, period)
    return render(
        request,
        "evaluation/outcomes.html",
        {
            "period": period,
            "periods": range(current_period(), current_period() - 4, -1),
            "page": page,
            "query": f"period={period}",
            "grades": selectors.grade_counts(period, request.user),
            "upload_form": UploadForm(),
            "can_file": request.user.has_perm("evaluation.add_ticket"),
            "units": selectors.indicator_units(),
        },
    )


@login_required
def project_outcomes(request, pk):
    return _project_page(request, pk)


def _project_page(request, pk, status=200):
    project = get_object_or_404(
        Project.objects.visible_to(request.user).select_related("owner_org__region", "domain"), pk=pk
    )
    evaluations = list(Evaluation.objects.filter(project=project).select_related("basis").order_by("-period"))
    ratings = Rating.objects.filter(project=project).select_related("rectification").order_by("-rated_at")[:20]
    rectifications = Rectification.objects.filter(project=project).select_related("rating", "closed_by")
    open_rectifications = list(rectifications.filter(status=Rectification.Status.OPEN).order_by("due_date")[:50])
    can_request = request.user.has_perm("evaluation.change_budgetrequest", BudgetRequest(project=project))
    return render(
        request,
        "evaluation/project.html",
        {
            "project": project,
            "evaluations": evaluations,
            "ratings": ratings,
            "open_rectifications": open_rectifications,
            "closed_rectifications": rectifications.filter(status=Rectification.Status.CLOSED).order_by("-closed_at")[
                :10
            ],
            "budget_requests": project.budget_requests.order_by("-year"),
            "request_form": BudgetRequestForm(initial={"year": next_budget_year()}) if can_request else None,
            "can_reply": request.user.has_perm("evaluation.change_rectification", Rectification(project=project)),
            "in_operation": project.stage == Stage.ACCEPTED,
            "units": selectors.indicator_units(),
        },
        status=status,
    )


@login_required
@require_POST
def request_budget(request, pk):
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("evaluation.change_budgetrequest", BudgetRequest(project=project)):
        raise PermissionDenied
    form = BudgetRequestForm(request.POST)
    if form.is_valid():
        try:
            services.save_budget_request(
                project,
                year=form.cleaned_data["year"],
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            messages.success(request, _("The budget request was saved."))
        except RequirementsNotMet as error:
            messages.error(request, str(error))
        except Conflict as error:  # decided or closed: say so on the page itself, as a 409
            messages.error(request, str(error))
            return _project_page(request, pk, status=409)
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("evaluation:project", pk=project.pk)


@login_required
@require_POST
def upload(request):
    """File operating data from a spreadsheet (owners for their projects, the portfolio office for any)."""
    back = request.POST.get("next") or reverse("evaluation:outcomes")
    if not request.user.has_perm("evaluation.add_ticket"):
        raise PermissionDenied
    refused = refused_upload_message(request)
    form = UploadForm(request.POST, request.FILES)
    if refused:
        messages.error(request, refused)
        return redirect(back)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect(back)
    try:
        sheet = read_sheet(form.cleaned_data["file"], form.cleaned_data["kind"])
        result = services.file_operating_data(
            form.cleaned_data["kind"],
            sheet.rows,
            by=request.user,
            channel=Filing.Channel.FILE,
            skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            sheet=sheet,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    except RequirementsNotMet as error:
        for texts in error.errors.values():
            for text in texts[:20]:
                messages.error(request, text)
        return redirect(back)
    text = _("%(created)d rows stored from %(file)s.") % {"created": result.created, "file": sheet.file_name}
    if result.rectifications:
        text += " " + _("%(n)d poor ratings opened rectifications.") % {"n": result.rectifications}
    messages.success(request, text)
    for bad in result.skipped[:20]:
        kind = form.cleaned_data["kind"]
        detail = "；".join(
            f"{label}：{message}" if (label := field_label(kind, field)) else message
            for field, message in bad.errors.items()
        )
        messages.warning(request, _("Row %(row)d skipped: %(detail)s") % {"row": bad.row, "detail": detail})
    if len(result.skipped) > 20:
        messages.warning(request, _("%(n)d more rows were skipped.") % {"n": len(result.skipped) - 20})
    return redirect(back)


@login_required
def rectifications(request):
    queryset = Rectification.objects.visible_to(request.user).select_related("project", "org", "rating")
    filterset = filters.RectificationFilter(request.GET or {"status": "open"}, queryset=queryset, request=request)
    page = Paginator(filterset.qs.order_by("status", "due_date", "pk"), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evaluation/rectifications.html",
        {
            "page": page,
            "filter": filterset,
            "query": query.urlencode(),
            "status": (request.GET or {"status": "open"}).get("status", ""),
            "can_reply": request.user.has_perm("evaluation.change_rectification"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def close_rectification(request, pk):
    rectification = get_object_or_404(Rectification.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("evaluation.change_rectification", rectification):
        raise PermissionDenied
    form = ReplyForm(request.POST)
    back = request.POST.get("next") or reverse("evaluation:rectifications")
    if not form.is_valid():
        messages.error(request, _("Say what was done to rectify it."))
        return redirect(back)
    try:
        services.close_rectification(rectification, by=request.user, reply=form.cleaned_data["reply"])
        messages.success(request, _("The rectification was recorded."))
    except (RequirementsNotMet, InvalidTransition) as error:
        messages.error(request, str(error))
    return redirect(back)


@login_required
def evaluations(request):
    period = _period(request)
    queryset = Evaluation.objects.visible_to(request.user).select_related(
        "project__owner_org", "project__domain", "basis"
    )
    filterset = filters.EvaluationFilter(request.GET, queryset=queryset.filter(period=period), request=request)
    page = Paginator(filterset.qs.order_by("-score", "project__code"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["period"] = period
    return render(
        request,
        "evaluation/evaluations.html",
        {
            "page": page,
            "filter": filterset,
            "period": period,
            "periods": range(current_period(), current_period() - 4, -1),
            "query": query.urlencode(),
            "grades": selectors.grade_counts(period, request.user),
            "can_recompute": request.user.has_perm("evaluation.add_evaluation"),
            "units": selectors.indicator_units(),
        },
    )


@login_required
@require_POST
def recompute(request):
    if not request.user.has_perm("evaluation.add_evaluation"):
        raise PermissionDenied
    if "period" in request.GET:
        period = _period(request)
    else:
        period = _parse_period(request.POST.get("period") or current_period())
        if period is None:
            messages.error(request, _("A period is a year between 2000 and this year."))
            return redirect("evaluation:evaluations")
    try:
        run = services.evaluate_period(period)
    except Conflict as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('evaluation:evaluations')}?period={period}")
    messages.success(
        request,
        _(
            "Period %(period)d evaluated: %(projects)d projects, %(created)d new, %(changed)d changed, "
            "%(unchanged)d unchanged."
        )
        % run.as_dict(),
    )
    return redirect(f"{reverse('evaluation:evaluations')}?period={period}")


# --- budget ----------------------------------------------------------------------------------------


@login_required
def budget_home(request):
    return redirect("evaluation:budget", year=next_budget_year())


def _chart_data(report: dict) -> dict:
    grades = report["totals"]["grades"]
    # Only the grades some line has (an empty slice would still be labelled), each in its colour.
    slices = [(_("Grade %(grade)s") % {"grade": g}, grades[g], GRADE_COLOURS[g]) for g in ("A", "B", "C", "D")]
    slices.append((_("Not evaluated"), grades["none"], GRADE_COLOURS["none"]))
    return {
        "grades": [{"name": name, "value": n, "itemStyle": {"color": colour}} for name, n, colour in slices if n],
        "domains": [row["domain_name"] for row in report["totals"]["by_domain"]],
        "requested": [float(Decimal(row["requested"]) / 10000) for row in report["totals"]["by_domain"]],
        "recommended": [float(Decimal(row["recommended"]) / 10000) for row in report["totals"]["by_domain"]],
        "final": [float(Decimal(row["final"]) / 10000) for row in report["totals"]["by_domain"]],
        "labels": {
            "requested": _("Requested"),
            "recommended": _("Recommended"),
            "final": _("Final"),
            "unit": _("10,000 yuan"),
            "empty": _("No budget requests for this year."),
        },
    }


GRADE_COLOURS = {"A": "#198754", "B": "#0d6efd", "C": "#fd7e14", "D": "#dc3545", "none": "#adb5bd"}


def _report_lines_page(request, report):
    lines = report["lines"]
    grade = request.GET.get("grade")
    if grade in {"A", "B", "C", "D"}:
        lines = [line for line in lines if line["grade"] == grade]
    elif grade == "none":
        lines = [line for line in lines if not line["grade"]]
    flag = request.GET.get("flag")
    if flag:
        lines = [line for line in lines if flag in line["flags"]]
    search = (request.GET.get("search") or "").strip()
    if search:
        lines = [
            line
            for line in lines
            if search in line["project_name"] or search in line["project_code"] or search in line["org_name"]
        ]
    return Paginator(lines, 50).get_page(request.GET.get("page"))


@login_required
def budget_report(request, year):
    report = selectors.budget_report(year, user=request.user)
    is_finance = request.user.has_perm("evaluation.change_budgetpolicy")
    policy = selectors.policy_for(year)
    policy_form = PolicyForm(
        initial={
            "envelope": policy.envelope,
            **{f"factor_{g.lower()}": value for g, value in policy.factors.items()},
        }
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evaluation/budget.html",
        {
            "year": year,
            "report": report,
            "page": _report_lines_page(request, report),
            "query": query.urlencode(),
            "chart": _chart_data(report),
            "is_finance": is_finance,
            "closed_at": BudgetPolicy.objects.filter(year=year).values_list("closed_at", flat=True).first(),
            "sees_all": request.user.sees_whole_region,
            "policy_form": policy_form,
            "years": range(next_budget_year() + 1, next_budget_year() - 4, -1),
            "grade_filter": request.GET.get("grade", ""),
            "names": selectors.indicator_names(),
            "units": selectors.indicator_units(),
            "flag_filter": request.GET.get("flag", ""),
        },
    )


def _finance_only(request):
    if not selectors.can_see_budget(request.user) or not request.user.sees_whole_region:
        raise Http404
    if not request.user.has_perm("evaluation.change_budgetpolicy"):
        raise PermissionDenied


@login_required
@require_POST
def simulate(request, year):
    """What-if: the report another policy would give, beside the saved one; nothing is stored."""
    _finance_only(request)
    form = PolicyForm(request.POST)
    context = {"year": year, "form": form}
    if form.is_valid():
        policy = Policy(year=year, envelope=form.cleaned_data["envelope"], factors=form.factors())
        simulated = selectors.budget_report(year, user=request.user, policy=policy)
        current = selectors.budget_report(year, user=request.user)
        changes = [
            (old, new)
            for old, new in zip(current["lines"], simulated["lines"], strict=True)
            if old["recommended"] != new["recommended"]
        ]
        context.update(
            simulated=simulated,
            current=current,
            changes=changes[:50],
            changed=len(changes),
            chart=_chart_data(simulated),
            delta=Decimal(simulated["totals"]["overall"]["recommended"])
            - Decimal(current["totals"]["overall"]["recommended"]),
        )
    return render(request, "evaluation/partials/simulation.html", context)


@login_required
@require_POST
def save_policy(request, year):
    _finance_only(request)
    form = PolicyForm(request.POST)
    if form.is_valid():
        try:
            services.set_policy(year, envelope=form.cleaned_data["envelope"], factors=form.factors(), by=request.user)
            messages.success(request, _("The budget policy for %(year)d was saved.") % {"year": year})
        except (RequirementsNotMet, Conflict) as error:
            messages.error(request, str(error))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("evaluation:budget", year=year)


@login_required
def adjust(request, year, project):
    _finance_only(request)
    budget_request = get_object_or_404(
        BudgetRequest.objects.select_related("project__owner_org"), year=year, project=project
    )
    report = selectors.budget_report(year, user=request.user)
    line = next(line for line in report["lines"] if line["project"] == budget_request.project_id)
    recommended = Decimal(line["recommended"])
    form = AdjustForm(
        request.POST or None,
        initial={"final": budget_request.final_amount, "justification": budget_request.justification},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.adjust_budget(
                budget_request,
                final=form.cleaned_data["final"],
                justification=form.cleaned_data["justification"],
                recommended=recommended,
                by=request.user,
            )
            messages.success(request, _("The final amount was recorded."))
            return redirect(
                f"{reverse('evaluation:budget', kwargs={'year': year})}?search={budget_request.project.code}"
            )
        except Conflict as error:
            form.add_error(None, str(error))
            status = 409
        except (RequirementsNotMet, ActionNotPermitted) as error:
            if isinstance(error, RequirementsNotMet):
                _form_errors(form, error)
            else:
                raise PermissionDenied from error
    return render(
        request,
        "evaluation/adjust.html",
        {
            "year": year,
            "line": line,
            "budget_request": budget_request,
            "form": form,
            "history": BudgetAdjustment.objects.filter(request=budget_request).select_related("by"),
            "names": selectors.indicator_names(),
            "units": selectors.indicator_units(),
        },
        status=status,
    )


@login_required
@require_POST
def close_year(request, year):
    """Finance closes (publishes) the year's budget; nothing of it changes afterwards."""
    _finance_only(request)
    try:
        services.close_budget_year(year, by=request.user)
        messages.success(request, _("The %(year)d budget is closed: it no longer changes.") % {"year": year})
    except Conflict as error:
        messages.error(request, str(error))
    return redirect("evaluation:budget", year=year)


# --- indicators ------------------------------------------------------------------------------------


@login_required
def indicators(request):
    return render(
        request,
        "evaluation/indicators.html",
        {
            "indicators": Indicator.objects.select_related("domain").prefetch_related("tier_targets"),
            "can_edit": request.user.has_perm("evaluation.change_indicator"),
        },
    )


@login_required
def edit_indicator(request, pk=None):
    indicator = get_object_or_404(Indicator, pk=pk) if pk else Indicator()
    if not request.user.has_perm("evaluation.change_indicator" if pk else "evaluation.add_indicator"):
        raise PermissionDenied
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_indicator(form.instance, by=request.user, targets=form.targets())
            messages.success(request, _("Indicator “%(name)s” saved.") % {"name": form.instance.name})
            return redirect("evaluation:indicators")
        except RequirementsNotMet as error:
            _form_errors(form, error)
    return render(request, "evaluation/indicator_form.html", {"form": form, "indicator": indicator})


def home_panels(request) -> list:
    """Home-page cards: an owner's rectifications and grades, finance's next budget, the office's evaluations."""
    from portfolio.navigation import Panel

    user = request.user
    role = user.role or ("manager" if user.is_superuser else "")
    period = current_period()
    if role == "owner":
        rectifications = Rectification.objects.visible_to(user)
        return [
            Panel(
                title=_("Outcomes and rectifications"),
                template="evaluation/panels/owner.html",
                context={
                    "open": rectifications.open().count(),
                    "overdue": rectifications.overdue().count(),
                    "grades": selectors.grade_counts(period, user),
                    "period": period,
                },
                order=400,
            )
        ]
    if role == "finance":
        year = next_budget_year()
        return [
            Panel(
                title=_("Results-based budget %(year)d") % {"year": year},
                template="evaluation/panels/finance.html",
                # Aggregates only: the home page must stay fast with 50,000 budget lines.
                context={**selectors.budget_overview(year), "year": year},
                order=400,
            )
        ]
    if role in {"manager", "supervisor"}:
        return [
            Panel(
                title=_("Project evaluations"),
                template="evaluation/panels/manager.html",
                context={
                    "grades": selectors.grade_counts(period, user),
                    "period": period,
                    "overdue": Rectification.objects.overdue().count(),
                },
                order=400,
            )
        ]
    return []
