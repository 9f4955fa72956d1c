from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portfolio import channels, health, workdays
from portfolio.filters import AuditFilter
from portfolio.forms import ChannelForm
from portfolio.models import (
    AuditEvent,
    Channel,
    Delivery,
    Event,
    Heartbeat,
    InformationSystem,
    NotificationPreference,
    Organization,
    Plan,
    User,
)
from portfolio.navigation import Panel, home_panels
from portfolio.notifications import preferences
from portfolio.permissions import is_admin
from portfolio.workflow import ActionNotPermitted, RequirementsNotMet

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


NOTIFICATION_GROUP_ITEMS = 5  # items listed under each group; the rest are counted


def _notification_filter(request):
    """The list's filters (event kind, unread only) from the query string; unknown values are ignored."""
    event = request.GET.get("event", "")
    event = event if event in Event.values else ""
    unread = request.GET.get("unread") == "1"
    items = request.user.notifications.all()
    if event:
        items = items.filter(event=event)
    if unread:
        items = items.unread()
    return items, event, unread


@login_required
def notifications(request):
    """The bell's list, grouped by kind of event and by what it is about (the linked page)."""
    items, event, unread = _notification_filter(request)
    groups = (
        items.order_by()
        .values("event", "url")
        .annotate(count=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)), latest=Max("created_at"))
        .order_by("-latest", "event", "url")
    )
    page = Paginator(groups, 20).get_page(request.GET.get("page"))
    keys = [(g["event"], g["url"]) for g in page.object_list]
    listed = defaultdict(list)
    if keys:
        within = Q()
        for key_event, url in keys:
            within |= Q(event=key_event, url=url)
        for n in items.filter(within).order_by("-created_at", "-pk"):
            if len(listed[(n.event, n.url)]) < NOTIFICATION_GROUP_ITEMS:
                listed[(n.event, n.url)].append(n)
    labels = dict(Event.choices)
    for group in page.object_list:
        group["label"] = labels.get(group["event"], group["event"])
        group["items"] = listed[(group["event"], group["url"])]
        group["more"] = group["count"] - len(group["items"])
    query = urlencode({k: v for k, v in (("event", event), ("unread", "1" if unread else "")) if v})
    return render(
        request,
        "portfolio/notifications.html",
        {"page": page, "events": Event.choices, "event": event, "unread": unread, "query": query},
    )


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
    """Mark read everything the list shows under its current filter (all of it without one)."""
    items, event, _unread = _notification_filter(request)
    items.unread().update(read_at=timezone.now())
    return redirect(reverse("notifications") + (f"?{urlencode({'event': event})}" if event else ""))


@login_required
def notification_settings(request):
    """How I am reminded: a delivery per kind of event, and the robot channels I may manage."""
    user = request.user
    form = ChannelForm()
    if request.method == "POST" and request.POST.get("form") == "preferences":
        chosen = {event: request.POST.get(f"delivery-{event}") for event in Event.values}
        if any(value not in Delivery.values for value in chosen.values()):
            messages.error(request, _("Choose a delivery for every kind of event."))
        else:
            with transaction.atomic():
                for event, delivery in chosen.items():
                    NotificationPreference.objects.update_or_create(
                        user=user, event=event, defaults={"delivery": delivery}
                    )
            messages.success(request, _("Your reminder settings are saved."))
            return redirect("notification-settings")
    elif request.method == "POST" and request.POST.get("form") == "channel":
        form = ChannelForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    channels.save_channel(
                        None,
                        by=user,
                        kind=data["kind"],
                        name=data["name"],
                        url=data["url"],
                        secret=data["secret"] or None,
                        organization=user.organization if data["for_organization"] else None,
                    )
            except RequirementsNotMet as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            except ActionNotPermitted as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The channel is registered."))
                return redirect("notification-settings")
    elif request.method == "POST" and request.POST.get("form") == "remove":
        channel = get_object_or_404(Channel.objects.visible_to(user), pk=request.POST.get("channel") or 0)
        channel.delete()
        messages.success(request, _("The channel is removed."))
        return redirect("notification-settings")
    return render(
        request,
        "portfolio/notification_settings.html",
        {
            "preferences": preferences(user),
            "deliveries": Delivery.choices,
            "channels": Channel.objects.visible_to(user)
            .filter(Q(user=user) | Q(organization_id=user.organization_id))
            .select_related("organization"),
            "form": form,
        },
    )


@login_required
def health_page(request):
    if not (request.user.is_superuser or request.user.role == "manager"):
        raise PermissionDenied
    return render(
        request,
        "portfolio/health.html",
        {
            "checks": health.run_checks(),
            "heartbeats": Heartbeat.objects.order_by("name"),
            "failing_channels": Channel.objects.failing().select_related("organization", "user"),
            "calendar_unknown": workdays.unknown_years(around=timezone.localdate()),
        },
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
