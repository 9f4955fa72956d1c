"""Writes of the projects app. One transaction each; the acting user is the keyword-only ``by``.

``transition`` is the only code that moves a project from one stage to another. It locks the row,
checks the actor and the stage against ``projects.lifecycle``, checks what the action needs, saves
with ``update_fields``, writes the transition record (and, at approval and acceptance, the gate
record) and notifies — the notifications commit with the change, and their emails and the
``project_transitioned`` signal go out after commit.

What each action needs and does beyond the table lives in ``ACTION_RULES``: a tuple of checks
(each returns the missing things per field), effects applied to the project before it is saved,
and effects run once the transition record exists. Pre-review (``projects.prereview``) plugs in
here: ``start_review`` opens a round (duplicate check and rule score), ``approve`` is refused while
a red line stands un-overridden, and every decision that ends pre-review closes the round, leaving
its report in ``ctx.prereview`` for the approval gate record.
"""

from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio import audit
from portfolio.models import InformationSystem, Role, User
from portfolio.notifications import notify, org_owners, users_with_role
from portfolio.uploads import store_upload, validate_upload
from portfolio.workflow import ActionNotPermitted, RequirementsNotMet
from projects.lifecycle import (
    ACTORS,
    ATTACHMENT_RULES,
    COMMENT_PROMPTS,
    COMMENT_REQUIRED,
    MILESTONE_STAGES,
    TRANSITIONS,
    Action,
    AttachmentKind,
    Stage,
    attachment_kinds_for,
)
from projects.models import (
    MAX_MONEY,
    PROJECT_HISTORY,
    PROPOSAL_FIELDS,
    Attachment,
    GateRecord,
    Milestone,
    Project,
    ProjectCodeSequence,
    TransitionRecord,
)
from projects.permissions import acting_role, may_take, not_in_this_stage, owns
from projects.prereview import services as prereview
from projects.signals import project_transitioned

COMMENT_MAX_LENGTH = 2000

# What a proposal must have before it is submitted (beyond what every draft needs).
REQUIRED_FOR_SUBMIT = (
    "description",
    "functions",
    "budget_requested",
    "beneficiaries",
    "warranty_months",
    "planned_start",
    "planned_end",
)
MILESTONE_FIELDS = frozenset({"name", "planned_date", "forecast_date", "actual_date", "done", "explanation", "order"})


# --- Shared refusals ------------------------------------------------------------------------


def _lock(project: Project) -> Project:
    """The project's row, locked until the transaction ends: two people acting on one project at the
    same moment are served one after the other, the second seeing what the first did."""
    return Project.objects.select_for_update(of=("self",)).select_related("owner_org").get(pk=project.pk)


def _validation_errors(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}


@contextmanager
def _one_history_row(project: Project, *, by, history_type: str):
    """Save fields and linked systems as ONE history row (simple-history writes one per m2m signal)."""
    project.skip_history_when_saving = True
    try:
        yield
    finally:
        del project.skip_history_when_saving
    project._history_user = by
    PROJECT_HISTORY.create_historical_record(project, history_type)


# --- Proposals ------------------------------------------------------------------------------


def allocate_code(year: int, prefix: str) -> str:
    """The next readable code for ``prefix`` in ``year``: ``2026-交通-0007``.

    The sequence row is locked (select_for_update) until the caller's transaction ends, so two
    proposals created at the same moment wait for each other and never share a number.
    """
    with transaction.atomic():
        sequence, _created = ProjectCodeSequence.objects.select_for_update().get_or_create(year=year, prefix=prefix)
        ProjectCodeSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
        sequence.refresh_from_db(fields=["last"])
    return f"{year}-{prefix}-{sequence.last:04d}"


def _check_systems(systems: Iterable[InformationSystem], by) -> list[InformationSystem]:
    systems = list(systems)
    visible = set(
        InformationSystem.objects.visible_to(by).filter(pk__in=[s.pk for s in systems]).values_list("pk", flat=True)
    )
    if any(s.pk not in visible for s in systems):
        raise ValidationError({"systems": _("Link only information systems of your organization or shared ones.")})
    return systems


