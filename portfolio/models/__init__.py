from portfolio.models.assets import BusinessItem, DataResource, InformationSystem
from portfolio.models.audit import AuditEvent, AuditKind
from portfolio.models.operations import Heartbeat, LoginThrottle, Notification
from portfolio.models.organizations import Organization, OrgScopedQuerySet, Region, Role, User
from portfolio.models.plans import Domain, Plan, PlanGoal, Scenario
from portfolio.models.reach import Channel, ChannelKind, ChannelMessage, Delivery, Event, NotificationPreference

__all__ = [
    "AuditEvent",
    "AuditKind",
    "BusinessItem",
    "Channel",
    "ChannelKind",
    "ChannelMessage",
    "DataResource",
    "Delivery",
    "Domain",
    "Event",
    "Heartbeat",
    "InformationSystem",
    "LoginThrottle",
    "Notification",
    "NotificationPreference",
    "OrgScopedQuerySet",
    "Organization",
    "Plan",
    "PlanGoal",
    "Region",
    "Role",
    "Scenario",
    "User",
]
