"""Reads of the cockpit: roll-ups, plan coverage, computed and self-rated status, projects at risk.

Every read starts from ``Project.objects.visible_to(user)`` (an owner: its organization and the
ones below it), and reads each other app's rows for *those* projects in one grouped query each, so
the number of queries does not grow with the portfolio (tests/cockpit/test_query_counts.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from constance.utils import get_values_for_keys
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone

from cockpit import rollup_sql
from cockpit import status as rules_engine
from cockpit.models import Light, StatusReport, StatusRule
from evaluation.models import Evaluation, Spending
from portfolio.models import Domain, Organization, Plan, PlanGoal, Region, Scenario
from projects.lifecycle import Stage
from projects.models import Milestone, Project
from tasks.lifecycle import RED_KINDS
from tasks.models import Task, TaskWarning

ZERO = Decimal("0.00")
MONEY = ("requested", "approved", "spent", "operating")

# by=…: the project field grouped on, and the list filter that selects one group (the drill-down).
DIMENSIONS = {
    "domain": ("domain_id", "domain"),
    "stage": ("stage", "stage"),
    "org": ("owner_org_id", "owner_org"),
    "region": ("owner_org__region_id", "region"),
    "tier": ("owner_org__region__tier", "tier"),
    "year": ("year", "year"),
    "plan": ("plan_id", "plan"),
}
# Rows in their natural order where there is one (years, the lifecycle, the tiers), else largest first.
ORDER = {
    "year": lambda r: r["key"],
    "stage": lambda r: Stage.values.index(r["key"]) if r["key"] in Stage.values else len(Stage.values),
    "tier": lambda r: Region.Tier.values.index(r["key"]) if r["key"] in Region.Tier.values else 9,
}
# The roll-up's own filters (the same names and meanings as the project list's).
FILTERS = ("plan", "year", "domain", "region", "owner_org")
NAMED = {"domain": Domain, "org": Organization, "region": Region, "plan": Plan}
# Computed status is for projects being built; the at-risk list adds projects in operation graded D.
STATUS_STAGES = (Stage.IMPLEMENTING,)
OPERATING_STAGES = (Stage.ACCEPTED,)


def budget_year(today: date | None = None) -> int:
    """The year whose operating budget the roll-ups show: next year's, as the budget report does."""
    return (today or timezone.localdate()).year + 1


def money_by(projects, path: str | None, *, year: int | None = None, named=None) -> dict:
    """Count, requested, approved, spent (spending records) and operating budget (``year``'s budget
    requests: finance's final amount, else the requested one) of ``projects``, per value of
    ``path`` (None: one total, under the key None). One statement (``cockpit.rollup_sql``)."""
    result = rollup_sql.grouped(projects, path, year or budget_year(), named=named)
    if path is None and None not in result:
        result[None] = {"label": None, "count": 0, **dict.fromkeys(MONEY, ZERO)}
    return result


def project_totals(projects) -> list[dict]:
    """What the cockpit adds to the project list's totals (``CockpitConfig.project_totals``)."""
    from django.utils.translation import gettext as _

    money = money_by(projects, None)[None]
    return [
        {"key": "spent", "label": _("Spent"), "value": money["spent"]},
        {
            "key": "operating",
            "label": _("Operating budget %(year)s") % {"year": budget_year()},
            "value": money["operating"],
        },
    ]


def _label(by: str, key, name) -> str:
    if by == "stage":
        return str(Stage(key).label) if key in Stage.values else str(key)
    if by == "tier":
        return str(Region.Tier(key).label) if key in Region.Tier.values else str(key)
    return str(name if name is not None else key)  # names read with the figures; a year is its own label


def list_query(base: dict, **extra) -> str:
    """The project list's query string for these filters."""
    params = {k: v for k, v in {**base, **extra}.items() if v not in (None, "")}
    return urlencode(params)


def rollup(projects, by: str, *, filters: dict, with_money: bool, year: int | None = None) -> dict:
    """One row per value of ``by``: counts and money (operating: budget ``year``, by default next
    year's), each row with the list behind it."""
    path, list_filter = DIMENSIONS[by]
    groups = money_by(projects, path, year=year, named=NAMED.get(by))
    list_url = reverse("projects:list")
    api_url = reverse("project-list")
    result = []
    for key, figures in groups.items():
        query = list_query(filters, **{list_filter: key})
        entry = {"key": key, "label": _label(by, key, figures["label"]), "count": figures["count"]}
        if with_money:
            entry.update({name: figures[name] for name in MONEY})
        entry.update(list_url=f"{list_url}?{query}", api_url=f"{api_url}?{query}")
        result.append(entry)
    result.sort(key=ORDER.get(by, lambda r: (-r["count"], r["label"])))
    totals = {"count": sum(r["count"] for r in result)}
    if with_money:
        for name in MONEY:
            totals[name] = sum((r[name] for r in result), ZERO)
    totals["list_url"] = f"{list_url}?{list_query(filters)}"
    return {"by": by, "rows": result, "totals": totals}


