"""The pre-review report of one round: facts, rule score, red lines, duplicate check, expert reviews
and the recommendation — assembled from the round and the rules in use, in a handful of queries.

The duplicate check is the only costly input; it is stored with the round (``PreReview.duplicate``)
when the review starts or a manager asks for it again. Everything else is evaluated when the report
is assessed — with the rule versions in use at that moment and the reviews submitted so far — so
the report a manager reads is the one approval checks. ``Assessment.as_dict()`` is DESIGN.md's
``pre-review report`` JSON (plus ``facts``, ``review_summary`` and labels); when the round closes it
is frozen in the round and, at approval, in the gate record.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from projects.duplicates.check import DuplicateReport
from projects.models import Project
from projects.prereview import facts as F
from projects.prereview.models import (
    Criterion,
    ExpertReview,
    Opinion,
    PreReview,
    RedLineOverride,
    RuleVersion,
)
from projects.prereview.recommendation import Advice, recommend
from projects.prereview.scoring import Hit, RuleScore, json_value, score


def rounds():
    """Rounds with everything an assessment reads, in four queries for any number of them."""
    systems = (
        Project.systems.through.objects.filter(project_id=OuterRef("project_id"))
        .order_by()
        .values("project_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        PreReview.objects.select_related("project__owner_org", "project__domain")
        .annotate(linked_systems=Coalesce(Subquery(systems, output_field=IntegerField()), 0))
        .prefetch_related(
            Prefetch("reviews", queryset=ExpertReview.objects.select_related("reviewer__organization")),
            Prefetch("overrides", queryset=RedLineOverride.objects.select_related("by", "rule_version")),
        )
    )


def current_rules() -> list[RuleVersion]:
    return list(RuleVersion.objects.current().order_by("rule_id"))


def collect_facts(project: Project, *, duplicate: DuplicateReport | None, reviews, linked_systems: int) -> dict:
    """The value of every fact for this project, as the rules see it (None when unknown)."""
    submitted = [r for r in reviews if r.is_submitted]
    return {
        "budget_requested": project.budget_requested,
        "beneficiaries": project.beneficiaries,
        "warranty_months": project.warranty_months,
        "reuses_shared_components": project.reuses_shared_components,
        "shares_data": project.shares_data,
        "has_mobile_app": project.has_mobile_app,
        "function_count": len(project.function_list),
        "linked_system_count": linked_systems,
        "domain": project.domain.code,
        "duplicate_verdict": str(duplicate.verdict) if duplicate else None,
        "duplicate_overlap": Decimal(str(round(duplicate.overlap, 2))) if duplicate else None,
        "expert_review_count": len(submitted),
        "expert_reject_count": sum(1 for r in submitted if r.opinion == Opinion.REJECT),
    }


@dataclass
class Assessment:
    prereview: PreReview
    project: Project
    facts: dict
    score: RuleScore
    standing: list[Hit]
    overridden: list[tuple[Hit, RedLineOverride]]
    reviews: list[ExpertReview]
    duplicate: DuplicateReport | None
    advice: Advice
    evaluated_at: datetime = field(default_factory=timezone.now)

    def as_dict(self) -> dict:
        round_, project = self.prereview, self.project
        return {
            "project": {
                "id": project.pk,
                "code": project.code,
                "name": project.name,
                "owner_org": project.owner_org_id,
                "owner_org_name": project.owner_org.name,
                "stage": project.stage,
                "budget_requested": None if project.budget_requested is None else f"{project.budget_requested:.2f}",
                "functions": project.function_list,
            },
            "round": {
                "id": round_.pk,
                "opened_at": _iso(round_.opened_at),
                "closed_at": _iso(round_.closed_at),
                "outcome": round_.outcome,
            },
            "evaluated_at": _iso(self.evaluated_at),
            "facts": [
                {
                    "name": name,
                    "label": str(F.FACTS[name].label),
                    "value": json_value(value),
                    "value_label": F.display(name, value),
                }
                for name, value in self.facts.items()
            ],
            "rule_score": self.score.as_dict(),
            "red_lines": [self._red_line(hit) for hit in self.score.red_lines],
            "duplicate": self._duplicate(),
            "reviews": [_review(review) for review in self.reviews],
            "review_summary": self.review_summary(),
            "recommendation": self.advice.as_dict(),
        }

    def _red_line(self, hit: Hit) -> dict:
        override = {h.rule_id: o for h, o in self.overridden}.get(hit.rule_id)
        return {
            **hit.as_dict(),
            "overridden": override is not None,
            "about_process": hit.is_about_process,
            "reason": override.reason if override else None,
            "overridden_by": override.by_id if override else None,
            "overridden_by_name": override.by.name if override else None,
            "overridden_at": _iso(override.at) if override else None,
            "overridden_version": override.rule_version.number if override else None,
        }

    def _duplicate(self) -> dict | None:
        report = self.duplicate
        if report is None:
            return None
        return {
            **report.as_dict(),
            "verdict_label": report.verdict_label,
            "main_match": report.main_match.as_dict() if report.main_match else None,
            "reasons": report.reasons(),
            "checked_at": _iso(self.prereview.checked_at),
        }

    def review_summary(self) -> dict:
        submitted = [r for r in self.reviews if r.is_submitted]
        means = {}
        for criterion in Criterion.values:
            values = [r.scores[criterion] for r in submitted if isinstance(r.scores.get(criterion), int)]
            means[criterion] = round(sum(values) / len(values), 1) if values else None
        return {
            "assigned": len(self.reviews),
            "submitted": len(submitted),
            "pending": len(self.reviews) - len(submitted),
            "opinions": {opinion: sum(1 for r in submitted if r.opinion == opinion) for opinion in Opinion.values},
            "mean_scores": means,
        }

    def frozen(self) -> dict:
        """The report as a record keeps it: rendered in the site language, whoever decided."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.as_dict()


