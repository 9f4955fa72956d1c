"""Who may do what with projects: the rules every page, API endpoint and service asks.

What a user may *see* is ``Project.objects.visible_to(user)`` (anything else is a 404). These
predicates decide what they may *do* with what they see; the models declare them in
``Meta.rules_permissions`` and the services check them again before every write.
"""

import rules

from portfolio.permissions import is_admin, is_owner
from portfolio.workflow import InvalidTransition
from projects.lifecycle import ACTORS, TRANSITIONS, Action, Stage


def acting_role(user) -> str | None:
    """The role a user acts in; a superuser without one acts as the portfolio office."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser and not user.role:
        return "manager"
    return user.role or None


def project_of(obj):
    """The project an object belongs to (a project is its own)."""
    return getattr(obj, "project", obj)


def owns(user, project) -> bool:
    """An owner acts for the projects of its organization and of the organizations below it."""
    return (
        acting_role(user) == "owner"
        and bool(user.organization_id)
        and project is not None
        and project.owner_org.is_within(user.organization)
    )


@rules.predicate
def acts_for_owner_org(user, obj):
    return owns(user, project_of(obj))


is_portfolio_office = is_admin

# Proposals: owners draft them for their own organization (or one below it) and edit them while
# the stage allows it (the service answers 409 outside draft/returned); nobody else edits them.
PROJECTS = {
    "view": rules.is_authenticated,
    "add": is_owner,
    "change": is_owner & acts_for_owner_org,
    "delete": is_owner & acts_for_owner_org,
}

# Milestones, attachments: the owner organization keeps them; the portfolio office may correct.
PROJECT_PARTS = {
    "view": rules.is_authenticated,
    "add": is_owner | is_portfolio_office,
    "change": (is_owner & acts_for_owner_org) | is_portfolio_office,
    "delete": (is_owner & acts_for_owner_org) | is_portfolio_office,
}

# Gate records and transition records are written by the lifecycle service only, and never changed.
RECORDS = {
    "view": rules.is_authenticated,
    "add": rules.always_deny,
    "change": rules.always_deny,
    "delete": rules.always_deny,
}


def may_take(user, project, action: str) -> bool:
    """True if ``user`` is one of the actors of ``action`` for this project (whatever its stage)."""
    role = acting_role(user)
    if role not in ACTORS.get(action, ()):
        return False
    return owns(user, project) if role == "owner" else True


def allowed_actions(user, project) -> list[str]:
    """The actions this user may take on this project now: allowed from its stage, and theirs."""
    return [action for action in TRANSITIONS.allowed(project.stage) if may_take(user, project, action)]


def not_in_this_stage(project, user, code: str, label) -> InvalidTransition:
    """The 409 for something the current stage does not allow, listing what this user may do."""
    return InvalidTransition(
        state_field="stage",
        state=project.stage,
        state_label=str(Stage(project.stage).label),
        action=code,
        action_label=str(label),
        allowed={action: str(Action(action).label) for action in allowed_actions(user, project)},
    )


# The admin lists this app to the portfolio office (portfolio/permissions.py):
# review rules; projects and gate records read-only, their workflow changes them.
rules.set_perm("projects", is_admin)
