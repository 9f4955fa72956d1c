"""Reads of the projects app, shaped for the pages and the API. Visibility first, always."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portfolio.models import Domain, InformationSystem, Organization, Plan, User
from projects.lifecycle import MANAGER_QUEUE_STAGES, Stage
from projects.models import PROPOSAL_FIELDS, Milestone, Project

# Fields whose edits the change log shows; the stage is left out (the timeline shows it).
CHANGE_LOG_FIELDS = ("owner_org", *PROPOSAL_FIELDS, "approved_budget", "approval_number")
NAMED = {"owner_org": Organization, "plan": Plan, "domain": Domain}


def visible_projects(user):
    return Project.objects.visible_to(user).with_names()


def project_list(user):
    """The list's rows: names beside each project, linked systems prefetched (one query for all)."""
    return visible_projects(user).prefetch_related(Prefetch("systems", queryset=InformationSystem.objects.only("pk")))


def timeline(project: Project):
    return project.transitions.select_related("by__organization").order_by("at", "pk")


def milestones(project: Project):
    return project.milestones.all()


def attachments(project: Project):
    return project.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk")


def gate_records(project: Project):
    return project.gate_records.select_related("decided_by").order_by("decided_at", "pk")


# --- Change log (django-simple-history) --------------------------------------------------------


@dataclass
class FieldChange:
    field: str
    label: str
    old: object
    new: object


@dataclass
class Edit:
    at: datetime
    by: User | None
    kind: str  # "+" created, "~" changed
    changes: list[FieldChange] = field(default_factory=list)


def _display(value, field_name: str, names: dict) -> object:
    """A value as a person reads it (names for related rows, 是/否, grouped money, local dates)."""
    if value is None or value == "":
        return "—"
    if field_name in NAMED:
        return names.get((field_name, value), f"#{value}")
    if field_name == "systems":
        return "、".join(names.get(("systems", pk), f"#{pk}") for pk in sorted(value)) or "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return formats.date_format(value)
    return value


def field_changes(project: Project) -> list[Edit]:
    """Who changed which field of the project, and from what to what, oldest first.

    Reads the project's history rows and their linked-system rows in two queries, then the names of
    the organizations, plans, domains and systems they mention in one query each.
    """
    rows = list(
        project.history.select_related("history_user")
        .prefetch_related("historicalproject_systems_set")
        .order_by("history_date", "history_id")
    )
    systems_of = {
        row.history_id: {m.informationsystem_id for m in row.historicalproject_systems_set.all()} for row in rows
    }
    names = {}
    for name, model in NAMED.items():
        ids = {getattr(row, f"{name}_id") for row in rows}
        names.update({(name, pk): label for pk, label in model.objects.filter(pk__in=ids).values_list("pk", "name")})
    system_ids = set().union(*systems_of.values()) if systems_of else set()
    system_names = InformationSystem.objects.filter(pk__in=system_ids).values_list("pk", "name")
    names.update({("systems", pk): label for pk, label in system_names})
    labels = {name: str(Project._meta.get_field(name).verbose_name) for name in (*CHANGE_LOG_FIELDS, "systems")}

    edits, previous = [], None
    for row in rows:
        edit = Edit(at=row.history_date, by=row.history_user, kind=row.history_type)
        if previous is not None:
            for name in CHANGE_LOG_FIELDS:
                attname = f"{name}_id" if name in NAMED else name
                old, new = getattr(previous, attname), getattr(row, attname)
                if old != new:
                    edit.changes.append(
                        FieldChange(name, labels[name], _display(old, name, names), _display(new, name, names))
                    )
            if systems_of[previous.history_id] != systems_of[row.history_id]:
                edit.changes.append(
                    FieldChange(
                        "systems",
                        labels["systems"],
                        _display(systems_of[previous.history_id], "systems", names),
                        _display(systems_of[row.history_id], "systems", names),
                    )
                )
        if previous is None or edit.changes:
            edits.append(edit)
        previous = row
    return edits


# --- Queues and panels ------------------------------------------------------------------------


def manager_queue():
    """What waits for the portfolio office, oldest waiting first within each stage."""
    return (
        Project.objects.waiting_for_manager()
        .with_names()
        .annotate(waiting_since=Max("transitions__at"))
        .order_by("waiting_since", "pk")
    )


def queue_counts() -> dict[str, int]:
    counts = dict(
        Project.objects.waiting_for_manager().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    return {stage: counts.get(stage, 0) for stage in MANAGER_QUEUE_STAGES}


def owner_desk(user):
    """An owner's proposals still in its hands: drafts and those returned for revision."""
    return (
        Project.objects.visible_to(user)
        .filter(stage__in=[Stage.DRAFT, Stage.RETURNED])
        .with_names()
        .order_by("-stage", "-updated_at", "-pk")
    )


def list_totals(projects) -> dict:
    """The totals of a filtered list: count, requested and approved here, and what the apps above
    add (an AppConfig's ``project_totals(projects)``: spent and operating money, from the cockpit).
    The portfolio cockpit links every number it shows to the list whose totals these are."""
    sums = projects.order_by().aggregate(
        count=Count("pk"), requested=Sum("budget_requested"), approved=Sum("approved_budget")
    )
    zero = Decimal("0.00")
    totals = {
        "count": sums["count"],
        "requested": sums["requested"] or zero,
        "approved": sums["approved"] or zero,
        "more": [],
    }
    for config in apps.get_app_configs():
        contribute = getattr(config, "project_totals", None)
        if contribute is not None:
            totals["more"].extend(contribute(projects))
    return totals


def count_by_stage(projects) -> dict[str, int]:
    rows = projects.order_by().values("stage").annotate(n=Count("pk"))
    return {row["stage"]: row["n"] for row in rows}


def stage_counts(user) -> dict[str, int]:
    return count_by_stage(Project.objects.visible_to(user))


def late_milestone_projects(user):
    """Approved and implementing projects of this user's scope with a milestone past its (forecast) date."""
    today = timezone.localdate()
    late = Milestone.objects.filter(project=OuterRef("pk"), done=False).filter(
        Q(forecast_date__lt=today) | Q(forecast_date__isnull=True, planned_date__lt=today)
    )
    return (
        Project.objects.visible_to(user)
        .filter(stage__in=[Stage.APPROVED, Stage.IMPLEMENTING])
        .filter(Exists(late))
        .with_names()
    )