def create_project(*, by, systems: Iterable[InformationSystem] = (), owner_org=None, **fields) -> Project:
    """Draft a proposal for the owner's organization (or one below it)."""
    if acting_role(by) != Role.OWNER:
        raise ActionNotPermitted(_("Only project owners draft proposals."))
    unknown = set(fields).difference(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"create_project() does not set {sorted(unknown)}")
    owner_org = owner_org or by.organization
    if not owner_org.is_within(by.organization):
        raise ValidationError(
            {"owner_org": _("You may propose projects only for your own organization or one below it.")}
        )
    project = Project(owner_org=owner_org, created_by=by, **fields)
    project.full_clean(exclude=["code"], validate_unique=False)
    systems = _check_systems(systems, by)
    with transaction.atomic():
        project.code = allocate_code(project.year, owner_org.short_name)
        with _one_history_row(project, by=by, history_type="+"):
            project.save()
            project.systems.set(systems)
    return project


def update_project(project: Project, *, by, systems: Iterable[InformationSystem] | None = None, **fields) -> Project:
    """Change a proposal's fields while it is a draft or returned for revision."""
    unknown = set(fields).difference(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"update_project() does not set {sorted(unknown)}")
    with transaction.atomic():
        project = _lock(project)
        if not by.has_perm("projects.change_project", project):
            raise ActionNotPermitted(_("Only the owner organization edits its proposals."))
        if not project.is_editable:
            raise not_in_this_stage(project, by, "edit", gettext_lazy("Edit the proposal"))
        for name, value in fields.items():
            setattr(project, name, value)
        project.full_clean(validate_unique=False)
        if systems is not None:
            systems = _check_systems(systems, by)
        with _one_history_row(project, by=by, history_type="~"):
            project.save()
            if systems is not None:
                project.systems.set(systems)
    return project


def delete_project(project: Project, *, by) -> None:
    """Delete a draft that was never submitted (anything submitted stays, for the record)."""
    with transaction.atomic():
        project = _lock(project)
        if not by.has_perm("projects.delete_project", project):
            raise ActionNotPermitted(_("Only the owner organization deletes its drafts."))
        if project.stage != Stage.DRAFT or project.transitions.exists():
            raise not_in_this_stage(project, by, "delete", gettext_lazy("Delete the draft"))
        stored = list(project.attachments.values_list("stored_name", flat=True))
        project.attachments.all().delete()
        project._history_user = by
        project.delete()
        transaction.on_commit(lambda: [default_storage.delete(name) for name in stored])


# --- The lifecycle --------------------------------------------------------------------------


@dataclass
class TransitionContext:
    """What a check or an effect of one action sees: the locked project, the actor and the input."""

    project: Project
    action: str
    by: User
    comment: str
    data: Mapping[str, Any]
    from_stage: str
    to_stage: str
    changed: set = field(default_factory=set)
    record: TransitionRecord | None = None
    # The pre-review report the decision rests on (projects.prereview fills it; the approval gate
    # record freezes it).
    prereview: dict | None = None

    def set(self, **values) -> None:
        """Change project fields; they are saved with the stage (``update_fields``)."""
        for name, value in values.items():
            setattr(self.project, name, value)
            self.changed.add(name)


Check = Callable[[TransitionContext], Mapping[str, Any] | None]
Effect = Callable[[TransitionContext], None]


def missing_for_submit(project: Project) -> dict[str, list[str]]:
    """What a proposal still lacks before it can be submitted, per field (empty when complete)."""
    errors = {}
    try:
        project.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.update(_validation_errors(error))
    for name in REQUIRED_FOR_SUBMIT:
        if getattr(project, name) in (None, "") and name not in errors:
            errors[name] = [_("Fill this in before submitting.")]
    if project.budget_requested is not None and project.budget_requested <= 0 and "budget_requested" not in errors:
        errors["budget_requested"] = [_("The requested budget must be more than zero.")]
    if not project.plan_goal_id and not project.scenario_id and "plan_goal" not in errors:
        errors["plan_goal"] = [_("Name the plan goal or the scenario the project serves.")]
    if not project.attachments.filter(kind=AttachmentKind.APPLICATION).exists():
        errors["attachments"] = [_("Attach the application materials before submitting.")]
    return errors


def proposal_complete(ctx: TransitionContext) -> dict:
    """``submit``: every field a reviewer needs, valid, with the application materials attached."""
    return missing_for_submit(ctx.project)


