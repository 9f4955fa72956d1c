"""The demo city's pre-review: two more expert accounts, expert reviews on the proposals, and red-line
overrides — written through the services as each project's story is told (``projects.demo``),
then dated back to when they would have happened.

- Every project that was approved had its expert review (two above 5,000,000 yuan), except the
  政务云安全 project, whose "expert review" red line the office overrode with a written reason.
- Returned and rejected proposals had a review asking for revision or rejecting them.
- The proposals now in pre-review show every situation of the queue: a duplicate rejected by an
  expert, a duplicate whose review is still awaited, a partial overlap with two passing reviews (cut),
  a standalone app (red line, return), one waiting for its first review (blocked), a resubmitted one
  passed by two experts, and one whose review red line the office overrode.
"""

import random
from datetime import date, timedelta

from django.utils import timezone

from projects.prereview import report, services
from projects.prereview.models import Criterion, ExpertReview, Opinion, PreReview, RedLineOverride

REVIEWERS = [
    ("reviewer2", "周立新", "临江市数字化转型专家咨询委员会"),
    ("reviewer3", "孙慧", "临江市数字化转型专家咨询委员会"),
]
PANEL = ["reviewer", "reviewer2", "reviewer3"]
TWO_REVIEWS_FROM = 5_000_000  # yuan: bigger budgets get two experts

COMMENTS = {
    Opinion.PASS: "建设必要性充分，技术路线可行，预算基本合理，同意通过预审。",
    Opinion.REVISE: "建设内容与现有系统边界不清，预算明细不够具体，建议修改完善后再报。",
    Opinion.REJECT: "主要功能已有系统提供，属重复建设，建议不予立项。",
}
SCORES = {Opinion.PASS: (7, 9), Opinion.REVISE: (5, 7), Opinion.REJECT: (3, 5)}


def _at(day: date, hour: int):
    """That moment, or an hour ago if it would be later (the last stories end today)."""
    from projects.demo import moment_on  # projects.demo imports this module

    return min(moment_on(day, hour), timezone.now() - timedelta(hours=1))


def _review(story, reviewer: str, opinion: str | None, comment: str = "", *, assigned: date, submitted: date):
    """Assign ``reviewer`` and, with an opinion, submit its review; dated ``assigned``/``submitted``."""
    from projects.demo import happened_at

    demo, project = story.demo, story.project
    with happened_at(_at(assigned, 15)):
        review = services.assign_reviewer(project, demo.users[reviewer], by=story.manager)
    ExpertReview.objects.filter(pk=review.pk).update(assigned_at=_at(assigned, 15))
    if opinion is None:
        return
    low, high = SCORES[opinion]
    # A generator of its own: the city's shared one must give the other demo data what it gave before.
    rng = random.Random(f"{project.code}-{reviewer}")
    scores = {criterion: rng.randint(low, high) for criterion in Criterion.values}
    with happened_at(_at(submitted, 16)):
        services.save_review(
            review,
            by=demo.users[reviewer],
            scores=scores,
            opinion=opinion,
            comment=comment or COMMENTS[opinion],
            submit=True,
        )
    ExpertReview.objects.filter(pk=review.pk).update(submitted_at=_at(submitted, 16))


def _override(story, reason: str, day: date) -> None:
    """The office overrides the "needs an expert review" red line (the demo's reasons say why)."""
    assessment = services.refresh(PreReview.objects.open().get(project=story.project))
    for hit in (hit for hit in assessment.standing if hit.is_about_process):
        override = services.override_red_line(story.project, hit.version.rule, by=story.manager, reason=reason)
        RedLineOverride.objects.filter(pk=override.pk).update(at=_at(day, 17))


def after_start_review(story, day: date) -> None:
    """The reviews of a proposal that is still in pre-review (``P.extra["reviews"]``/``["override"]``)."""
    if story.project.stage != "prereview" or story.spec.stage != "prereview":
        return
    for n, (reviewer, opinion, *comment) in enumerate(story.spec.extra.get("reviews", ())):
        assigned = min(day + timedelta(days=n), story.demo.today)
        submitted = min(assigned + timedelta(days=2), story.demo.today)
        _review(story, reviewer, opinion, *comment, assigned=assigned, submitted=submitted)
    if "override" in story.spec.extra:
        _override(story, story.spec.extra["override"], min(day + timedelta(days=1), story.demo.today))


def before_decision(story, action: str, started: date, day: date) -> None:
    """What pre-review holds by the time the office decides: reviews, or an override."""
    if story.project.stage != "prereview":
        return
    if action == "approve" and "override" in story.spec.extra:
        _override(story, story.spec.extra["override"], day - timedelta(days=1))
        return
    opinion = {"approve": Opinion.PASS, "return": Opinion.REVISE, "reject": Opinion.REJECT}.get(action)
    if opinion is None:
        return
    budget = story.project.budget_requested or 0
    count = 2 if action == "approve" and budget >= TWO_REVIEWS_FROM else 1
    for n in range(count):
        reviewer = PANEL[(story.n + n) % len(PANEL)]
        comment = story.spec.comment if opinion != Opinion.PASS and story.spec.comment else ""
        assigned = started  # the afternoon the review started
        _review(story, reviewer, opinion, comment, assigned=assigned, submitted=max(assigned, day - timedelta(days=2)))


def date_rounds(project) -> None:
    """Date each round back to the actions that opened and closed it, and freeze its report again
    as it stood then (the services wrote them 'now')."""
    from projects.models import GateRecord

    for prereview in PreReview.objects.filter(project=project).select_related("transition"):
        opened = prereview.transition.at if prereview.transition_id else prereview.opened_at
        PreReview.objects.filter(pk=prereview.pk).update(opened_at=opened, checked_at=opened, refreshed_at=opened)
        if prereview.closed_at is None:
            continue
        closing = project.transitions.filter(at__gt=opened, action=prereview.outcome).order_by("at", "pk").first()
        assessment = report.assess(report.rounds().get(pk=prereview.pk))
        assessment.evaluated_at = closing.at
        final = services.as_closed(
            assessment.frozen(), at=closing.at, outcome=prereview.outcome, stage=closing.to_stage
        )
        PreReview.objects.filter(pk=prereview.pk).update(closed_at=closing.at, final=final)
        GateRecord.objects.filter(transition=closing, gate=GateRecord.Gate.APPROVAL).update(prereview=final)
