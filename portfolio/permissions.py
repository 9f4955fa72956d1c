"""Who may do what: the role predicates every app builds its permission rules from.

Visibility (what a user may *see*) is a queryset, ``visible_to(user)``, on each model; these
predicates decide what a user may *do* with what they see. Models declare them in
``Meta.rules_permissions`` so the API, the pages and the admin all ask the same question with
``user.has_perm("app.change_model", obj)``.
"""

import rules


def has_role(*roles: str):
    name = "has_role:" + ",".join(roles)

    @rules.predicate(name=name)
    def predicate(user):
        return getattr(user, "role", None) in roles and user.is_active

    return predicate


is_owner = has_role("owner")
is_reviewer = has_role("reviewer")
is_manager = has_role("manager")
is_supervisor = has_role("supervisor")
is_finance = has_role("finance")
is_staff_superuser = rules.is_superuser

is_admin = is_manager | is_staff_superuser


@rules.predicate
def sees_whole_region(user):
    return bool(getattr(user, "sees_whole_region", False))


@rules.predicate
def is_same_user(user, other):
    return other is not None and user.pk == other.pk


# Reference data (regions, organizations, plans, domains, assets): everyone signed in reads it,
# the portfolio office keeps it.
REFERENCE_DATA = {
    "view": rules.is_authenticated,
    "add": is_admin,
    "change": is_admin,
    "delete": is_admin,
}


@rules.predicate
def is_superuser_account(user, other):
    return other is not None and bool(getattr(other, "is_superuser", False))


# Accounts: the portfolio office creates and edits them; a user may read their own. A superuser's
# account only another superuser may change: a manager who could reset its password could act
# as it.
USERS = {
    "view": rules.is_authenticated,
    "add": is_admin,
    "change": is_staff_superuser | (is_manager & ~is_superuser_account),
    "delete": is_staff_superuser | (is_manager & ~is_superuser_account),
}

# The admin (基础数据) lists an app to whoever passes the rule named after it; each model then
# asks its own rules. The portfolio office keeps the reference data there — regions,
# organizations, plans, domains, systems, accounts — and the runtime-editable thresholds
# (constance). Each app opens its own part the same way, in its permissions module.
rules.set_perm("portfolio", is_admin)
rules.set_perm("constance", is_admin)
rules.set_perm("constance.view_config", is_admin)
rules.set_perm("constance.change_config", is_admin)