def _money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError from None
    if not amount.is_finite():
        raise ValueError
    return amount


def approval_decision(ctx: TransitionContext) -> dict:
    """``approve``: the approved budget (more than zero, not more than requested) and the document number."""
    errors = {}
    try:
        budget = _money(ctx.data.get("approved_budget"))
    except ValueError:
        budget, errors["approved_budget"] = None, [_("Enter the approved budget as an amount in yuan.")]
    if budget is None and "approved_budget" not in errors:
        errors["approved_budget"] = [_("Enter the approved budget.")]
    elif budget is not None:
        requested = ctx.project.budget_requested
        if budget <= 0:
            errors["approved_budget"] = [_("The approved budget must be more than zero.")]
        elif budget > MAX_MONEY or budget != budget.quantize(Decimal("0.01")):
            errors["approved_budget"] = [_("Enter an amount in yuan with at most two decimal places.")]
        elif requested is not None and budget > requested:
            errors["approved_budget"] = [
                _("The approved budget cannot exceed the requested budget (%(requested)s yuan).")
                % {"requested": f"{requested:,.2f}"}
            ]
    number = str(ctx.data.get("approval_number") or "").strip()
    if not number:
        errors["approval_number"] = [_("Enter the approval document number.")]
    elif len(number) > Project._meta.get_field("approval_number").max_length:
        errors["approval_number"] = [_("The approval document number is too long.")]
    return errors


def milestones_settled(ctx: TransitionContext) -> dict:
    """``request_acceptance``: the project has milestones, and each is done or explained."""
    milestones = list(ctx.project.milestones.all())
    if not milestones:
        return {"milestones": [_("Record the project's milestones before requesting acceptance.")]}
    open_ones = [m.name for m in milestones if not m.settled]
    if open_ones:
        return {
            "milestones": [
                _("Mark these milestones done, or explain why they need not hold up acceptance: %(names)s.")
                % {"names": "、".join(open_ones)}
            ]
        }
    return {}


def record_approval(ctx: TransitionContext) -> None:
    ctx.set(
        approved_budget=_money(ctx.data["approved_budget"]).quantize(Decimal("0.01")),
        approval_number=str(ctx.data["approval_number"]).strip(),
    )


