"""Reads of pre-review, shaped for the pages and the API. Visibility first, always."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When

from portfolio.models import DataResource, InformationSystem, Role, User
from projects.duplicates.models import Kind
from projects.lifecycle import Stage
from projects.models import Project
from projects.prereview import report
from projects.prereview.models import (
    RECOMMENDATION_ORDER,
    ExpertReview,
    PreReview,
    Recommendation,
    ReviewRule,
    RuleVersion,
)
from projects.prereview.permissions import reads_reports, reviewer_conflict

SUBMITTED = Q(reviews__status=ExpertReview.Status.SUBMITTED)


# --- Rounds and reports ----------------------------------------------------------------------------


def rounds_of(project: Project):
    """The project's rounds, newest first."""
    return project.prereviews.order_by("-opened_at", "-pk")


def report_of(project: Project, round_id=None) -> tuple[PreReview | None, dict | None]:
    """The round to show (the open one, else the latest, or the one asked for) and its report: live
    while the round is open, as frozen once it closed."""
    rounds = report.rounds().filter(project=project).order_by("-opened_at", "-pk")
    chosen = rounds.filter(pk=round_id).first() if round_id else rounds.filter(closed_at__isnull=True).first()
    chosen = chosen or rounds.first()
    if chosen is None:
        return None, None
    if chosen.is_open:
        return chosen, report.assess(chosen).as_dict()
    return chosen, chosen.final


def open_round(project: Project) -> PreReview | None:
    return PreReview.objects.open().filter(project=project).first()


def open_assessment(project: Project) -> report.Assessment | None:
    """The live assessment of the project's open round (None without one)."""
    prereview = report.rounds().open().filter(project=project).first()
    return report.assess(prereview) if prereview else None


@dataclass
class Side:
    """One existing item beside the proposal: its functions, the shared ones marked."""

    match: dict
    functions: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.match['kind']}:{self.match['id']}"


@dataclass
class Evidence:
    """The proposal's functions next to each close match's (the side-by-side view of the report)."""

    proposal: list[tuple[str, set[str]]]  # (function, keys of the sides that already have it)
    sides: list[Side]


def evidence(data: dict, *, limit: int = 4) -> Evidence | None:
    """The side-by-side evidence of a report's duplicate check: the proposal's functions and, for
    the closest matches that share functions, their own function lists — one query per kind."""
    duplicate = data.get("duplicate")
    if not duplicate:
        return None
    matches = [m for m in duplicate["matches"] if m["functions"]][:limit]
    main = duplicate.get("main_match")
    if main and all((m["kind"], m["id"]) != (main["kind"], main["id"]) for m in matches):
        matches = [main, *matches][:limit]
    wanted = {kind: [m["id"] for m in matches if m["kind"] == kind] for kind in Kind.values}
    texts = {}
    if wanted[Kind.SYSTEM]:
        rows = InformationSystem.objects.filter(pk__in=wanted[Kind.SYSTEM]).values_list("pk", "functions")
        texts.update({(Kind.SYSTEM, pk): functions.splitlines() for pk, functions in rows})
    if wanted[Kind.PROJECT]:
        rows = Project.objects.filter(pk__in=wanted[Kind.PROJECT]).values_list("pk", "functions")
        texts.update({(Kind.PROJECT, pk): functions.splitlines() for pk, functions in rows})
    if wanted[Kind.DATA]:
        rows = DataResource.objects.filter(pk__in=wanted[Kind.DATA]).values_list("pk", "name", "description")
        texts.update({(Kind.DATA, pk): [name, description] for pk, name, description in rows})
    sides, found = [], {}
    for match in matches:
        shared_existing = {f["existing"] for f in match["functions"]}
        own = [line.strip() for line in texts.get((match["kind"], match["id"]), []) if line.strip()]
        side = Side(match, [(line, line in shared_existing) for line in own or sorted(shared_existing)])
        for f in match["functions"]:
            found.setdefault(f["proposal"], set()).add(side.key)
        sides.append(side)
    proposal = [(function, found.get(function, set())) for function in data["project"].get("functions", [])]
    return Evidence(proposal, sides)


