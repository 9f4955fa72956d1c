"""Writes on key tasks: one transaction each, a keyword-only acting user, the row locked where two
people could act at once, the warnings refreshed with the change, notifications committed with it.

Nothing here imports DRF: refusals are portfolio.workflow errors (409/403/400 in the API, messages
on the pages) or Django ValidationErrors, raised before anything is written.
"""

import uuid
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio import audit
from portfolio.models import Role, User
from portfolio.notifications import notify, users_with_role
from portfolio.uploads import CheckedUpload, store_upload, validate_upload
from portfolio.workflow import ActionNotPermitted, InvalidTransition, RequirementsNotMet
from tasks import signals
from tasks.lifecycle import (
    ACTORS,
    COMMENT_REQUIRED,
    LEAD,
    NOTICE_ACTORS,
    NOTICE_TRANSITIONS,
    TRANSITIONS,
    Action,
    NoticeAction,
    NoticeStatus,
    Status,
)
from tasks.models import (
    ASSIGNMENT_FIELDS,
    Evidence,
    Notice,
    NoticeEvent,
    ProgressReport,
    ProgressReportRevision,
    Task,
    TaskTransition,
)
from tasks.notify import owners_for_orgs, task_leads, task_url
from tasks.permissions import is_task_lead, is_task_partner
from tasks.scan import refresh_tasks

ACTOR_LABELS = {
    LEAD: gettext_lazy("the lead organization"),
    "supervisor": gettext_lazy("the supervision office"),
    "manager": gettext_lazy("the portfolio office"),
}
REPORTABLE = frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REPORTED})
TASK_M2M = ("co_lead_orgs", "partner_orgs", "projects")
TASK_FIELDS = tuple(f for f in ASSIGNMENT_FIELDS if f not in TASK_M2M)


def role_of(user: User) -> str:
    return user.role or (Role.MANAGER if user.is_superuser else "")


def may_act(user: User, task: Task, actors: frozenset) -> bool:
    return role_of(user) in actors or (LEAD in actors and is_task_lead(user, task))


def allowed_actions(task: Task, user: User) -> list[str]:
    """The cycle actions this user may take on this task now, in table order."""
    return [a for a in TRANSITIONS.allowed(task.status) if may_act(user, task, ACTORS[a])]


def _refuse_actor(actors, action_label) -> ActionNotPermitted:
    who = "、".join(str(ACTOR_LABELS[a]) for a in sorted(actors) if a in ACTOR_LABELS)
    return ActionNotPermitted(_("Only %(who)s may “%(action)s”.") % {"who": who, "action": action_label})


def _invalid(task: Task, action: str, user: User, *, label: str | None = None) -> InvalidTransition:
    """Not allowed from the current status: name the status and what *this user* may do."""
    return InvalidTransition(
        state_field="status",
        state=task.status,
        state_label=str(task.get_status_display()),
        action=action,
        action_label=label or str(TRANSITIONS.action_labels.get(action, action)),
        allowed={a: str(TRANSITIONS.action_labels[a]) for a in allowed_actions(task, user)},
    )


def _placeholder_code() -> str:
    """Unique until the row has its primary key, which the real code is made from."""
    return f"new-{uuid.uuid4().hex}"


