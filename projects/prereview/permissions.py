"""Who may do what in pre-review.

The portfolio office (managers) keeps the rules, assigns reviewers, overrides red lines and reads
the reports; supervisors and finance, who see the whole region, may read the reports too. A
reviewer writes only the reviews assigned to it. Owners see neither the reports nor the experts'
reviews: what reaches them is the office's decision and its comment.
"""

import rules

from portfolio.permissions import is_reviewer
from projects.permissions import acting_role, is_portfolio_office


@rules.predicate
def is_the_assigned_reviewer(user, review):
    return review is not None and review.reviewer_id == user.pk


def keeps_prereview(user) -> bool:
    """Assigns reviewers, overrides red lines, scores again, edits rules: the portfolio office."""
    return acting_role(user) == "manager"


def reviewer_conflict(reviewer, project) -> bool:
    """A reviewer of the proposing organization (or of one below it) may not review its proposal."""
    org = reviewer.organization
    return org is not None and org.is_within(project.owner_org)


def reads_reports(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.sees_whole_region)


# Rules: everyone signed in may read them (owners write better proposals when they know what counts);
# the portfolio office writes them.
RULES = {
    "view": rules.is_authenticated,
    "add": is_portfolio_office,
    "change": is_portfolio_office,
    "delete": is_portfolio_office,
}

# Reviews: the queryset limits who sees which (ExpertReviewQuerySet); the office assigns and withdraws,
# the assigned reviewer writes.
REVIEWS = {
    "view": rules.is_authenticated,
    "add": is_portfolio_office,
    "change": is_reviewer & is_the_assigned_reviewer,
    "delete": is_portfolio_office,
}
