"""Who may do what in the cockpit. Seeing is a queryset (``visible_to``); these are the writes."""

import rules

from portfolio.permissions import is_admin, is_owner

# The rules of computed status: read by everyone signed in (a status explains itself), kept by
# the portfolio office in the admin.
STATUS_RULES = {
    "view": rules.is_authenticated,
    "add": is_admin,
    "change": is_admin,
    "delete": is_admin,
}

# An owner files its own projects' monthly ratings (the service checks the project is its own);
# a filed rating is history: nobody edits or deletes it.
STATUS_REPORTS = {
    "view": rules.is_authenticated,
    "add": is_owner,
    "change": rules.always_deny,
    "delete": rules.always_deny,
}


def sees_money(user) -> bool:
    """Money columns: everyone but the supervision office, whose side of the cockpit is the tasks."""
    return getattr(user, "role", None) != "supervisor"


rules.set_perm("cockpit", is_admin)
