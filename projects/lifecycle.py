"""The project lifecycle 申报 → 预审 → 立项 → 实施 → 验收 as a table. Pure Python, no queries.

DESIGN.md "Project lifecycle" is the contract. ``services.transition`` is the only code that
changes a project's stage, and it asks this table first.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.workflow import TransitionTable


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PREREVIEW = "prereview", _("In pre-review")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    IMPLEMENTING = "implementing", _("Implementing")
    ACCEPTANCE = "acceptance", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    TERMINATED = "terminated", _("Terminated")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    START_REVIEW = "start_review", _("Start pre-review")
    RETURN = "return", _("Return for revision")
    REJECT = "reject", _("Reject")
    APPROVE = "approve", _("Approve")
    START = "start", _("Start implementation")
    REQUEST_ACCEPTANCE = "request_acceptance", _("Request acceptance")
    ACCEPT = "accept", _("Accept")
    FAIL_ACCEPTANCE = "fail_acceptance", _("Require rectification")
    TERMINATE = "terminate", _("Terminate")


FINAL_STAGES = frozenset({Stage.ACCEPTED, Stage.REJECTED, Stage.TERMINATED})

TRANSITIONS = TransitionTable(
    {  # action: (from stages, to stage)
        Action.SUBMIT: ({Stage.DRAFT, Stage.RETURNED}, Stage.SUBMITTED),
        Action.START_REVIEW: ({Stage.SUBMITTED}, Stage.PREREVIEW),
        Action.RETURN: ({Stage.PREREVIEW}, Stage.RETURNED),
        Action.REJECT: ({Stage.PREREVIEW}, Stage.REJECTED),
        Action.APPROVE: ({Stage.PREREVIEW}, Stage.APPROVED),
        Action.START: ({Stage.APPROVED}, Stage.IMPLEMENTING),
        Action.REQUEST_ACCEPTANCE: ({Stage.IMPLEMENTING}, Stage.ACCEPTANCE),
        Action.ACCEPT: ({Stage.ACCEPTANCE}, Stage.ACCEPTED),
        Action.FAIL_ACCEPTANCE: ({Stage.ACCEPTANCE}, Stage.IMPLEMENTING),
        Action.TERMINATE: (set(Stage) - FINAL_STAGES, Stage.TERMINATED),
    },
    state_field="stage",
    state_labels=dict(Stage.choices),
    action_labels=dict(Action.choices),
)

# Who may take each action (DESIGN.md). An owner acts only for projects of its own organization
# (or a descendant); the service checks that against the project.
ACTORS = {
    Action.SUBMIT: frozenset({"owner"}),
    Action.START_REVIEW: frozenset({"manager"}),
    Action.RETURN: frozenset({"manager"}),
    Action.REJECT: frozenset({"manager"}),
    Action.APPROVE: frozenset({"manager"}),
    Action.START: frozenset({"owner", "manager"}),
    Action.REQUEST_ACCEPTANCE: frozenset({"owner"}),
    Action.ACCEPT: frozenset({"manager"}),
    Action.FAIL_ACCEPTANCE: frozenset({"manager"}),
    Action.TERMINATE: frozenset({"manager"}),
}

# Actions whose comment is mandatory (for accept, the comment is the acceptance conclusion).
COMMENT_REQUIRED = frozenset({Action.RETURN, Action.REJECT, Action.FAIL_ACCEPTANCE, Action.TERMINATE, Action.ACCEPT})

# Stages in which the owner may still edit the proposal's fields.
EDITABLE_STAGES = frozenset({Stage.DRAFT, Stage.RETURNED})

# What each comment-requiring action asks for, shown beside the comment box and in its 400.
COMMENT_PROMPTS = {
    Action.RETURN: _("Say what the owner must revise."),
    Action.REJECT: _("Give the reasons for not approving the project."),
    Action.ACCEPT: _("Write the acceptance conclusion."),
    Action.FAIL_ACCEPTANCE: _("List what must be fixed before acceptance."),
    Action.TERMINATE: _("Give the reasons for terminating the project."),
}

# Stages in which the owner keeps the milestones current (and the portfolio office may correct them).
# The milestone plan is part of the proposal (drafted with it, revised when it is returned), so
# that approval can freeze it as the baseline; after approval the owner keeps the dates current.
MILESTONE_STAGES = frozenset({Stage.DRAFT, Stage.RETURNED, Stage.APPROVED, Stage.IMPLEMENTING})


class AttachmentKind(models.TextChoices):
    APPLICATION = "application", _("Application materials")
    APPROVAL = "approval", _("Approval document")
    ACCEPTANCE = "acceptance", _("Acceptance report")


# Who may add (or remove) each kind of attachment, and in which stages: {kind: {stage: roles}}.
# The approval gate freezes what was attached before approval, the acceptance gate what was attached
# before acceptance; an attachment listed in a gate record is never removed.
ATTACHMENT_RULES = {
    AttachmentKind.APPLICATION: {Stage.DRAFT: {"owner"}, Stage.RETURNED: {"owner"}},
    AttachmentKind.APPROVAL: {Stage.PREREVIEW: {"manager"}, Stage.APPROVED: {"manager"}},
    AttachmentKind.ACCEPTANCE: {Stage.IMPLEMENTING: {"owner"}, Stage.ACCEPTANCE: {"owner", "manager"}},
}


def attachment_kinds_for(stage: str, role: str | None) -> list[str]:
    """The kinds of attachment a user of ``role`` may add while a project is in ``stage``."""
    return [kind for kind, stages in ATTACHMENT_RULES.items() if role in stages.get(stage, ())]


# Stages in which a project waits for the portfolio office (the manager's queue).
MANAGER_QUEUE_STAGES = (Stage.SUBMITTED, Stage.PREREVIEW, Stage.ACCEPTANCE)
