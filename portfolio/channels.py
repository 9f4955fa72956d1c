"""Group-robot webhooks of 企业微信 (WeCom), 钉钉 (DingTalk) and 飞书 (Feishu).

- ``validate_url`` refuses an address that is not https or not on the messenger's own host and
  path, so a channel can only ever post to the messenger it names (never to an internal address).
  Tests post to a local server through ``WEBHOOK_TEST_ORIGINS``, a setting read from no
  environment variable: production cannot widen the check.
- ``seal``/``unseal``: the address (it carries the robot's token) and the signing secret are
  stored encrypted with Fernet, keyed from SECRET_KEY. Rotating SECRET_KEY makes them unreadable;
  the channel then fails with a message asking to enter them again.
- ``payload`` builds each messenger's own message format: a markdown message with a link back
  to the page (WeCom, DingTalk) or an interactive card with a button (Feishu); ``post`` signs
  DingTalk and Feishu requests when the channel has a secret and checks the messenger's answer,
  which reports errors in the body with HTTP 200.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# kind: (hosts, path test, what to tell a user whose address does not fit)
HOSTS = {
    "wecom": ({"qyapi.weixin.qq.com"}, lambda path, query: path == "/cgi-bin/webhook/send" and "key" in query),
    "dingtalk": ({"oapi.dingtalk.com"}, lambda path, query: path == "/robot/send" and "access_token" in query),
    "feishu": (
        {"open.feishu.cn", "open.larksuite.com"},
        lambda path, query: path.startswith("/open-apis/bot/v2/hook/") and len(path) > len("/open-apis/bot/v2/hook/"),
    ),
}
EXAMPLES = {
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
    "dingtalk": "https://oapi.dingtalk.com/robot/send?access_token=…",
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/…",
}
TIMEOUT_SECONDS = 10


class ChannelError(Exception):
    """The messenger refused or did not answer; the text says why (kept on the channel)."""


def validate_url(kind: str, url: str) -> str | None:
    """None when ``url`` is a webhook address of messenger ``kind``, else the reason in words."""
    if kind not in HOSTS:
        return str(_("Choose WeCom, DingTalk or Feishu."))
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return str(_("This is not a web address."))
    origin = f"{parts.scheme}://{host}:{port}" if port else f"{parts.scheme}://{host}"
    if origin in getattr(settings, "WEBHOOK_TEST_ORIGINS", ()):
        return None  # tests only: a local server stands in for the messenger
    hosts, path_ok = HOSTS[kind]
    example = EXAMPLES[kind]
    if parts.scheme != "https":
        return str(_("The webhook address must start with https:// (e.g. %(example)s).") % {"example": example})
    if host not in hosts or port not in (None, 443) or parts.username or parts.password:
        return str(
            _("This is not a %(messenger)s robot address; it looks like %(example)s.")
            % {"messenger": kind_label(kind), "example": example}
        )
    if not path_ok(parts.path, parse_qs(parts.query)):
        return str(
            _("This is not a %(messenger)s robot address; it looks like %(example)s.")
            % {"messenger": kind_label(kind), "example": example}
        )
    return None


def kind_label(kind: str) -> str:
    from portfolio.models import ChannelKind

    return str(dict(ChannelKind.choices).get(kind, kind))


def hint(url: str) -> str:
    """The address with its token masked: enough to recognise, never enough to post."""
    parts = urlsplit(url)
    token = parts.query or parts.path.rsplit("/", 1)[-1]
    shown = token[-4:] if len(token) > 8 else ""
    base = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.query else f"{parts.scheme}://{parts.netloc}"
    if parts.query:
        return f"{base}?…{shown}"
    return f"{base}{parts.path.rsplit('/', 1)[0]}/…{shown}"


def _fernet() -> Fernet:
    key = hashlib.sha256(b"portfolio.channels:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode() if text else ""


def unseal(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ChannelError(
            str(_("The stored address or secret cannot be read (the server key changed): enter them again."))
        ) from None


def payload(kind: str, *, title: str, body: str, link: str) -> dict:
    """The message in the messenger's own format."""
    more = str(_("Open in the platform"))
    if kind == "wecom":
        text = f"### {title}\n{body}" + (f"\n[{more}]({link})" if link else "")
        return {"msgtype": "markdown", "markdown": {"content": text[:4000]}}
    if kind == "dingtalk":
        text = f"### {title}\n\n{body.replace(chr(10), chr(10) + chr(10))}" + (f"\n\n[{more}]({link})" if link else "")
        return {"msgtype": "markdown", "markdown": {"title": title[:60], "text": text[:4000]}}
    elements = [{"tag": "markdown", "content": body[:4000] or title}]
    if link:
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {"tag": "button", "text": {"tag": "plain_text", "content": more}, "type": "primary", "url": link}
                ],
            }
        )
    return {
        "msg_type": "interactive",
        "card": {
            "header": {"title": {"tag": "plain_text", "content": title[:100]}, "template": "red"},
            "elements": elements,
        },
    }


