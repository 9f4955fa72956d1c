from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portfolio import health
from portfolio.filters import AuditFilter
from portfolio.models import AuditEvent, Heartbeat, InformationSystem, Organization, Plan, User
from portfolio.navigation import Panel, home_panels
from portfolio.permissions import is_admin

ROLE_DUTIES = {
    "owner": _("Draft and submit proposals, keep milestones and task progress current, file operating data."),
    "reviewer": _("Score and comment on the proposals assigned to you."),
    "manager": _("Keep the plan and reference data, run pre-review, approve and accept projects."),
    "supervisor": _("Watch the task board, issue supervision notices and close them."),
    "finance": _("Set the budget policy, review results-based budgets and export reports."),
}


def core_home_panels(request) -> list[Panel]:
    user = request.user
    role = user.role or ("manager" if user.is_superuser else "")
    panels = [
        Panel(
            title=_("Welcome"),
            template="portfolio/panels/welcome.html",
            context={"duties": ROLE_DUTIES.get(role, "")},
            order=0,
            width=12,
        )
    ]
    if role == "manager":
        panels.append(
            Panel(
                title=_("Reference data"),
                template="portfolio/panels/reference.html",
                context={
                    "counts": [
                        (_("Organizations"), Organization.objects.count(), "admin:portfolio_organization_changelist"),
                        (_("Accounts"), User.objects.count(), "admin:portfolio_user_changelist"),
                        (_("Plans"), Plan.objects.count(), "admin:portfolio_plan_changelist"),
                        (
                            _("Information systems"),
                            InformationSystem.objects.count(),
                            "admin:portfolio_informationsystem_changelist",
                        ),
                    ]
                },
                order=900,
            )
        )
    return panels


@login_required
def home(request):
    return render(request, "portfolio/home.html", {"panels": home_panels(request)})


@login_required
def notifications(request):
    items = request.user.notifications.all()
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "portfolio/notifications.html", {"page": page})


@login_required
@require_POST
def open_notification(request, pk):
    """Mark one notification read and follow its link (only to a path on this site)."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        request.user.notifications.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def read_all_notifications(request):
    request.user.notifications.unread().update(read_at=timezone.now())
    return redirect("notifications")


@login_required
def health_page(request):
    if not (request.user.is_superuser or request.user.role == "manager"):
        raise PermissionDenied
    return render(
        request,
        "portfolio/health.html",
        {"checks": health.run_checks(), "heartbeats": Heartbeat.objects.order_by("name")},
    )


AUDIT_PAGE_SIZE = 50


@login_required
def audit_log(request):
    """The audit trail for the portfolio office: filters, newest first, keyset pages (?before=id)."""
    if not is_admin(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor")
    filterset = AuditFilter(request.GET or None, queryset=events)
    if filterset.is_bound and filterset.is_valid():
        events = filterset.qs
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(pk__lt=int(before))
    rows = list(events.order_by("-id")[: AUDIT_PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "portfolio/audit.html",
        {
            "filter": filterset,
            "events": rows[:AUDIT_PAGE_SIZE],
            "older": rows[AUDIT_PAGE_SIZE - 1].pk if len(rows) > AUDIT_PAGE_SIZE else None,
            "query": query.urlencode(),
            "paged": bool(before),
        },
    )


def favicon(request):
    """/favicon.ico, which browsers ask for on pages without an icon link (the admin's)."""
    return redirect(static("portfolio/favicon.svg"), permanent=True)  # resolved per request: hashed names in production