def _lock(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


# --- Creating and editing tasks (交办) ---------------------------------------------------------
def _check_assigner(user: User) -> None:
    if role_of(user) not in (Role.MANAGER, Role.SUPERVISOR):
        raise ActionNotPermitted(_("Only the portfolio office or the supervision office may assign and edit tasks."))


def _validated(task: Task) -> None:
    try:
        task.full_clean(exclude=["code"])
    except ValidationError as error:
        raise RequirementsNotMet(error.message_dict) from None


def create_task(*, by: User, m2m: dict | None = None, **fields) -> Task:
    _check_assigner(by)
    task = Task(created_by=by, **{k: v for k, v in fields.items() if k in TASK_FIELDS})
    task.code = _placeholder_code()
    _validated(task)
    with transaction.atomic():
        task.save()
        # The code follows the primary key, so two managers assigning at once never collide.
        task.code = f"RW-{task.assigned_at.year}-{task.pk:05d}"
        task.save(update_fields=["code"])
        for name, values in (m2m or {}).items():
            getattr(task, name).set(values)
        leads = task_leads(task)
        notify(
            leads,
            kind="tasks.assigned",
            title=gettext_lazy("New task assigned to your organization: %(title)s"),
            body=gettext_lazy("Please acknowledge it. Due: %(due)s."),
            url=task_url(task.pk),
            params={"title": task.title[:80], "due": _due_text(task)},
        )
        refresh_tasks(Task.objects.filter(pk=task.pk))
    return task


def update_task(task: Task, *, by: User, m2m: dict | None = None, **fields) -> Task:
    """Edit a task's assignment (title, units, dates). A moved due date clears or opens warnings."""
    _check_assigner(by)
    with transaction.atomic():
        task = _lock(task)
        for name, value in fields.items():
            if name in TASK_FIELDS:
                setattr(task, name, value)
        _validated(task)
        task.save()
        for name, values in (m2m or {}).items():
            getattr(task, name).set(values)
        refresh_tasks(Task.objects.filter(pk=task.pk))
    return task


def _due_text(task: Task) -> str:
    if task.due_date:
        return f"{task.due_date.year}年{task.due_date.month}月{task.due_date.day}日"
    return task.deadline_text or _("ongoing")


# --- The cycle ---------------------------------------------------------------------------------
def transition(task: Task, action: str, *, by: User, comment: str = "", files: Iterable = ()) -> Task:
    """Take one step of the cycle (DESIGN.md): check who, from which status, and what it needs."""
    action_label = TRANSITIONS.action_labels.get(action, action)
    if action not in ACTORS:
        raise _invalid(task, action, by)
    if not may_act(by, task, ACTORS[action]):
        raise _refuse_actor(ACTORS[action], action_label)
    comment = (comment or "").strip()
    if action in COMMENT_REQUIRED and not comment:
        raise RequirementsNotMet({"comment": _("“%(action)s” needs a comment.") % {"action": action_label}})
    checked = _check_files(files)
    stored = []
    try:
        with transaction.atomic():
            task = _lock(task)
            if action not in TRANSITIONS.allowed(task.status):
                raise _invalid(task, action, by)
            target = TRANSITIONS.target(task.status, action)
            source, now = task.status, timezone.now()
            if action == Action.RESUME:
                target = task.suspended_from or target
            task.suspended_from = source if action == Action.SUSPEND else ""
            task.status, task.status_changed_at = target, now
            update = ["status", "status_changed_at", "suspended_from", "updated_at"]
            if action == Action.FINISH:
                # 反馈: the lead's final report, 100 %, with its evidence.
                _report(task, by=by, period=now, text=comment, percent=100, checked=checked, stored=stored, lead=True)
                update += ["progress", "last_report_at"]
            if action == Action.VERIFY:
                task.completed_at = now
                update.append("completed_at")
            if action == Action.SEND_BACK:
                task.completed_at = None
            task.save(update_fields=update)
            TaskTransition.objects.create(
                task=task, action=action, from_status=source, to_status=target, by=by, at=now, comment=comment
            )
            audit.transition(task, action=(action, action_label), source=source, target=target, by=by, comment=comment)
            _notify_transition(task, action, by=by, comment=comment)
            refresh_tasks(Task.objects.filter(pk=task.pk))
            signals.task_status_changed.send(sender=Task, task=task, action=action, by=by)
    except BaseException:
        _discard(stored)
        raise
    return task


def _notify_transition(task: Task, action: str, *, by: User, comment: str) -> None:
    label = TRANSITIONS.action_labels[action]
    params = {"code": task.code, "title": task.title[:80], "action": label, "comment": comment}
    if action in (Action.FINISH,):
        recipients = users_with_role(Role.SUPERVISOR)
        title = gettext_lazy("Task reported done, please verify: %(code)s %(title)s")
    elif action in (Action.VERIFY, Action.SEND_BACK, Action.SUSPEND, Action.RESUME):
        recipients = task_leads(task)
        title = gettext_lazy("%(action)s: %(code)s %(title)s")
    else:
        return
    body = gettext_lazy("Comment: %(comment)s") if comment else ""
    notify(
        [u for u in recipients if u.pk != by.pk],
        kind=f"tasks.{action}",
        title=title,
        body=body,
        url=task_url(task.pk),
        params=params,
    )


# --- Progress reports (进展填报) -----------------------------------------------------------------
def _check_files(files) -> list[tuple[object, CheckedUpload]]:
    checked = []
    for uploaded in files or ():
        try:
            checked.append((uploaded, validate_upload(uploaded)))
        except ValidationError as error:
            raise RequirementsNotMet({"files": [f"{uploaded.name}: {m}" for m in error.messages]}) from None
    return checked


def _discard(stored: list[str]) -> None:
    for name in stored:
        default_storage.delete(name)


def _report(task, *, by, period, text, percent, checked, stored, lead, reason="") -> ProgressReport:
    """File the organization's report for ``period``; a second one for the same period revises
    the first, whose old values are kept as a revision (one report per organization and month)."""
    now = timezone.now()
    period_text = period.strftime("%Y-%m") if isinstance(period, date) else period
    report = (
        ProgressReport.objects.select_for_update().filter(task=task, org=by.organization, period=period_text).first()
    )
    if report is not None:
        revision = ProgressReportRevision(
            report=report,
            text=report.text,
            percent=report.percent,
            reason=report.reason,
            by_id=report.by_id,
            reported_at=report.updated_at or report.created_at,
            replaced_at=now,
        )
        report.text, report.percent, report.reason, report.by, report.updated_at = text, percent, reason, by, now
        report.is_lead_report = lead
    else:
        revision = None
        report = ProgressReport(
            task=task,
            org=by.organization,
            is_lead_report=lead,
            period=period_text,
            text=text,
            percent=percent,
            reason=reason,
            by=by,
        )
        report.created_at = now
    try:
        report.full_clean(exclude=["task", "org", "by"], validate_constraints=False)
    except ValidationError as error:
        raise RequirementsNotMet(error.message_dict) from None
    if revision is not None:
        revision.save()
    report.save()
    for uploaded, info in checked:
        name = store_upload(uploaded, info, folder="task-evidence")
        stored.append(name)
        Evidence.objects.create(
            report=report,
            file=name,
            display_name=info.display_name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
        )
    if lead:
        task.progress, task.last_report_at = percent, now
    return report


def last_percent(task: Task, org, *, lead: bool) -> int | None:
    """The percentage of the organization's latest report (the lead's: the task's progress)."""
    if lead:
        return task.progress if task.last_report_at else None
    latest = ProgressReport.objects.filter(task=task, org=org).order_by("-created_at", "-pk").first()
    return latest.percent if latest else None


def file_report(
    task: Task, *, by: User, period: str, text: str, percent, files: Iterable = (), reason: str = ""
) -> ProgressReport:
    """File a progress report: the lead's sets the task's progress; a partner's covers its part.

    Progress lower than the organization's last report needs a written ``reason``; a second
    report for a period revises the first (with its history) instead of adding a row."""
    lead = is_task_lead(by, task)
    if not lead and not is_task_partner(by, task):
        raise ActionNotPermitted(_("Only the lead, co-lead and partner organizations of this task may report on it."))
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Describe the progress made.")
    try:
        percent = int(percent)
        if not 0 <= percent <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["percent"] = _("The percentage must be a whole number from 0 to 100.")
    if errors:
        raise RequirementsNotMet(errors)
    checked = _check_files(files)
    stored = []
    try:
        with transaction.atomic():
            task = _lock(task)
            if task.status not in REPORTABLE:
                raise _invalid(task, "report", by, label=_("Report progress"))
            reason = (reason or "").strip()
            last = last_percent(task, by.organization, lead=lead)
            if last is not None and percent < last and not reason:
                raise RequirementsNotMet(
                    {
                        "reason": _(
                            "%(percent)d%% is lower than the last report (%(last)d%%): say why progress went back."
                        )
                        % {"percent": percent, "last": last}
                    }
                )
            report = _report(
                task,
                by=by,
                period=period,
                text=text.strip(),
                percent=percent,
                checked=checked,
                stored=stored,
                lead=lead,
                reason=reason,
            )
            if lead:
                task.save(update_fields=["progress", "last_report_at", "updated_at"])
                refresh_tasks(Task.objects.filter(pk=task.pk))
            if not lead:
                notify(
                    task_leads(task),
                    kind="tasks.partner_report",
                    title=gettext_lazy("A partner reported on %(code)s: %(org)s, %(percent)d%%"),
                    url=task_url(task.pk),
                    params={"code": task.code, "org": by.organization.name, "percent": percent},
                )
    except BaseException:
        _discard(stored)
        raise
    return report


# --- Supervision notices (督办单) ----------------------------------------------------------------
def issue_notice(task: Task, *, by: User, requirement: str, reply_due: date) -> Notice:
    if role_of(by) not in NOTICE_ACTORS[NoticeAction.ISSUE]:
        raise _refuse_actor(NOTICE_ACTORS[NoticeAction.ISSUE], NoticeAction.ISSUE.label)
    errors = {}
    if not (requirement or "").strip():
        errors["requirement"] = _("Write what the lead organization must do.")
    if not reply_due:
        errors["reply_due"] = _("Set a reply deadline.")
    elif reply_due < timezone.localdate():
        errors["reply_due"] = _("The reply deadline cannot be in the past.")
    if errors:
        raise RequirementsNotMet(errors)
    with transaction.atomic():
        task = _lock(task)
        if task.status == Status.COMPLETED:
            raise InvalidTransition(
                state_field="status",
                state=task.status,
                state_label=str(task.get_status_display()),
                action="issue_notice",
                action_label=_("Issue a supervision notice"),
                allowed={},
            )
        # One open notice per task: a second would split the record of one demand in two. A
        # reply that is late or not good enough is escalated on the open notice instead. (The
        # task row is locked, so two supervisors issuing at once cannot both pass this check.)
        already = Notice.objects.filter(task=task).exclude(status=NoticeStatus.CLOSED).order_by("pk").first()
        if already is not None:
            raise NoticeAlreadyOpen(already, by)
        notice = Notice.objects.create(task=task, requirement=requirement.strip(), reply_due=reply_due, issued_by=by)
        _notice_event(notice, NoticeAction.ISSUE, by=by, text=notice.requirement)
        notify(
            task_leads(task),
            kind="tasks.notice.issued",
            title=gettext_lazy("Supervision notice on %(code)s: reply by %(due)s"),
            body=gettext_lazy("Requirement: %(requirement)s"),
            url=task_url(task.pk) + "#notices",
            params={"code": task.code, "due": _date(reply_due), "requirement": notice.requirement},
        )
        refresh_notice_counts(Task.objects.filter(pk=task.pk))
    return notice


class NoticeAlreadyOpen(InvalidTransition):
    """A task already has a notice that is not closed: name it, and what may be done with it (409)."""

    def __init__(self, notice: Notice, user: User):
        allowed = {
            a: str(NOTICE_TRANSITIONS.action_labels[a])
            for a in NOTICE_TRANSITIONS.allowed(notice.status)
            if may_act(user, notice.task, NOTICE_ACTORS[a])
        }
        super().__init__(
            state_field="notice_status",
            state=notice.status,
            state_label=str(notice.get_status_display()),
            action="issue_notice",
            action_label=_("Issue a supervision notice"),
            allowed=allowed,
        )
        self.notice = notice
        self.args = (
            _(
                "This task already has an open supervision notice, %(number)s (%(status)s, reply due %(due)s). "
                "Escalate that notice instead of issuing a second one, or close it first."
            )
            % {"number": notice.number, "status": notice.get_status_display(), "due": _date(notice.reply_due)},
        )


def refresh_notice_counts(tasks) -> int:
    """Store each task's count of notices not yet closed (the board sums it)."""
    open_notices = (
        Notice.objects.filter(task=OuterRef("pk"))
        .exclude(status=NoticeStatus.CLOSED)
        .order_by()
        .values("task")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Task.objects.filter(pk__in=tasks.values("pk")).update(
        open_notice_count=Coalesce(Subquery(open_notices), Value(0))
    )


def _refresh_notice_task(task_id: int) -> None:
    """A notice changed: its overdue-reply warning may clear, and the open-notice count moves."""
    task = Task.objects.filter(pk=task_id)
    refresh_tasks(task)
    refresh_notice_counts(task)


def _date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _notice_step(notice: Notice, action: str, *, by: User) -> Notice:
    """Lock the notice, check the actor and the table; return the locked notice."""
    label = NOTICE_TRANSITIONS.action_labels[action]
    if not may_act(by, notice.task, NOTICE_ACTORS[action]):
        raise _refuse_actor(NOTICE_ACTORS[action], label)
    locked = Notice.objects.select_for_update().select_related("task").get(pk=notice.pk)
    locked.previous_status = locked.status
    locked.status = NOTICE_TRANSITIONS.target(locked.status, action)
    return locked


def _notice_event(notice: Notice, action: str, *, by: User, text: str) -> None:
    """A notice's step: its own event row and the audit trail's."""
    NoticeEvent.objects.create(notice=notice, action=action, by=by, text=text)
    source = getattr(notice, "previous_status", "")
    audit.transition(
        notice,
        action=(action, NOTICE_TRANSITIONS.action_labels[action]),
        source=source,
        target=notice.status,
        by=by,
        comment=text,
        label=f"{notice.task.code} {notice.task.title[:80]}",
    )


def reply_notice(notice: Notice, *, by: User, reply: str) -> Notice:
    if not (reply or "").strip():
        raise RequirementsNotMet({"reply": _("Write the reply: what was done and what will be done by when.")})
    with transaction.atomic():
        notice = _notice_step(notice, NoticeAction.REPLY, by=by)
        notice.reply, notice.replied_at = reply.strip(), timezone.now()
        notice.save(update_fields=["status", "reply", "replied_at"])
        _notice_event(notice, NoticeAction.REPLY, by=by, text=notice.reply)
        notify(
            [notice.issued_by],
            kind="tasks.notice.replied",
            title=gettext_lazy("Reply to the supervision notice on %(code)s"),
            body=gettext_lazy("%(org)s replied: %(reply)s"),
            url=task_url(notice.task_id) + "#notices",
            params={"code": notice.task.code, "org": by.organization.name, "reply": notice.reply},
        )
        _refresh_notice_task(notice.task_id)
    return notice


def close_notice(notice: Notice, *, by: User, comment: str = "") -> Notice:
    """销号: the supervisor is satisfied; the notice is done."""
    with transaction.atomic():
        notice = _notice_step(notice, NoticeAction.CLOSE, by=by)
        notice.closed_at = timezone.now()
        notice.save(update_fields=["status", "closed_at"])
        _notice_event(notice, NoticeAction.CLOSE, by=by, text=(comment or "").strip())
        notify(
            task_leads(notice.task),
            kind="tasks.notice.closed",
            title=gettext_lazy("Supervision notice on %(code)s closed"),
            url=task_url(notice.task_id) + "#notices",
            params={"code": notice.task.code},
        )
        _refresh_notice_task(notice.task_id)
    return notice


def escalate_notice(notice: Notice, *, by: User, comment: str, reply_due: date) -> Notice:
    """The reply is late or not good enough: raise the level, set a new deadline, tell those above."""
    errors = {}
    if not (comment or "").strip():
        errors["comment"] = _("Say why the notice is escalated and what is now required.")
    if not reply_due or reply_due < timezone.localdate():
        errors["reply_due"] = _("Set a new reply deadline that is not in the past.")
    if errors:
        raise RequirementsNotMet(errors)
    with transaction.atomic():
        notice = _notice_step(notice, NoticeAction.ESCALATE, by=by)
        if reply_due < notice.reply_due:
            # The lead was given the current date: an escalation may keep or extend it, never take
            # time back (an earlier date could turn a reply that was on time into a late one).
            raise RequirementsNotMet(
                {
                    "reply_due": _("The new reply deadline cannot be earlier than the current one, %(due)s.")
                    % {"due": _date(notice.reply_due)}
                }
            )
        notice.level += 1
        notice.reply_due = reply_due
        notice.save(update_fields=["status", "level", "reply_due"])
        _notice_event(notice, NoticeAction.ESCALATE, by=by, text=comment.strip())
        task = notice.task
        above = (
            owners_for_orgs([task.lead_org.parent_id]).get(task.lead_org.parent_id, [])
            if task.lead_org.parent_id
            else []
        )
        notify(
            [*task_leads(task), *above, *users_with_role(Role.MANAGER)],
            kind="tasks.notice.escalated",
            title=gettext_lazy("Supervision notice escalated (level %(level)d): %(code)s"),
            body=gettext_lazy("%(comment)s Reply by %(due)s."),
            url=task_url(task.pk) + "#notices",
            params={"level": notice.level, "code": task.code, "comment": comment.strip(), "due": _date(reply_due)},
        )
        _refresh_notice_task(task.pk)
    return notice


# --- The Excel import (任务分工表) ----------------------------------------------------------------
class ImportRefused(Exception):
    """Bad rows and no permission to skip them: nothing was imported."""

    def __init__(self, bad_rows):
        self.bad_rows = bad_rows
        super().__init__(_("%(count)d row(s) cannot be imported; nothing was imported.") % {"count": len(bad_rows)})


@audit.audited_import("tasks.import", lambda result: result)
def import_tasks(planned, *, plan, by: User | None, assigned_on: date, skip_bad_rows: bool = False) -> dict:
    """Write an ``importing.ImportPlan``: all or nothing unless ``skip_bad_rows``.

    A row whose task text was imported into this plan before updates that task (its units and
    deadline; its status and reports stay), so importing the same file twice changes nothing.
    """
    if by is not None:
        _check_assigner(by)
    if planned.bad_rows and not skip_bad_rows:
        raise ImportRefused(planned.bad_rows)
    created = updated = unchanged = 0
    new_by_org = {}
    with transaction.atomic():
        existing = {
            t.import_key: t
            for t in Task.objects.select_for_update().filter(
                plan=plan, import_key__in=[r.import_key for r in planned.good_rows]
            )
        }
        touched = []
        for row in planned.good_rows:
            fields = {
                "title": row.title[:500],
                "lead_org": row.lead_org,
                "due_date": row.due_date,
                "deadline_text": row.deadline_text if not row.due_date else "",
                "partner_names": row.partner_names,
            }
            task = existing.get(row.import_key)
            if task is None:
                task = Task(
                    plan=plan,
                    import_key=row.import_key,
                    # A plan already under way: a deadline before the assignment date is loaded
                    # as assigned on its deadline, so it is overdue at the next scan (the preview
                    # warned), rather than refused.
                    assigned_at=min(assigned_on, row.due_date) if row.due_date else assigned_on,
                    created_by=by,
                    domain=row.domain,
                    **fields,
                )
                task.code = _placeholder_code()
                task.save()
                task.code = f"RW-{assigned_on.year}-{task.pk:05d}"
                task.save(update_fields=["code"])
                created += 1
                new_by_org.setdefault(task.lead_org_id, []).append(task)
            else:
                before = (
                    [getattr(task, k) for k in fields],
                    set(task.co_lead_orgs.values_list("pk", flat=True)),
                    set(task.partner_orgs.values_list("pk", flat=True)),
                )
                for name, value in fields.items():
                    setattr(task, name, value)
                after = (
                    [getattr(task, k) for k in fields],
                    {o.pk for o in row.co_lead_orgs},
                    {o.pk for o in row.partner_orgs},
                )
                if before == after:
                    unchanged += 1
                    continue
                if task.due_date and task.due_date < task.assigned_at:
                    task.assigned_at = task.due_date
                task.save()
                updated += 1
            task.co_lead_orgs.set(row.co_lead_orgs)
            task.partner_orgs.set(row.partner_orgs)
            touched.append(task.pk)
        owners = owners_for_orgs(new_by_org)
        for org_id, tasks in new_by_org.items():
            notify(
                owners.get(org_id, []),
                kind="tasks.assigned",
                title=gettext_lazy("%(count)d new task(s) assigned to your organization"),
                body=gettext_lazy("Please acknowledge them on the task list."),
                url=task_url(tasks[0].pk) if len(tasks) == 1 else "/tasks/",
                params={"count": len(tasks)},
            )
        if touched:
            refresh_tasks(Task.objects.filter(pk__in=touched))
    return {"created": created, "updated": updated, "unchanged": unchanged, "skipped": len(planned.bad_rows)}


@audit.audited_import("tasks.upload", lambda record: {"upload": record.pk, "file": record.display_name})
def receive_import(
    uploaded, *, plan, year: int, by: User, assigned_on: date | None = None, blank_deadline: str = "none"
):
    """Step 1 of the upload page: check and keep the file, read it once to refuse a bad one now."""
    from tasks.importing import ImportFileError, read_workbook
    from tasks.models import TaskImport

    _check_assigner(by)
    if uploaded.size and uploaded.size <= 8 * 1024 * 1024:
        head = uploaded.read()
        uploaded.seek(0)
        read_workbook(head)  # raises ImportFileError with the reason (encrypted, empty, not xlsx …)
    checked = validate_upload(
        uploaded, allowed={"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    )
    name = store_upload(uploaded, checked, folder="task-imports")
    if not name:
        raise ImportFileError(_("The file could not be stored."))
    return TaskImport.objects.create(
        plan=plan,
        year=year,
        assigned_on=assigned_on or timezone.localdate(),
        blank_deadline=blank_deadline,
        file=name,
        display_name=checked.display_name,
        sha256=checked.sha256,
        by=by,
    )


def recent_imports():
    from tasks.models import TaskImport

    return TaskImport.objects.select_related("plan", "by")


def plan_recorded_import(record, *, confirmed=None):
    from tasks.importing import plan_import, read_workbook

    with default_storage.open(record.file, "rb") as stored:
        rows = read_workbook(stored.read())
    return plan_import(
        rows,
        plan=record.plan,
        year=record.year,
        assigned_on=record.assigned_on,
        confirmed=confirmed,
        blank_deadline=record.blank_deadline,
        by=record.by,
    )


def confirmed_from(data, record) -> dict:
    """The organizations a manager chose for close-matched lead names (form fields ``confirm-N``)."""
    from portfolio.models import Organization

    chosen = {}
    for key, value in data.items():
        if key.startswith("confirm-name-"):
            org_id = data.get("confirm-org-" + key.removeprefix("confirm-name-"), "")
            org = Organization.objects.filter(pk=org_id).first() if org_id.isdigit() else None
            chosen[value] = org
    return chosen


class AlreadyImported(Exception):
    """The upload was imported meanwhile (a second click, another manager): nothing was done."""


@audit.audited_import("tasks.import", lambda result: result)
def finish_import(record, planned, *, by: User, skip_bad_rows: bool, confirmed: dict | None = None) -> dict:
    """Import a checked upload once: the record is claimed in the same transaction as the rows,
    so two confirmations at once import it once, and a refused import leaves it pending.

    Each close match the manager confirmed (``confirmed``: name as written → organization) is
    saved as an alias of that organization with the import, so the next sheet matches it at once."""
    from tasks.models import TaskImport

    with transaction.atomic():
        pending = TaskImport.objects.filter(pk=record.pk, state=TaskImport.State.PENDING)
        if not pending.update(state=TaskImport.State.IMPORTED):
            raise AlreadyImported(_("This upload was already imported."))
        result = import_tasks(
            planned, plan=record.plan, by=by, assigned_on=record.assigned_on, skip_bad_rows=skip_bad_rows
        )
        result["aliases"] = save_aliases(confirmed or {})
        TaskImport.objects.filter(pk=record.pk).update(result=result)
    return result


def save_aliases(confirmed: dict) -> int:
    """Add each confirmed name to its organization's aliases (once; the row is locked)."""
    from portfolio.models import Organization
    from tasks.units import normalize

    added = 0
    for name, org in confirmed.items():
        if org is None:
            continue
        org = Organization.objects.select_for_update().get(pk=org.pk)
        known = {normalize(a) for a in [org.name, *org.aliases]}
        if normalize(name) not in known:
            org.aliases = [*org.aliases, name.strip()]
            org.save(update_fields=["aliases"])
            added += 1
    return added