def queue():
    """Proposals in pre-review, by recommendation (hardest decisions first), then the standing red
    lines, then the longest waiting. Projects in pre-review without a round come last, unscored."""
    order = Case(
        *(When(recommendation=value, then=Value(position)) for value, position in RECOMMENDATION_ORDER.items()),
        default=Value(len(RECOMMENDATION_ORDER)),
        output_field=IntegerField(),
    )
    rounds = list(
        PreReview.objects.open()
        .filter(project__stage=Stage.PREREVIEW)
        .select_related("project__owner_org", "project__domain")
        .annotate(
            position=order,
            assigned=Count("reviews"),
            submitted=Count("reviews", filter=SUBMITTED),
        )
        .order_by("position", "-red_lines_standing", "opened_at", "pk")
    )
    unscored = list(
        Project.objects.filter(stage=Stage.PREREVIEW)
        .filter(~Exists(PreReview.objects.open().filter(project=OuterRef("pk"))))
        .with_names()
        .order_by("updated_at", "pk")
    )
    return rounds, unscored


def queue_counts() -> dict:
    """Open rounds by recommendation, and how many have a red line standing."""
    rows = PreReview.objects.open().filter(project__stage=Stage.PREREVIEW)
    counts = dict(rows.values_list("recommendation").annotate(n=Count("pk")).values_list("recommendation", "n"))
    return {
        "by_recommendation": [(value, label, counts.get(value, 0)) for value, label in Recommendation.choices],
        "blocked": rows.filter(red_lines_standing__gt=0).count(),
        "pending_reviews": ExpertReview.objects.filter(
            prereview__closed_at__isnull=True, status=ExpertReview.Status.ASSIGNED
        ).count(),
    }


# --- Reviews ------------------------------------------------------------------------------------


def visible_reviews(user):
    return ExpertReview.objects.visible_to(user).select_related(
        "project__owner_org", "reviewer__organization", "prereview"
    )


def assignments(user):
    """A reviewer's assignments, oldest first."""
    return visible_reviews(user).order_by("assigned_at", "pk")


def eligible_reviewers(project: Project, prereview: PreReview | None) -> list[User]:
    """Active reviewers who may review this proposal and are not assigned to its round yet."""
    reviewers = User.objects.filter(role=Role.REVIEWER, is_active=True).select_related("organization")
    if prereview is not None:
        reviewers = reviewers.exclude(expert_reviews__prereview=prereview)
    return [r for r in reviewers.order_by("name", "pk") if not reviewer_conflict(r, project)]


# --- Rules --------------------------------------------------------------------------------------


def rules():
    """Every rule with its versions (current first among them), in use first."""
    return ReviewRule.objects.prefetch_related(
        Prefetch("versions", queryset=RuleVersion.objects.select_related("created_by").order_by("-number"))
    ).order_by("-is_active", "pk")


def rule_with_versions(pk: int) -> ReviewRule:
    return rules().get(pk=pk)


# --- The project page -------------------------------------------------------------------------------


def project_card(user, project: Project) -> dict | None:
    """What the project page shows of pre-review: for the office (and whoever reads reports) the
    live assessment of the open round, or the latest round's outcome; for a reviewer, its review."""
    if reads_reports(user):
        if project.stage == Stage.PREREVIEW:
            assessment = open_assessment(project)
            if assessment is not None:
                return {"kind": "live", "report": assessment.as_dict()}
            return {"kind": "unscored"}
        latest = rounds_of(project).first()
        return {"kind": "closed", "report": latest.final} if latest is not None and latest.final else None
    if user.role == Role.REVIEWER:
        review = ExpertReview.objects.filter(project=project, reviewer=user).select_related("prereview").last()
        return {"kind": "review", "review": review} if review is not None else None
    return None
