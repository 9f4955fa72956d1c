"""Who is told about a task, and the notifications the scan and the services send.

"Whoever must act" on a task is the owner accounts of its lead and co-lead organizations (not
their leader accounts, who hear of escalations only: severe warnings, unanswered notices). An
organization without accounts of its own (a district bureau that works through its government)
is represented by the owners of its nearest ancestor that has some, so no warning goes unheard.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portfolio.models import Organization, Role, User
from portfolio.notifications import leaders_of, notify, supervision_offices, users_with_role
from tasks.lifecycle import WarningKind
from tasks.models import Task

# How many tasks one notification lists by name before it says "and N more".
LISTED = 10

WARNING_TITLES = {
    WarningKind.DUE_SOON: _("Due soon: %(count)d task(s) of your organization"),
    WarningKind.OVERDUE: _("Overdue: %(count)d task(s) of your organization"),
    WarningKind.SEVERE: _("Severely overdue: %(count)d task(s) of your organization"),
    WarningKind.UNACKNOWLEDGED: _("Not acknowledged: %(count)d task(s) of your organization"),
    WarningKind.REPORT_MISSING: _("Progress report missing: %(count)d task(s) of your organization"),
    WarningKind.NOTICE_OVERDUE: _("Supervision notice reply overdue: %(count)d task(s) of your organization"),
}
WARNING_BODIES = {
    WarningKind.DUE_SOON: _("These tasks are due within a few days:"),
    WarningKind.OVERDUE: _("These tasks are past their due date:"),
    WarningKind.SEVERE: _("These tasks are long past their due date and will be supervised:"),
    WarningKind.UNACKNOWLEDGED: _("These tasks were assigned to you and are not yet acknowledged:"),
    WarningKind.REPORT_MISSING: _("These tasks have had no progress report for a full reporting cycle:"),
    WarningKind.NOTICE_OVERDUE: _("The supervision notices on these tasks are past their reply deadline:"),
}


def owners_for_orgs(org_ids) -> dict[int, list[User]]:
    """Owner accounts answering for each organization (its own, else its nearest ancestor's)."""
    org_ids = set(org_ids)
    if not org_ids:
        return {}
    paths = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "path"))
    ancestors = {int(step) for path in paths.values() for step in path.strip("/").split("/") if step}
    by_org = defaultdict(list)
    # Leader accounts are told of escalations (notify_warnings → _escalate), not of every reminder.
    for user in User.objects.filter(organization_id__in=ancestors, role=Role.OWNER, is_active=True, is_leader=False):
        by_org[user.organization_id].append(user)
    answer = {}
    for org_id, path in paths.items():
        chain = [int(step) for step in path.strip("/").split("/") if step]
        answer[org_id] = next((by_org[pk] for pk in reversed(chain) if by_org.get(pk)), [])
    return answer


def task_leads(task: Task) -> list[User]:
    """The owners who answer for one task (lead and co-leads)."""
    org_ids = [task.lead_org_id, *task.co_lead_orgs.values_list("pk", flat=True)]
    owners = owners_for_orgs(org_ids)
    return [user for org_id in org_ids for user in owners.get(org_id, [])]


def task_url(task_id: int) -> str:
    return reverse("tasks:detail", args=[task_id])


def _body(intro, tasks: list[tuple[int, str, str]], *, extra: int | None = None) -> str:
    """The intro and the tasks, in the site language, escaped for notify()'s %-formatting."""
    with translation.override(settings.LANGUAGE_CODE):
        return (str(intro) + "\n" + _lines(tasks, extra=extra)).replace("%", "%%")


def _lines(tasks: list[tuple[int, str, str]], *, extra: int | None = None) -> str:
    lines = [f"· {code} {title}" for _pk, code, title in tasks[:LISTED]]
    more = len(tasks) - LISTED if extra is None else extra
    if more > 0:
        lines.append(str(_("… and %(count)d more") % {"count": more}))
    return "\n".join(lines)


