"""The cockpit's pages: the dashboard, projects at risk, plan traceability, a project's status.

Every number on them comes from ``cockpit.selectors`` (the same reads as the API) and links to
the project list with the filters that give it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cockpit import selectors, services
from cockpit.exports import at_risk_response, flag_labels
from cockpit.filters import RollupFilter
from cockpit.forms import StatusReportForm
from cockpit.models import StatusReport, StatusRule
from cockpit.ordering import order_risks
from cockpit.permissions import sees_money
from portfolio.models import Plan
from portfolio.workflow import ActionNotPermitted, RequirementsNotMet
from projects.models import Project
from projects.permissions import owns

# The roll-ups the dashboard shows, in order; each a table, the first three also a chart.
DASHBOARD_ROLLUPS = ("domain", "region", "year", "tier", "stage", "org")


def _portfolio_user(request):
    if request.user.role == "reviewer":
        raise Http404  # reviewers see the proposals assigned to them, nothing of the portfolio


def _filters(request):
    data = {name: request.GET.get(name) for name in selectors.FILTERS if request.GET.get(name)}
    filterset = RollupFilter(data or None, queryset=Project.objects.visible_to(request.user), request=request)
    del filterset.form.fields["within"]  # the roll-ups group by the organization itself
    for form_field in filterset.form.fields.values():
        form_field.widget.attrs["class"] = (
            "form-select form-select-sm" if hasattr(form_field, "choices") else "form-control form-control-sm"
        )
    valid = filterset.is_valid() if data else True
    projects = filterset.qs if data and valid else Project.objects.visible_to(request.user)
    return filterset, (data if valid else {}), projects, valid


def _chart(rollup, with_money: bool) -> dict:
    rows = rollup["rows"]
    return {
        "labels": [r["label"] for r in rows],
        "urls": [r["list_url"] for r in rows],
        "count": [r["count"] for r in rows],
        **(
            {name: [float(r[name] / 10000) for r in rows] for name in ("requested", "approved", "spent")}
            if with_money
            else {}
        ),
    }


@login_required
def dashboard(request):
    _portfolio_user(request)
    filterset, filters, projects, valid = _filters(request)
    with_money = sees_money(request.user)
    rollups = {by: selectors.rollup(projects, by, filters=filters, with_money=with_money) for by in DASHBOARD_ROLLUPS}
    risks = order_risks(selectors.at_risk(request.user), None)
    plans = Plan.objects.filter(pk=filters["plan"]) if filters.get("plan") else Plan.objects.all()
    return render(
        request,
        "cockpit/dashboard.html",
        {
            "filter": filterset,
            "filters_valid": valid,
            "with_money": with_money,
            "totals": rollups["stage"]["totals"],
            "rollups": rollups,
            "charts": {
                "with_money": with_money,
                **{by: _chart(rollups[by], with_money) for by in ("domain", "region", "year")},
                "labels": {
                    "requested": _("Requested budget"),
                    "approved": _("Approved budget"),
                    "spent": _("Spent"),
                    "count": _("Number of projects"),
                    "empty": _("No projects match."),
                },
            },
            "risks": risks[:10],
            "risk_count": len(risks),
            "risk_counts": {
                flag: sum(flag in s.risk_flags for s in risks)
                for flag in ("computed_red", "optimistic", "missing_rating", "grade_d")
            },
            "optimism": selectors.optimism_by_org(risks),
            "gaps": selectors.gaps(plans),
            "budget_year": selectors.budget_year(),
        },
    )


@login_required
def at_risk(request):
    _portfolio_user(request)
    ordering = request.GET.get("ordering") or "risk"
    risks = order_risks(selectors.at_risk(request.user), ordering)
    if request.GET.get("format") == "xlsx":
        return at_risk_response(risks)
    for s in risks:
        s.flag_labels = flag_labels(s.risk_flags)
    return render(request, "cockpit/at_risk.html", {"risks": risks, "ordering": ordering})


@login_required
def plans(request):
    _portfolio_user(request)
    all_plans = list(Plan.objects.select_related("region"))
    return render(request, "cockpit/plans.html", {"plans": all_plans})


@login_required
def plan_coverage(request, pk):
    _portfolio_user(request)
    plan = get_object_or_404(Plan, pk=pk)
    return render(
        request,
        "cockpit/coverage.html",
        {"coverage": selectors.coverage(plan, request.user), "with_money": sees_money(request.user)},
    )


@login_required
def project_status(request, pk):
    _portfolio_user(request)
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related("owner_org"), pk=pk)
    can_rate = request.user.role == "owner" and owns(request.user, project) and project.stage in selectors.STATUS_STAGES
    form = StatusReportForm(request.POST or None)
    return render(
        request,
        "cockpit/project.html",
        {
            "status": selectors.project_status(project),
            "history": StatusReport.objects.filter(project=project).select_related("filed_by")[:24],
            "rules": StatusRule.objects.filter(active=True),
            "form": form,
            "can_rate": can_rate,
            "with_money": sees_money(request.user),
        },
    )


@login_required
@require_POST
def file_rating(request, pk):
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    form = StatusReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("cockpit:project", pk=project.pk)
    try:
        services.file_status_report(project, by=request.user, **form.cleaned_data)
    except ActionNotPermitted:
        raise PermissionDenied from None
    except RequirementsNotMet as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The monthly self-rating was filed."))
    return redirect("cockpit:project", pk=project.pk)
