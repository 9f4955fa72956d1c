"""Notifications: in the app (the bell), by e-mail, and to messenger groups (docs/notifications.md).

``notify`` is called inside the service's transaction: the notification rows (and the channel
messages) commit or roll back with the change they announce, so a refused or failed action never
notifies anyone, and one action notifies once. What leaves the platform goes out from Celery
tasks enqueued on commit (``enqueue_on_commit``: with the broker down the change still commits
and answers normally, and a periodic sweep sends the e-mails later):

- each recipient gets the event as they chose for its kind (``Event``): at once (an e-mail and a
  post to their own robot channels), in the morning digest, or only in the app; without a choice
  of their own, their role's default (``DEFAULTS``) applies;
- ``groups`` names organizations whose group channels get one post for the event (``event_key``
  identifies the event: a channel never gets the same key twice).
"""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.utils import translation

from portfolio.models import Channel, ChannelMessage, Delivery, Event, Notification, NotificationPreference, Role, User

IMMEDIATE, DIGEST, APP = Delivery.IMMEDIATE, Delivery.DIGEST, Delivery.APP

# Notification kinds (what the services pass) → the event a user chooses a delivery for.
# Checked in order; the first prefix that matches wins.
EVENT_OF_KIND = [
    ("tasks.assigned", Event.TASK_ASSIGNED),
    ("tasks.warning.severe", Event.ESCALATION),
    ("tasks.warning.notice_overdue", Event.ESCALATION),
    ("tasks.notice.escalated", Event.ESCALATION),
    ("tasks.escalation", Event.ESCALATION),
    ("tasks.warning.", Event.WARNING),
    ("tasks.notice.", Event.NOTICE),
    ("tasks.bulletin", Event.BULLETIN),
    ("project_return", Event.PROPOSAL_RETURNED),
    ("project_reject", Event.PROPOSAL_RETURNED),
    ("project_fail_acceptance", Event.PROPOSAL_RETURNED),
    ("project_", Event.APPROVAL),
    ("prereview_", Event.APPROVAL),
    ("rectification_", Event.BUDGET),
    ("budget", Event.BUDGET),
]

# Each role's default: what must be acted on today comes at once, the rest in the morning digest.
_BASE = dict.fromkeys(Event.values, DIGEST) | {Event.ESCALATION: IMMEDIATE, Event.BULLETIN: IMMEDIATE}
DEFAULTS = {
    Role.OWNER: _BASE
    | {
        Event.TASK_ASSIGNED: IMMEDIATE,
        Event.NOTICE: IMMEDIATE,
        Event.PROPOSAL_RETURNED: IMMEDIATE,
        Event.APPROVAL: IMMEDIATE,
        Event.BUDGET: IMMEDIATE,  # a rectification has a deadline
        Event.BULLETIN: DIGEST,
    },
    Role.REVIEWER: _BASE | {Event.APPROVAL: IMMEDIATE, Event.BULLETIN: APP},
    Role.MANAGER: _BASE | {Event.APPROVAL: IMMEDIATE},  # submissions and acceptance requests wait on them
    Role.SUPERVISOR: _BASE | {Event.NOTICE: IMMEDIATE},
    Role.FINANCE: _BASE | {Event.BUDGET: IMMEDIATE, Event.BULLETIN: DIGEST},
}


def event_for(kind: str) -> str:
    return next((event for prefix, event in EVENT_OF_KIND if kind.startswith(prefix)), Event.OTHER)


def default_delivery(role: str, event: str) -> str:
    return DEFAULTS.get(role, _BASE).get(event, DIGEST)


def deliveries_for(users: Iterable[User], event: str) -> dict[int, str]:
    """Each user's delivery for ``event``: their own choice, else their role's default (one query)."""
    users = list(users)
    chosen = dict(
        NotificationPreference.objects.filter(user__in=[u.pk for u in users], event=event).values_list(
            "user_id", "delivery"
        )
    )
    return {u.pk: chosen.get(u.pk) or default_delivery(u.role, event) for u in users}


def preferences(user: User) -> list[dict]:
    """Every event with the user's delivery, and whether it is their role's default."""
    chosen = dict(user.notification_prefs.values_list("event", "delivery"))
    return [
        {
            "event": event,
            "label": str(label),
            "delivery": chosen.get(event) or default_delivery(user.role, event),
            "is_default": event not in chosen,
        }
        for event, label in Event.choices
    ]


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    params: Mapping[str, object] | None = None,
    groups: Iterable = (),
    event_key: str = "",
) -> list[Notification]:
    """Notify each distinct active recipient once, and post once to each of ``groups``' channels.

    ``title``/``body`` may be lazy translations; they are rendered in the site language with
    ``params`` substituted. ``groups`` are organizations (or their ids); ``event_key`` names the
    event for them (required with ``groups``: a second notify with the same key posts nothing).
    """
    from portfolio.tasks import enqueue_on_commit, send_channel_message, send_notification_emails

    params = params or {}
    with translation.override(settings.LANGUAGE_CODE):
        title_text = str(title) % params if params else str(title)
        body_text = (str(body) % params if params else str(body)) if body else ""
    event = event_for(kind)
    seen, users = set(), []
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    delivery = deliveries_for(users, event)
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            event=event,
            delivery=delivery[user.pk],
            title=title_text[:200],
            body=body_text,
            url=url,
        )
        for user in users
    ]
    created = Notification.objects.bulk_create(rows)
    at_once = [n for n in created if n.delivery == IMMEDIATE]
    if at_once:
        enqueue_on_commit(send_notification_emails, [n.pk for n in at_once])
    messages = []
    by_user = {n.recipient_id: n for n in at_once}
    for channel in Channel.objects.filter(user__in=list(by_user), is_active=True):
        messages.append(_message(channel, f"n{by_user[channel.user_id].pk}", title_text, body_text, url))
    group_ids = {getattr(org, "pk", org) for org in groups if org}
    if group_ids:
        if not event_key:
            raise ValueError("notify(groups=...) needs an event_key, so a group hears of an event once")
        for channel in Channel.objects.filter(organization__in=group_ids, is_active=True):
            messages.append(_message(channel, f"{kind}:{event_key}", title_text, body_text, url))
    for message in filter(None, messages):
        enqueue_on_commit(send_channel_message, message.pk)
    return created


def _message(channel: Channel, key: str, title: str, body: str, url: str) -> ChannelMessage | None:
    """The channel's message for this event, or None when the channel already has it."""
    message, created = ChannelMessage.objects.get_or_create(
        channel=channel, key=key[:120], defaults={"title": title[:200], "body": body, "url": url}
    )
    return message if created else None


def org_owners(org) -> list[User]:
    """The accounts that act for an organization (its project owners)."""
    return list(User.objects.filter(organization=org, role=Role.OWNER, is_active=True))


def users_with_role(role: str) -> list[User]:
    return list(User.objects.filter(role=role, is_active=True))


def leaders_of(org_ids: Iterable[int]) -> list[User]:
    """The leader accounts of these organizations (escalations reach them)."""
    return list(User.objects.filter(organization__in=list(org_ids), is_leader=True, is_active=True))


def supervision_offices() -> list[int]:
    """The organizations the supervisors work in: their groups hear of escalations."""
    return list(
        User.objects.filter(role=Role.SUPERVISOR, is_active=True, organization__isnull=False)
        .order_by()
        .values_list("organization_id", flat=True)
        .distinct()
    )


def absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url
