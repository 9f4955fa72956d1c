"""In-app notifications (the bell) with an email copy sent after commit.

``notify`` is called inside the service's transaction: the notification rows commit or roll back
with the change they announce, so a refused or failed action never notifies anyone, and one
action notifies once. Emails go out from a Celery task enqueued on commit; with the broker down
the change still commits and answers normally, and a periodic sweep sends the emails later.
"""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.utils import translation

from portfolio.models import Notification, Role, User


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    params: Mapping[str, object] | None = None,
) -> list[Notification]:
    """Notify each distinct active recipient once. ``title``/``body`` may be lazy translations;
    they are rendered in the site language with ``params`` substituted."""
    from portfolio.tasks import enqueue_on_commit, send_notification_emails

    params = params or {}
    with translation.override(settings.LANGUAGE_CODE):
        title_text = str(title) % params if params else str(title)
        body_text = (str(body) % params if params else str(body)) if body else ""
    seen, rows = set(), []
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, kind=kind, title=title_text[:200], body=body_text, url=url))
    created = Notification.objects.bulk_create(rows)
    if created:
        enqueue_on_commit(send_notification_emails, [n.pk for n in created])
    return created


def org_owners(org) -> list[User]:
    """The accounts that act for an organization (its project owners)."""
    return list(User.objects.filter(organization=org, role=Role.OWNER, is_active=True))


def users_with_role(role: str) -> list[User]:
    return list(User.objects.filter(role=role, is_active=True))