def notify_warnings(new: QuerySet) -> int:
    """Notify about these warnings (those a scan just opened); return how many there were.

    Each recipient gets one notification per warning kind, listing the tasks. Only the warnings
    of organizations that have someone to tell are read into Python, so a run that opens many
    warnings for organizations without accounts stays set-based.
    """
    new = new.filter(closed_at__isnull=True)
    count = new.count()
    if not count:
        return 0
    lead_orgs = set(new.order_by().values_list("task__lead_org", flat=True).distinct())
    co_leads = defaultdict(list)
    for task_id, org_id in Task.co_lead_orgs.through.objects.filter(task__in=new.values("task")).values_list(
        "task_id", "organization_id"
    ):
        co_leads[task_id].append(org_id)
    owners = owners_for_orgs(lead_orgs | {o for orgs in co_leads.values() for o in orgs})
    answering = {org for org, users in owners.items() if users}
    rows = list(
        new.filter(
            Q(task__lead_org__in=answering) | Q(task__in=[t for t, orgs in co_leads.items() if set(orgs) & answering])
        )
        .values_list("kind", "task_id", "task__code", "task__title", "task__lead_org_id")
        .order_by("task__due_date", "task_id")
    )
    per_user, users = defaultdict(list), {}
    for kind, task_id, code, title, lead_org_id in rows:
        for org_id in (lead_org_id, *co_leads.get(task_id, ())):
            for user in owners.get(org_id, []):
                users[user.pk] = user
                entry = per_user[(user.pk, kind)]
                if not entry or entry[-1][0] != task_id:
                    entry.append((task_id, code, title))
    for (user_pk, kind), listed in per_user.items():
        _send(users[user_pk], kind, listed)

    for kind in ESCALATED:
        escalated = new.filter(kind=kind)
        if kind == WarningKind.SEVERE:
            # A task with a notice already open is being supervised: proposing another one is noise.
            escalated = escalated.filter(task__open_notice_count=0)
        _escalate(escalated, kind)
    return count


# The rungs of the ladder that go above the lead organization (DESIGN.md "Warning kinds"): the
# supervisors, the supervision office's group, and the lead organization's leader accounts.
ESCALATED = {
    WarningKind.SEVERE: (
        _("Severely overdue: %(count)d task(s) — a supervision notice is proposed"),
        _("Consider issuing a supervision notice on these tasks:"),
        _("Severely overdue tasks of your organization: %(count)d"),
        "#issue-notice",
    ),
    WarningKind.NOTICE_OVERDUE: (
        _("Supervision notice unanswered past its reply date: %(count)d task(s)"),
        _("The lead organizations have not replied to the supervision notices on these tasks in time:"),
        _("Supervision notices to your organization unanswered past their reply date: %(count)d"),
        "#notices",
    ),
}


def _escalate(warnings: QuerySet, kind: str) -> None:
    """Tell the supervisors and their office's group once, and each lead organization's leaders."""
    title, intro, leader_title, anchor = ESCALATED[kind]
    total = warnings.count()
    if not total:
        return
    rows = list(
        warnings.order_by("task__due_date", "task_id").values_list(
            "pk", "task_id", "task__code", "task__title", "task__lead_org_id"
        )
    )
    listed = [(task_id, code, title_) for _pk, task_id, code, title_, _org in rows]
    url = task_url(listed[0][0]) + anchor if total == 1 else reverse("tasks:board") + "?light=red"
    ids = [pk for pk, *_rest in rows]
    notify(
        users_with_role(Role.SUPERVISOR),
        kind=f"tasks.warning.{kind}.supervisor",
        title=title,
        body=_body(intro, listed[:LISTED], extra=total - LISTED),
        url=url,
        params={"count": total},
        groups=supervision_offices(),
        event_key=f"w{min(ids)}-{max(ids)}-{total}",
    )
    by_org = defaultdict(list)
    for _pk, task_id, code, title_, org_id in rows:
        by_org[org_id].append((task_id, code, title_))
    for leader in leaders_of(by_org):
        tasks = by_org[leader.organization_id]
        notify(
            [leader],
            kind=f"tasks.escalation.{kind}",
            title=leader_title,
            body=_body(intro, tasks),
            url=task_url(tasks[0][0]) if len(tasks) == 1 else reverse("tasks:list") + "?light=red",
            params={"count": len(tasks)},
        )


def _send(user: User, kind: str, listed: list[tuple[int, str, str]]) -> None:
    url = task_url(listed[0][0]) if len(listed) == 1 else reverse("tasks:list") + "?mine=1"
    notify(
        [user],
        kind=f"tasks.warning.{kind}",
        title=WARNING_TITLES[kind],
        body=_body(WARNING_BODIES[kind], listed),
        url=url,
        params={"count": len(listed)},
    )