# --- Computed and self-rated status -------------------------------------------------------------


def active_rules() -> list[StatusRule]:
    return list(StatusRule.objects.filter(active=True))


def month_text(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def due_month(today: date | None = None) -> str:
    """The month whose self-rating is due: this month from its ``STATUS_REPORT_DAY``, before it the last."""
    today = today or timezone.localdate()
    # get_values_for_keys, not config.X: inside an event loop the attribute is an awaitable proxy.
    if today.day >= int(get_values_for_keys(["STATUS_REPORT_DAY"])["STATUS_REPORT_DAY"]):
        return month_text(today)
    first = today.replace(day=1)
    return month_text(date.fromordinal(first.toordinal() - 1))


@dataclass
class ProjectStatus:
    project: Project
    computed: str | None = None
    reasons: list = field(default_factory=list)
    facts: rules_engine.Facts = field(default_factory=rules_engine.Facts)
    self_rated: StatusReport | None = None
    has_due_rating: bool = False
    milestones: list = field(default_factory=list)

    @property
    def grade(self) -> str:
        return self.facts.grade

    @property
    def optimistic(self) -> bool:
        """自评偏乐观: the owner's latest word is green while the rules say red."""
        return self.computed == Light.RED and self.self_rated is not None and self.self_rated.light == Light.GREEN

    @property
    def missing_rating(self) -> bool:
        return self.computed is not None and not self.has_due_rating

    @property
    def risk_flags(self) -> list[str]:
        flags = []
        if self.computed == Light.RED:
            flags.append("computed_red")
        if self.optimistic:
            flags.append("optimistic")
        if self.missing_rating:
            flags.append("missing_rating")
        if self.grade == "D":
            flags.append("grade_d")
        return flags


def _last_grade():
    graded = Evaluation.objects.filter(project=OuterRef("pk")).exclude(grade="").order_by("-period")
    return Subquery(graded.values("grade")[:1])


def _spent():
    total = Spending.objects.filter(project=OuterRef("pk")).order_by().values("project").annotate(v=Sum("amount"))
    return Subquery(total.values("v")[:1])


def statuses(projects, *, today: date | None = None, with_milestones: bool = False) -> list[ProjectStatus]:
    """The status of each project in ``projects`` (computed for those implementing), in a fixed
    number of queries: the projects with their spending and last grade, their milestones, the
    red warnings of their tasks, the self-ratings, the rules."""
    today = today or timezone.localdate()
    rows = list(projects.select_related("owner_org", "domain").annotate(last_grade=_last_grade(), spent=_spent()))
    if not rows:
        return []
    ids = projects.order_by().values("pk")
    implementing = {p.pk for p in rows if p.stage in STATUS_STAGES}
    building = projects.order_by().filter(stage__in=STATUS_STAGES).values("pk")
    milestones = defaultdict(list)
    for m in Milestone.objects.filter(project__in=building).order_by("project", "order", "planned_date", "pk"):
        milestones[m.project_id].append(m)
    warnings = dict(
        TaskWarning.objects.filter(closed_at__isnull=True, kind__in=RED_KINDS, task__projects__in=building)
        .order_by()
        .values("task__projects")
        .annotate(n=Count("pk", distinct=True))
        .values_list("task__projects", "n")
    )
    latest, due = {}, set()
    month = due_month(today)
    for report in (
        StatusReport.objects.filter(project__in=ids)
        .select_related("filed_by")
        .order_by("project", "-month", "-filed_at", "-pk")
    ):
        latest.setdefault(report.project_id, report)
        if report.month == month:
            due.add(report.project_id)
    rules = active_rules() if implementing else []
    result = []
    for project in rows:
        facts = rules_engine.Facts(grade=project.last_grade or "")
        status = ProjectStatus(project=project, facts=facts, self_rated=latest.get(project.pk))
        status.has_due_rating = project.pk in due
        if project.pk in implementing:
            _schedule_facts(facts, project, milestones[project.pk], today, status if with_milestones else None)
            facts.red_warnings = warnings.get(project.pk, 0)
            if project.approved_budget:
                facts.elapsed = rules_engine.elapsed_share(project.planned_start, project.planned_end, today)
                # Only money recorded against the project is judged (docs/cockpit.md).
                if project.spent is not None:
                    facts.execution = rules_engine.percent(project.spent, project.approved_budget)
            computed = rules_engine.compute(facts, rules)
            status.computed, status.reasons = computed.light, computed.reasons
        result.append(status)
    return result


def _schedule_facts(facts, project, milestones, today, status) -> None:
    duration = (
        (project.planned_end - project.planned_start).days
        if project.planned_start and project.planned_end and project.planned_end > project.planned_start
        else None
    )
    for m in milestones:
        variance = m.variance_days
        share = rules_engine.percent(variance, duration) if variance is not None and duration else None
        if status is not None:
            status.milestones.append(
                {
                    "id": m.pk,
                    "name": m.name,
                    "baseline_date": m.baseline_date,
                    "planned_date": m.planned_date,
                    "forecast_date": m.forecast_date,
                    "actual_date": m.actual_date,
                    "done": m.done,
                    "variance_days": variance,
                    "variance_share": share,
                    "late": m.is_late,
                }
            )
        if m.is_late:
            facts.overdue_milestones += 1
        if variance is not None and (facts.schedule_days is None or variance > facts.schedule_days):
            facts.schedule_days = variance
            facts.schedule_share = share
            facts.worst_milestone = m.name


def project_status(project: Project, *, today: date | None = None) -> ProjectStatus:
    return statuses(Project.objects.filter(pk=project.pk), today=today, with_milestones=True)[0]


def at_risk(user, *, today: date | None = None) -> list[ProjectStatus]:
    """Implementing projects red, rated too optimistically or missing the month's rating, and
    projects in operation whose last grade is D — each with its reasons."""
    candidates = (
        Project.objects.visible_to(user)
        .annotate(grade_now=_last_grade())
        .filter(Q(stage__in=STATUS_STAGES) | Q(stage__in=OPERATING_STAGES, grade_now="D"))
    )
    return [s for s in statuses(candidates, today=today) if s.risk_flags]


def optimism_by_org(risks: list[ProjectStatus]) -> list[dict]:
    """How many projects of each organization are flagged 自评偏乐观, most first."""
    counts = defaultdict(int)
    names = {}
    for s in risks:
        if s.optimistic:
            counts[s.project.owner_org_id] += 1
            names[s.project.owner_org_id] = s.project.owner_org.name
    return sorted(
        ({"org": pk, "org_name": names[pk], "optimistic": n} for pk, n in counts.items()),
        key=lambda r: (-r["optimistic"], r["org_name"]),
    )


# --- Plan traceability -----------------------------------------------------------------------


CLOSED_STAGES = (Stage.REJECTED, Stage.TERMINATED)


def coverage(plan: Plan, user) -> dict:
    """The plan's goals and scenarios, each with the visible projects (their money and status) and
    the tasks that deliver them; gaps are those no live project serves — any organization's, since
    a goal is covered for the whole city — so an owner sees a gap only where there is one."""
    goals = list(plan.goals.select_related("domain"))
    scenarios = list(plan.scenarios.select_related("domain", "lead_org"))
    serving = Project.objects.filter(plan=plan).exclude(stage__in=CLOSED_STAGES)
    visible = serving.visible_to(user)
    linked = visible.filter(Q(plan_goal__isnull=False) | Q(scenario__isnull=False))
    by_goal, by_scenario = defaultdict(list), defaultdict(list)
    for status in statuses(linked):
        if status.project.plan_goal_id:
            by_goal[status.project.plan_goal_id].append(status)
        if status.project.scenario_id:
            by_scenario[status.project.scenario_id].append(status)
    served_goals = set(serving.exclude(plan_goal=None).values_list("plan_goal", flat=True).distinct())
    served_scenarios = set(serving.exclude(scenario=None).values_list("scenario", flat=True).distinct())
    tasks = defaultdict(list)
    links = Task.projects.through.objects.filter(
        project__in=linked.order_by().values("pk"), task__in=Task.objects.visible_to(user).values("pk")
    )
    for link in links.select_related("task__lead_org").order_by("task__due_date", "task__pk"):
        tasks[link.project_id].append(link.task)

    def entry(key, item, served, by):
        return {
            key: item,
            "projects": by[item.pk],
            "tasks": _tasks_of(by[item.pk], tasks),
            "gap": item.pk not in served,
        }

    return {
        "plan": plan,
        "goals": [entry("goal", g, served_goals, by_goal) for g in goals],
        "scenarios": [entry("scenario", s, served_scenarios, by_scenario) for s in scenarios],
        "unlinked": list(visible.filter(plan_goal=None, scenario=None).select_related("owner_org").order_by("code")),
    }


def _tasks_of(statuses_, tasks) -> list:
    seen, result = set(), []
    for status in statuses_:
        for task in tasks[status.project.pk]:
            if task.pk not in seen:
                seen.add(task.pk)
                result.append(task)
    return result


def gaps(plans) -> dict:
    """Goals and scenarios of ``plans`` that no live project serves (two queries)."""
    live = Project.objects.exclude(stage__in=CLOSED_STAGES)
    goals = (
        PlanGoal.objects.filter(plan__in=plans)
        .exclude(pk__in=live.exclude(plan_goal=None).values("plan_goal"))
        .select_related("plan", "domain")
        .order_by("plan", "order", "pk")
    )
    scenarios = (
        Scenario.objects.filter(plan__in=plans)
        .exclude(pk__in=live.exclude(scenario=None).values("scenario"))
        .select_related("plan", "domain")
        .order_by("plan", "pk")
    )
    return {"goals": list(goals), "scenarios": list(scenarios)}
