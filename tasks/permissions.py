"""Who may do what with key tasks: the rules every page and API endpoint asks.

What a user may *see* is ``Task.objects.visible_to(user)``; these predicates decide what they may
*do* with a task they can see. "Lead" means an owner account whose organization is the task's
lead organization or one of its co-leads, or above one of them in the tree (a district government
answers for its bureaus' tasks, as it sees them); a partner (配合单位) may only report progress.
"""

import rules

from portfolio.permissions import is_admin, is_manager, is_owner, is_supervisor


def _within(user, orgs) -> bool:
    path = user.organization.path if user.organization_id else None
    return bool(path) and any(org.path.startswith(path) for org in orgs)


@rules.predicate
def is_task_lead(user, task):
    if task is None or not is_owner(user) or not user.organization_id:
        return False
    return _within(user, [task.lead_org, *task.co_lead_orgs.all()])


@rules.predicate
def is_task_partner(user, task):
    if task is None or not is_owner(user) or not user.organization_id:
        return False
    return _within(user, task.partner_orgs.all())


@rules.predicate
def is_notice_lead(user, notice):
    return notice is not None and is_task_lead(user, notice.task)


assigns_tasks = is_manager | is_supervisor | is_admin

TASKS = {
    "view": rules.is_authenticated,
    "add": assigns_tasks,
    "change": assigns_tasks,
    "delete": is_admin,
    "report": is_task_lead | is_task_partner,
}

NOTICES = {
    "view": rules.is_authenticated,
    "add": is_supervisor,
    "change": is_supervisor,
    "delete": rules.always_deny,
    "reply": is_notice_lead,
}

READ_ONLY = {
    "view": rules.is_authenticated,
    "add": rules.always_deny,
    "change": rules.always_deny,
    "delete": rules.always_deny,
}


# The admin lists this app to the portfolio office (portfolio/permissions.py):
# tasks read-only where their workflow owns the fields.
rules.set_perm("tasks", is_admin)