def signed(kind: str, url: str, secret: str, data: dict, *, now: float | None = None) -> tuple[str, dict]:
    """Add each messenger's signature (DingTalk: in the address; Feishu: in the body)."""
    if not secret:
        return url, data
    now = time.time() if now is None else now
    if kind == "dingtalk":
        timestamp = str(int(now * 1000))
        digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        sign = quote_plus(base64.b64encode(digest))
        return f"{url}&{urlencode({'timestamp': timestamp})}&sign={sign}", data
    if kind == "feishu":
        timestamp = str(int(now))
        digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
        return url, {"timestamp": timestamp, "sign": base64.b64encode(digest).decode(), **data}
    return url, data


def post(kind: str, url: str, secret: str, *, title: str, body: str, link: str) -> None:
    """Post one message; raise ChannelError with the messenger's reason when it is not taken."""
    reason = validate_url(kind, url)
    if reason:  # checked when saved; again here, so nothing but the messenger's host is ever posted to
        raise ChannelError(reason)
    url, data = signed(kind, url, secret, payload(kind, title=title, body=body, link=link))
    request = urllib.request.Request(  # noqa: S310 -- https to the messenger's host (validate_url)
        url,
        data=json.dumps(data, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 -- as above
            answer = response.read(65536)
    except urllib.error.HTTPError as error:
        raise ChannelError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ChannelError(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from None
    try:
        result = json.loads(answer or b"{}")
    except ValueError:
        raise ChannelError(str(_("The messenger answered something that is not JSON."))) from None
    # WeCom and DingTalk answer {"errcode": 0}; Feishu {"code": 0} (older robots {"StatusCode": 0}).
    code = result.get("errcode", result.get("code", result.get("StatusCode", 0)))
    if code not in (0, "0"):
        message = result.get("errmsg") or result.get("msg") or result.get("StatusMessage") or ""
        raise ChannelError(f"{code}: {message}"[:300])


# --- Registering a channel (one service for the API and the page) ------------------------------
def may_manage(user, organization) -> bool:
    """The portfolio office registers any organization's group; everyone else their own
    organization's, and their own personal robots (``organization`` None)."""
    if organization is None:
        return True
    return user.is_superuser or user.role == "manager" or organization.pk == user.organization_id


def save_channel(channel, *, by, kind: str, name: str, url: str | None, secret: str | None, organization=None):
    """Create (``channel`` None) or change a channel. ``url``/``secret`` None keep what is stored
    (an empty secret removes it). Raises RequirementsNotMet with field messages, ActionNotPermitted."""
    from portfolio.models import Channel
    from portfolio.workflow import ActionNotPermitted, RequirementsNotMet

    creating = channel is None
    if creating and not may_manage(by, organization):
        raise ActionNotPermitted(_("You may register a group channel only for your own organization."))
    errors = {}
    if not (name or "").strip():
        errors["name"] = str(_("Give the channel a name, e.g. the group's name."))
    if url is None and creating:
        errors["url"] = str(_("Enter the robot's webhook address."))
    current_url = url.strip() if url is not None else unseal(channel.url_sealed)
    reason = validate_url(kind, current_url) if "url" not in errors else None
    if reason:
        errors["kind" if kind not in HOSTS else "url"] = reason
    if secret and kind == "wecom":
        errors["secret"] = str(_("WeCom group robots have no signing secret; leave it empty."))
    if errors:
        raise RequirementsNotMet(errors)
    channel = channel or Channel(
        organization=organization, user=None if organization is not None else by, created_by=by
    )
    channel.kind, channel.name = kind, name.strip()
    if url is not None:
        channel.url_sealed, channel.url_hint = seal(current_url), hint(current_url)
        channel.failing_since, channel.last_error = None, ""
    if secret is not None:
        channel.secret_sealed = seal(secret.strip())
    channel.save()
    return channel