def assess(prereview: PreReview, *, rules: list[RuleVersion] | None = None) -> Assessment:
    """Evaluate the round now. ``prereview`` should come from :func:`rounds` (else it is re-read)."""
    if not hasattr(prereview, "linked_systems"):
        prereview = rounds().get(pk=prereview.pk)
    project = prereview.project
    rules = current_rules() if rules is None else rules
    duplicate = DuplicateReport.from_json(prereview.duplicate) if prereview.duplicate else None
    reviews = list(prereview.reviews.all())
    facts = collect_facts(project, duplicate=duplicate, reviews=reviews, linked_systems=prereview.linked_systems)
    result = score(rules, facts)
    overrides = {o.rule_id: o for o in prereview.overrides.all()}
    standing = [hit for hit in result.red_lines if hit.rule_id not in overrides]
    overridden = [(hit, overrides[hit.rule_id]) for hit in result.red_lines if hit.rule_id in overrides]
    advice = recommend(
        duplicate=duplicate,
        standing=standing,
        overridden=overridden,
        opinions=[r.opinion for r in reviews if r.is_submitted],
        pending=sum(1 for r in reviews if not r.is_submitted),
    )
    return Assessment(prereview, project, facts, result, standing, overridden, reviews, duplicate, advice)


def _review(review: ExpertReview) -> dict:
    """A review as the report shows it: its scores and opinion only once submitted (a draft is the
    reviewer's own until then)."""
    submitted = review.is_submitted
    return {
        "id": review.pk,
        "reviewer": review.reviewer_id,
        "reviewer_name": review.reviewer.name,
        "reviewer_org_name": review.reviewer.organization.name if review.reviewer.organization_id else "",
        "status": review.status,
        "status_label": str(review.get_status_display()),
        "opinion": review.opinion if submitted else "",
        "opinion_label": str(review.get_opinion_display()) if submitted else "",
        "scores": dict(review.scores) if submitted else {},
        "total": review.total if submitted else None,
        "comment": review.comment if submitted else "",
        "assigned_at": _iso(review.assigned_at),
        "submitted_at": _iso(review.submitted_at),
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
