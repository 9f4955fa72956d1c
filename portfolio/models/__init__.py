from portfolio.models.assets import BusinessItem, DataResource, InformationSystem
from portfolio.models.audit import AuditEvent, AuditKind
from portfolio.models.operations import Heartbeat, LoginThrottle, Notification
from portfolio.models.organizations import Organization, OrgScopedQuerySet, Region, Role, User
from portfolio.models.plans import Domain, Plan, PlanGoal, Scenario

__all__ = [
    "AuditEvent",
    "AuditKind",
    "BusinessItem",
    "DataResource",
    "Domain",
    "Heartbeat",
    "InformationSystem",
    "LoginThrottle",
    "Notification",
    "OrgScopedQuerySet",
    "Organization",
    "Plan",
    "PlanGoal",
    "Region",
    "Role",
    "Scenario",
    "User",
]
