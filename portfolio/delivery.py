"""Sending what ``notify`` recorded: channel posts and the morning digest (docs/notifications.md).

Both follow the claim-before-send rule of the e-mails: a conditional UPDATE takes the row, and
only the run that took it sends. A worker that dies between the claim and the send loses that
one message rather than sending it twice: for a government group a duplicate is worse than a
gap the in-app list still covers.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portfolio import channels
from portfolio.models import Channel, ChannelMessage, Delivery, Event, Notification, User
from portfolio.notifications import absolute


def post_message(message_id: int, *, final: bool) -> str | None:
    """Claim and post one channel message. None when it went out (or another run had it);
    otherwise the error, after recording it (``final``: no retry follows, mark the channel)."""
    claimed = ChannelMessage.objects.filter(pk=message_id, state=ChannelMessage.State.PENDING).update(
        state=ChannelMessage.State.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    message = ChannelMessage.objects.select_related("channel").get(pk=message_id)
    channel = message.channel
    now = timezone.now()
    try:
        if not channel.is_active:
            raise channels.ChannelError(_("The channel was switched off."))
        channels.post(
            channel.kind,
            channels.unseal(channel.url_sealed),
            channels.unseal(channel.secret_sealed),
            title=message.title,
            body=message.body,
            link=absolute(message.url) if message.url else "",
        )
    except channels.ChannelError as error:
        reason = str(error)[:300]
        state = ChannelMessage.State.FAILED if final else ChannelMessage.State.PENDING
        ChannelMessage.objects.filter(pk=message_id).update(state=state, last_error=reason)
        if final:
            Channel.objects.filter(pk=channel.pk).update(
                failing_since=Coalesce(F("failing_since"), now), last_error=reason
            )
        return reason
    ChannelMessage.objects.filter(pk=message_id).update(state=ChannelMessage.State.SENT, sent_at=now, last_error="")
    Channel.objects.filter(pk=channel.pk).update(last_success_at=now, failing_since=None, last_error="")
    return None


def users_with_digest() -> list[int]:
    return list(
        Notification.objects.filter(delivery=Delivery.DIGEST, digested_at__isnull=True)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def send_digest(user_id: int) -> int:
    """Send one user's morning digest: what waits for it, grouped by kind. Returns how many
    items it listed; 0 means nothing was sent (a digest is never empty).

    Items the user already read in the app are marked done without being listed.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    waiting = Notification.objects.filter(recipient_id=user_id, delivery=Delivery.DIGEST, digested_at__isnull=True)
    if user is None:
        waiting.update(digested_at=timezone.now())
        return 0
    now = timezone.now()
    with transaction.atomic():
        ids = list(waiting.values_list("pk", flat=True))
        # The claim: only the run whose UPDATE took the rows sends them.
        claimed = Notification.objects.filter(pk__in=ids, digested_at__isnull=True).update(digested_at=now)
    if not claimed:
        return 0
    items = list(Notification.objects.filter(pk__in=ids, digested_at=now, read_at__isnull=True).order_by("created_at"))
    if not items:
        return 0
    title, body = digest_text(items)
    try:
        if user.email:
            send_mail(title, body, None, [user.email])
    except Exception:
        Notification.objects.filter(pk__in=ids, digested_at=now).update(digested_at=None)
        raise
    from portfolio.tasks import enqueue_on_commit, send_channel_message

    key = f"digest:{now.isoformat()}"
    for channel in Channel.objects.filter(user=user, is_active=True):
        message, created = ChannelMessage.objects.get_or_create(
            channel=channel, key=key, defaults={"title": title, "body": body, "url": "/notifications/"}
        )
        if created:
            enqueue_on_commit(send_channel_message, message.pk)
    return len(items)


def digest_text(items: list[Notification]) -> tuple[str, str]:
    """The digest's subject and text: one section per kind of event, newest last, with links."""
    labels = dict(Event.choices)
    groups = defaultdict(list)
    for item in items:
        groups[item.event].append(item)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Your daily digest: %(count)d update(s)") % {"count": len(items)}
        lines = []
        for event in Event.values:
            if event not in groups:
                continue
            lines.append(f"【{labels[event]}】（{len(groups[event])}）")
            for item in groups[event]:
                link = absolute(item.url) if item.url else ""
                lines.append(f"· {item.title}" + (f"  {link}" if link else ""))
            lines.append("")
        lines.append(_("All notifications: %(url)s") % {"url": absolute("/notifications/")})
    return str(title), "\n".join(lines)