def _decimal_text(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _date_text(value) -> str | None:
    return value.isoformat() if value else None


def gate_snapshot(project: Project, *, with_milestones: bool) -> dict:
    """The project as a decision saw it: its fields, linked systems, attachments and milestones."""
    snapshot = {
        "project": {
            "id": project.pk,
            "code": project.code,
            "name": project.name,
            "description": project.description,
            "functions": project.function_list,
            "owner_org": {"id": project.owner_org_id, "name": project.owner_org.name},
            "domain": {"id": project.domain_id, "name": project.domain.name},
            "plan": {"id": project.plan_id, "name": project.plan.name},
            "year": project.year,
            "budget_requested": _decimal_text(project.budget_requested),
            "approved_budget": _decimal_text(project.approved_budget),
            "approval_number": project.approval_number,
            "reuses_shared_components": project.reuses_shared_components,
            "shares_data": project.shares_data,
            "beneficiaries": project.beneficiaries,
            "warranty_months": project.warranty_months,
            "has_mobile_app": project.has_mobile_app,
            "plan_goal": project.plan_goal_id,
            "scenario": project.scenario_id,
            "planned_start": _date_text(project.planned_start),
            "planned_end": _date_text(project.planned_end),
        },
        "systems": [{"id": s.pk, "name": s.name} for s in project.systems.order_by("pk")],
        "attachments": [a.as_listed() for a in project.attachments.order_by("kind", "uploaded_at", "pk")],
    }
    if with_milestones:
        snapshot["milestones"] = [
            {
                "name": m.name,
                "planned_date": m.planned_date.isoformat(),
                "baseline_date": _date_text(m.baseline_date),
                "forecast_date": _date_text(m.forecast_date),
                "actual_date": _date_text(m.actual_date),
                "done": m.done,
                "explanation": m.explanation,
            }
            for m in project.milestones.all()
        ]
    return snapshot


def freeze_baseline(project: Project) -> dict:
    """The baseline approval (立项) freezes: the approved budget, the planned period and the
    milestone plan. Each milestone's planned date is also copied to ``Milestone.baseline_date``
    (once, here), so variance is read without opening the gate record's JSON."""
    milestones = list(project.milestones.all())
    for milestone in milestones:
        milestone.baseline_date = milestone.planned_date
    Milestone.objects.bulk_update(milestones, ["baseline_date"])
    return {
        "approved_budget": _decimal_text(project.approved_budget),
        "planned_start": _date_text(project.planned_start),
        "planned_end": _date_text(project.planned_end),
        "milestones": [{"id": m.pk, "name": m.name, "planned_date": m.planned_date.isoformat()} for m in milestones],
    }


def freeze_gate(gate: str) -> Effect:
    def effect(ctx: TransitionContext) -> None:
        snapshot = gate_snapshot(ctx.project, with_milestones=gate == GateRecord.Gate.ACCEPTANCE)
        if gate == GateRecord.Gate.APPROVAL:
            snapshot["baseline"] = freeze_baseline(ctx.project)
        GateRecord.objects.create(
            project=ctx.project,
            gate=gate,
            transition=ctx.record,
            decided_by=ctx.by,
            decided_at=ctx.record.at,
            conclusion=ctx.comment,
            approved_budget=ctx.project.approved_budget,
            snapshot=snapshot,
            prereview=ctx.prereview if gate == GateRecord.Gate.APPROVAL else None,
        )

    effect.__name__ = f"freeze_{gate}_gate"
    return effect


def _managers(project: Project) -> list[User]:
    return users_with_role(Role.MANAGER)


def _owner_organization(project: Project) -> list[User]:
    """The owners of the project's organization, and whoever drafted it (perhaps from a parent)."""
    recipients = org_owners(project.owner_org)
    if project.created_by_id and project.created_by.is_active:
        recipients.append(project.created_by)
    return recipients


@dataclass(frozen=True)
class Notice:
    recipients: Callable[[Project], list[User]]
    title: Any
    body: Any


@dataclass(frozen=True)
class ActionRules:
    checks: tuple[Check, ...] = ()  # each returns {field: message(s)} for what is missing or wrong
    apply: tuple[Effect, ...] = ()  # change the project's fields (ctx.set) before it is saved
    after: tuple[Effect, ...] = ()  # once the transition record exists: gate records, other rows
    notice: Notice | None = None


ACTION_RULES: dict[str, ActionRules] = {
    Action.SUBMIT: ActionRules(
        checks=(proposal_complete,),
        notice=Notice(
            _managers,
            gettext_lazy("Proposal submitted: %(code)s %(name)s"),
            gettext_lazy("%(org)s submitted the proposal “%(name)s” (%(code)s). It waits for pre-review."),
        ),
    ),
    Action.START_REVIEW: ActionRules(after=(prereview.start_review_opens_round,)),
    Action.RETURN: ActionRules(
        after=(prereview.close_round,),
        notice=Notice(
            _owner_organization,
            gettext_lazy("Proposal returned for revision: %(code)s %(name)s"),
            gettext_lazy("The portfolio office returned the proposal for revision.\nWhat to revise: %(comment)s"),
        ),
    ),
    Action.REJECT: ActionRules(
        after=(prereview.close_round,),
        notice=Notice(
            _owner_organization,
            gettext_lazy("Proposal not approved: %(code)s %(name)s"),
            gettext_lazy("The portfolio office decided not to approve the project.\nReasons: %(comment)s"),
        ),
    ),
    Action.APPROVE: ActionRules(
        checks=(approval_decision, prereview.red_lines_cleared),
        apply=(record_approval,),
        after=(prereview.close_round, freeze_gate(GateRecord.Gate.APPROVAL)),
        notice=Notice(
            _owner_organization,
            gettext_lazy("Project approved: %(code)s %(name)s"),
            gettext_lazy("The project was approved with a budget of %(budget)s yuan (document %(number)s)."),
        ),
    ),
    Action.START: ActionRules(),
    Action.REQUEST_ACCEPTANCE: ActionRules(
        checks=(milestones_settled,),
        notice=Notice(
            _managers,
            gettext_lazy("Acceptance requested: %(code)s %(name)s"),
            gettext_lazy("%(org)s requested the acceptance of “%(name)s” (%(code)s)."),
        ),
    ),
    Action.ACCEPT: ActionRules(
        after=(freeze_gate(GateRecord.Gate.ACCEPTANCE),),
        notice=Notice(
            _owner_organization,
            gettext_lazy("Project accepted: %(code)s %(name)s"),
            gettext_lazy("The project passed acceptance.\nConclusion: %(comment)s"),
        ),
    ),
    Action.FAIL_ACCEPTANCE: ActionRules(
        notice=Notice(
            _owner_organization,
            gettext_lazy("Acceptance not passed, rectification required: %(code)s %(name)s"),
            gettext_lazy("Not passed. Fix the following, then request acceptance again:\n%(comment)s"),
        ),
    ),
    Action.TERMINATE: ActionRules(
        after=(prereview.close_round,),
        notice=Notice(
            _owner_organization,
            gettext_lazy("Project terminated: %(code)s %(name)s"),
            gettext_lazy("The portfolio office terminated the project.\nReasons: %(comment)s"),
        ),
    ),
}


def _comment_errors(action: str, comment: str) -> dict:
    if action in COMMENT_REQUIRED and not comment:
        return {"comment": [str(COMMENT_PROMPTS[action])]}
    if len(comment) > COMMENT_MAX_LENGTH:
        return {"comment": [_("Keep the comment under %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}]}
    return {}


def _refused_actor(by, project: Project, action: str) -> ActionNotPermitted:
    role = acting_role(by)
    if role == Role.OWNER and Role.OWNER in ACTORS[action]:
        return ActionNotPermitted(_("Only the owner organization of this project may take this action."))
    actors = "、".join(str(Role(r).label) for r in sorted(ACTORS[action]))
    return ActionNotPermitted(
        _("“%(action)s” is taken by: %(actors)s. Your role may not take it.")
        % {"action": Action(action).label, "actors": actors}
    )


def transition(project: Project, action: str, *, by, comment: str = "", **data) -> TransitionRecord:
    """Take a lifecycle action; return the transition record (``record.project`` is the locked,
    updated project, and the fields it changed are copied onto the instance passed in).

    Raises ActionNotPermitted (403) if ``by`` may not take the action on this project,
    InvalidTransition (409) if the current stage does not allow it, RequirementsNotMet (400) if it
    lacks what it needs. A refused action changes nothing.
    """
    if action not in ACTION_RULES:
        raise not_in_this_stage(project, by, str(action), str(action))
    rules = ACTION_RULES[action]
    comment = (comment or "").strip()
    given = project
    with transaction.atomic():
        project = _lock(project)
        if not may_take(by, project, action):
            raise _refused_actor(by, project, action)
        if action not in TRANSITIONS.allowed(project.stage):
            raise not_in_this_stage(project, by, action, Action(action).label)
        ctx = TransitionContext(
            project=project,
            action=action,
            by=by,
            comment=comment,
            data=data,
            from_stage=project.stage,
            to_stage=TRANSITIONS.target(project.stage, action),
        )
        errors = _comment_errors(action, comment)
        for check in rules.checks:
            for name, messages in (check(ctx) or {}).items():
                errors.setdefault(name, []).extend([messages] if isinstance(messages, str) else messages)
        if errors:
            raise RequirementsNotMet(errors)

        ctx.set(stage=ctx.to_stage)
        for effect in rules.apply:
            effect(ctx)
        project._history_user = by
        project.save(update_fields=[*ctx.changed, "updated_at"])
        ctx.record = TransitionRecord.objects.create(
            project=project, action=action, from_stage=ctx.from_stage, to_stage=ctx.to_stage, by=by, comment=comment
        )
        audit.transition(
            project,
            action=(action, Action(action).label),
            source=ctx.from_stage,
            target=ctx.to_stage,
            by=by,
            comment=comment,
            field="stage",
        )
        for effect in rules.after:
            effect(ctx)
        if rules.notice:
            _send_notice(rules.notice, ctx)
        record = ctx.record
        transaction.on_commit(
            lambda: project_transitioned.send(
                sender=Project,
                project_id=project.pk,
                record_id=record.pk,
                action=action,
                from_stage=record.from_stage,
                to_stage=record.to_stage,
                by_id=by.pk,
            )
        )
    for name in (*ctx.changed, "updated_at"):
        setattr(given, name, getattr(project, name))
    return record


def _send_notice(notice: Notice, ctx: TransitionContext) -> None:
    project = ctx.project
    notify(
        notice.recipients(project),
        kind=f"project_{ctx.action}",
        title=notice.title,
        body=notice.body,
        url=reverse("projects:detail", args=[project.pk]),
        params={
            "code": project.code,
            "name": project.name,
            "org": project.owner_org.name,
            "comment": ctx.comment,
            "budget": f"{project.approved_budget:,.2f}" if project.approved_budget is not None else "",
            "number": project.approval_number,
        },
    )


# --- Milestones -----------------------------------------------------------------------------


def _keeps_parts(by, project: Project) -> bool:
    return acting_role(by) == Role.MANAGER or owns(by, project)


def _lock_for_milestones(project: Project, by) -> Project:
    project = _lock(project)
    if not _keeps_parts(by, project):
        raise ActionNotPermitted(_("Only the owner organization and the portfolio office keep the milestones."))
    if project.stage not in MILESTONE_STAGES:
        raise not_in_this_stage(project, by, "milestones", gettext_lazy("Keep the milestones"))
    return project


def add_milestone(project: Project, *, by, **fields) -> Milestone:
    unknown = set(fields) - MILESTONE_FIELDS
    if unknown:
        raise TypeError(f"add_milestone() does not set {sorted(unknown)}")
    with transaction.atomic():
        project = _lock_for_milestones(project, by)
        milestone = Milestone(project=project, **fields)
        milestone.full_clean()
        milestone.save()
    return milestone


def update_milestone(milestone: Milestone, *, by, **fields) -> Milestone:
    unknown = set(fields) - MILESTONE_FIELDS
    if unknown:
        raise TypeError(f"update_milestone() does not set {sorted(unknown)}")
    with transaction.atomic():
        project = _lock_for_milestones(milestone.project, by)
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        milestone.project = project
        for name, value in fields.items():
            setattr(milestone, name, value)
        milestone.full_clean()
        milestone.save()
    return milestone


def delete_milestone(milestone: Milestone, *, by) -> None:
    with transaction.atomic():
        _lock_for_milestones(milestone.project, by)
        Milestone.objects.filter(pk=milestone.pk).delete()


# --- Attachments ----------------------------------------------------------------------------


def _check_attachment_rights(project: Project, by, kind: str, code: str, label) -> None:
    role = acting_role(by)
    if not _keeps_parts(by, project) or not any(role in roles for roles in ATTACHMENT_RULES[kind].values()):
        raise ActionNotPermitted(
            _("Your role may not add or remove “%(kind)s” on this project.") % {"kind": AttachmentKind(kind).label}
        )
    if kind not in attachment_kinds_for(project.stage, role):
        raise not_in_this_stage(project, by, code, label)


def add_attachment(project: Project, *, by, kind: str, file) -> Attachment:
    """Attach a file: checked by content against the allow-list, stored under a generated name."""
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Choose what kind of document this is.")})
    try:
        checked = validate_upload(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    label = gettext_lazy("Attach “%(kind)s”") % {"kind": AttachmentKind(kind).label}
    with transaction.atomic():
        project = _lock(project)
        _check_attachment_rights(project, by, kind, "attach", label)
        stored_name = store_upload(file, checked, folder=f"projects/{project.pk}")
        try:
            attachment = Attachment.objects.create(
                project=project,
                kind=kind,
                name=checked.display_name,
                stored_name=stored_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=by,
                uploaded_at=timezone.now(),
            )
        except Exception:
            default_storage.delete(stored_name)
            raise
    return attachment


def delete_attachment(attachment: Attachment, *, by) -> None:
    """Remove a file while its stage allows it — never one a gate record lists."""
    with transaction.atomic():
        project = _lock(attachment.project)
        label = gettext_lazy("Remove “%(kind)s”") % {"kind": AttachmentKind(attachment.kind).label}
        _check_attachment_rights(project, by, attachment.kind, "detach", label)
        if any(attachment.pk in gate.attachment_ids for gate in project.gate_records.all()):
            raise ActionNotPermitted(_("This file is listed in a gate record and is kept for audit."))
        Attachment.objects.filter(pk=attachment.pk).delete()
        stored_name = attachment.stored_name
        transaction.on_commit(lambda: default_storage.delete(stored_name))
