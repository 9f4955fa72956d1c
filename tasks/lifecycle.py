"""The supervision cycle 交办 → 签收 → 办理 → 反馈 → 核验销号 as tables. Pure Python, no queries.

DESIGN.md "Task supervision" is the contract. ``services.transition`` is the only code that
changes a task's status and ``services`` the only code that changes a notice's; both ask these
tables first.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portfolio.workflow import TransitionTable


class Status(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported done")
    COMPLETED = "completed", _("Verified and closed")
    SUSPENDED = "suspended", _("Suspended")


class Action(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    START = "start", _("Start work")
    FINISH = "finish", _("Report completion")
    VERIFY = "verify", _("Verify and close")
    SEND_BACK = "send_back", _("Send back")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")


OPEN_STATUSES = frozenset({Status.ASSIGNED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REPORTED})

TRANSITIONS = TransitionTable(
    {  # action: (from statuses, to status)
        Action.ACKNOWLEDGE: ({Status.ASSIGNED}, Status.ACKNOWLEDGED),
        Action.START: ({Status.ACKNOWLEDGED}, Status.IN_PROGRESS),
        Action.FINISH: ({Status.IN_PROGRESS}, Status.REPORTED),
        Action.VERIFY: ({Status.REPORTED}, Status.COMPLETED),
        Action.SEND_BACK: ({Status.REPORTED}, Status.IN_PROGRESS),
        Action.SUSPEND: (OPEN_STATUSES, Status.SUSPENDED),
        # The table names in_progress; the service returns the task to the status it was
        # suspended from (kept on the task), which is always one of OPEN_STATUSES.
        Action.RESUME: ({Status.SUSPENDED}, Status.IN_PROGRESS),
    },
    state_field="status",
    state_labels=dict(Status.choices),
    action_labels=dict(Action.choices),
)

# Who may take each action. "lead" is an owner account of the lead organization or of a
# co-lead organization (or of an organization above one of them): DESIGN.md says co-leads
# "report and are supervised like the lead". The service checks that against the task.
LEAD = "lead"
ACTORS = {
    Action.ACKNOWLEDGE: frozenset({LEAD}),
    Action.START: frozenset({LEAD}),
    Action.FINISH: frozenset({LEAD}),
    Action.VERIFY: frozenset({"supervisor"}),
    Action.SEND_BACK: frozenset({"supervisor"}),
    Action.SUSPEND: frozenset({"supervisor", "manager"}),
    Action.RESUME: frozenset({"supervisor", "manager"}),
}

COMMENT_REQUIRED = frozenset({Action.FINISH, Action.SEND_BACK, Action.SUSPEND})


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class WarningKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    SEVERE = "severe", _("Severely overdue")
    UNACKNOWLEDGED = "unacknowledged", _("Not acknowledged")
    REPORT_MISSING = "report_missing", _("Progress report missing")
    NOTICE_OVERDUE = "notice_overdue", _("Notice reply overdue")


RED_KINDS = frozenset({WarningKind.OVERDUE, WarningKind.SEVERE})
YELLOW_KINDS = frozenset({WarningKind.DUE_SOON})


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Awaiting reply")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


class NoticeAction(models.TextChoices):
    ISSUE = "issue", _("Issue")
    REPLY = "reply", _("Reply")
    # 销号, not the "close" of a dialog box: the same English word means both elsewhere in the UI.
    CLOSE = "close", pgettext_lazy("notice action", "Close")
    ESCALATE = "escalate", _("Escalate")


NOTICE_TRANSITIONS = TransitionTable(
    {
        NoticeAction.REPLY: ({NoticeStatus.OPEN}, NoticeStatus.REPLIED),
        NoticeAction.CLOSE: ({NoticeStatus.OPEN, NoticeStatus.REPLIED}, NoticeStatus.CLOSED),
        # Escalation raises the notice's level, sets a new reply deadline and waits for a new reply.
        NoticeAction.ESCALATE: ({NoticeStatus.OPEN, NoticeStatus.REPLIED}, NoticeStatus.OPEN),
    },
    state_field="status",
    state_labels=dict(NoticeStatus.choices),
    action_labels=dict(NoticeAction.choices),
)
NOTICE_ACTORS = {
    NoticeAction.ISSUE: frozenset({"supervisor"}),
    NoticeAction.REPLY: frozenset({LEAD}),
    NoticeAction.CLOSE: frozenset({"supervisor"}),
    NoticeAction.ESCALATE: frozenset({"supervisor"}),
}
