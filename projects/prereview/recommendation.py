"""The recommendation that ends a pre-review report, with its reasons. Pure Python.

In order, the first that applies:

1. ``reject`` (不予立项) — the duplicate check found its main function built already (unless a
   manager overrode the duplicate red line, saying why it is not a duplicate after all), or more
   than half of the submitted expert reviews say ``reject``;
2. ``return`` (退回修改) — a red line about the proposal itself stands (a standalone app, a short
   warranty …: the owner must revise), or an expert asks for revision (or rejects, without a
   majority);
3. ``approve_with_cut`` (核减后立项) — some of its functions exist already: cut the overlapping
   part (the duplicate check's suggested cut, in proportion to the functions that exist);
4. ``approve`` (立项).

Approval stays blocked (``blocked``) while any red line stands, including those about the process —
"a budget of 300,000 yuan or more needs an expert review" blocks until the review is in, without
making the proposal itself worth returning. Reasons list what decided, then what still blocks or
waits, then the red lines a manager overrode and why.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.duplicates.check import Verdict
from projects.prereview.models import Opinion, Recommendation


@dataclass
class Advice:
    action: str
    cut: Decimal | None = None
    reasons: list[str] = field(default_factory=list)
    blocked: bool = False

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "action_label": str(Recommendation(self.action).label),
            "cut": None if self.cut is None else f"{self.cut:.2f}",
            "reasons": list(self.reasons),
            "blocked": self.blocked,
        }


def _tests_duplicate(hit) -> bool:
    return any(s.condition["fact"] == "duplicate_verdict" for s in hit.seen)


def recommend(*, duplicate, standing, overridden, opinions, pending) -> Advice:
    """``duplicate``: the DuplicateReport (or None before any check); ``standing``: red-line hits not
    overridden; ``overridden``: (hit, override) pairs; ``opinions``: the submitted reviews'
    opinions; ``pending``: assigned reviews not yet submitted."""
    n = len(opinions)
    rejects = opinions.count(Opinion.REJECT)
    revises = opinions.count(Opinion.REVISE)
    verdict = duplicate.verdict if duplicate is not None else None
    duplicate_accepted = any(_tests_duplicate(hit) for hit, _override in overridden)
    about_proposal = [hit for hit in standing if not hit.is_about_process]
    advice = Advice(Recommendation.APPROVE, blocked=bool(standing))

    if verdict == Verdict.DUPLICATE and not duplicate_accepted:
        advice.action = Recommendation.REJECT
        advice.reasons += duplicate.reasons()
    elif n and rejects * 2 > n:
        advice.action = Recommendation.REJECT
        advice.reasons.append(
            ngettext(
                "%(rejects)d of %(n)d expert review recommends rejection.",
                "%(rejects)d of %(n)d expert reviews recommend rejection.",
                n,
            )
            % {"rejects": rejects, "n": n}
        )
    elif about_proposal:
        advice.action = Recommendation.RETURN
        for hit in about_proposal:
            advice.reasons.append(
                _("Red line “%(name)s”: %(why)s. The owner must revise the proposal, unless the office overrides it.")
                % {"name": hit.version.name, "why": hit.explanation()}
            )
    elif rejects or revises:
        advice.action = Recommendation.RETURN
        advice.reasons.append(
            ngettext(
                "%(k)d of %(n)d expert review asks for revision or rejection.",
                "%(k)d of %(n)d expert reviews ask for revision or rejection.",
                n,
            )
            % {"k": rejects + revises, "n": n}
        )
    elif verdict == Verdict.PARTIAL and duplicate.suggested_cut:
        advice.action = Recommendation.APPROVE_WITH_CUT
        advice.cut = duplicate.suggested_cut
        advice.reasons += duplicate.reasons()
    else:
        if verdict == Verdict.DUPLICATE:  # overridden
            advice.reasons.append(_("The duplicate red line was overridden by the office (see below)."))
        elif verdict == Verdict.PARTIAL:
            advice.reasons += duplicate.reasons()
        elif verdict == Verdict.CLEAR:
            advice.reasons.append(_("The duplicate check found none of its functions in existing construction."))
        if any(not hit.is_about_process for hit, _override in overridden):
            advice.reasons.append(_("The red lines against the proposal were overridden (see below)."))
        else:
            advice.reasons.append(_("No red line stands against the proposal itself."))
        if n:
            advice.reasons.append(
                ngettext(
                    "The expert review recommends passing it.",
                    "All %(n)d expert reviews recommend passing it.",
                    n,
                )
                % {"n": n}
            )

    for hit in standing:
        if hit.is_about_process:
            advice.reasons.append(
                _("Approval waits for: “%(name)s” (%(why)s).") % {"name": hit.version.name, "why": hit.explanation()}
            )
    if pending:
        advice.reasons.append(
            ngettext(
                "%(n)d assigned expert review is not submitted yet.",
                "%(n)d assigned expert reviews are not submitted yet.",
                pending,
            )
            % {"n": pending}
        )
    if verdict is None:
        advice.reasons.append(_("The duplicate check has not run for this round."))
    for hit, override in overridden:
        advice.reasons.append(
            _("Red line “%(name)s” overridden by %(by)s on %(at)s: %(reason)s")
            % {
                "name": hit.version.name,
                "by": override.by.name or override.by.username,
                "at": formats.date_format(override.at, "Y年n月j日"),
                "reason": override.reason,
            }
        )
    return advice
