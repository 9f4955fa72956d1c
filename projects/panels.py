"""The projects app's cards on the home page, by role."""

from django.utils.translation import gettext_lazy as _

from portfolio.navigation import Panel
from projects import selectors
from projects.lifecycle import MANAGER_QUEUE_STAGES, Stage
from projects.permissions import acting_role
from projects.prereview import selectors as prereview_selectors
from projects.prereview.models import ExpertReview

Status = ExpertReview.Status

OWNER_DESK_SIZE = 6


def home_panels(request) -> list[Panel]:
    user = request.user
    role = acting_role(user)
    if role == "owner":
        desk = list(selectors.owner_desk(user)[: OWNER_DESK_SIZE + 1])
        return [
            Panel(
                title=_("My proposals to work on"),
                template="projects/panels/owner.html",
                context={
                    "desk": desk[:OWNER_DESK_SIZE],
                    "more": len(desk) > OWNER_DESK_SIZE,
                    "counts": _stage_rows(selectors.stage_counts(user)),
                },
                order=10,
            )
        ]
    if role == "manager":
        counts = selectors.queue_counts()
        return [
            Panel(
                title=_("Waiting for the portfolio office"),
                template="projects/panels/queue.html",
                context={
                    "queue": [(stage, Stage(stage).label, counts[stage]) for stage in MANAGER_QUEUE_STAGES],
                    "late": selectors.late_milestone_projects(user).count(),
                },
                order=10,
            ),
            Panel(
                title=_("Pre-review"),
                template="projects/panels/prereview.html",
                context=prereview_selectors.queue_counts(),
                order=11,
            ),
        ]
    if role == "reviewer":
        reviews = prereview_selectors.assignments(user)
        return [
            Panel(
                title=_("Proposals assigned to me"),
                template="projects/panels/reviewer.html",
                context={
                    "to_review": list(reviews.filter(status=Status.ASSIGNED, prereview__closed_at__isnull=True)[:6]),
                    "submitted": reviews.filter(status=Status.SUBMITTED).count(),
                },
                order=10,
            )
        ]
    if role in {"supervisor", "finance"}:
        return [
            Panel(
                title=_("Projects by stage"),
                template="projects/panels/overview.html",
                context={"counts": _stage_rows(selectors.stage_counts(user))},
                order=20,
            )
        ]
    return []


def _stage_rows(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(stage, label, counts.get(stage, 0)) for stage, label in Stage.choices if counts.get(stage, 0)]
