"""Who may do what with outcomes and budgets, built from the core role predicates.

What a user may *see* is each model's ``visible_to`` queryset (an owner: its own organization's
subtree; managers, supervisors and finance: the whole region). These rules decide what they may
*do* with what they see.
"""

import rules

from portfolio.permissions import is_admin, is_finance, is_owner, sees_whole_region


@rules.predicate
def owns_project_of(user, obj):
    """The object's project belongs to the user's organization or a descendant (None: any)."""
    if obj is None:
        return True
    project = getattr(obj, "project", obj)
    return bool(user.organization_id) and project.owner_org.is_within(user.organization)


# Operating data (tickets, spending, measurements): the owner files it for its own projects, the
# portfolio office may file it for any (e.g. from the 12345 hotline). Everyone who sees it reads it.
OPERATING_DATA = {
    "view": rules.is_authenticated,
    "add": is_admin | is_owner,
    "change": is_admin | (is_owner & owns_project_of),
    "delete": is_admin | (is_owner & owns_project_of),
}

# Ratings are the citizens' words: filed, never edited or deleted through the platform.
RATINGS = {
    "view": rules.is_authenticated,
    "add": is_admin | is_owner,
    "change": rules.always_deny,
    "delete": rules.always_deny,
}

# A rectification is answered (closed with a reply) by the organization it was opened for.
RECTIFICATIONS = {
    "view": rules.is_authenticated,
    "add": rules.always_deny,  # opened only by filing a poor rating
    "change": is_admin | (is_owner & owns_project_of),
    "delete": rules.always_deny,
}

# Evaluations are computed, never edited by hand; the portfolio office may ask for a recompute.
EVALUATIONS = {
    "view": rules.is_authenticated,
    "add": is_admin,
    "change": rules.always_deny,
    "delete": rules.always_deny,
}

# Budget requests: the owner asks for its project's operating money; finance reads them.
BUDGET_REQUESTS = {
    "view": rules.is_authenticated,
    "add": is_owner | is_admin,
    "change": is_admin | (is_owner & owns_project_of),
    "delete": is_admin | (is_owner & owns_project_of),
}

# The budget policy and final amounts are finance's (DESIGN.md: finance sets the envelope and policy).
BUDGET_POLICY = {
    "view": sees_whole_region,
    "add": is_finance,
    "change": is_finance,
    "delete": rules.always_deny,
}


# The admin lists this app to the portfolio office (portfolio/permissions.py):
# indicators; ratings, results and policies read-only.
rules.set_perm("evaluation", is_admin)
