"""Reaching people: robot channels, per-event preferences, the morning digest, escalation.

E-mails go to a real SMTP server and robot posts to a real HTTP server, both on 127.0.0.1.
"""

import base64
import hashlib
import hmac

import pytest

from portfolio import channels
from portfolio.delivery import send_digest
from portfolio.models import Channel, ChannelMessage, Notification, NotificationPreference
from portfolio.notifications import notify
from portfolio.tasks import send_channel_message, send_digests, send_notification_emails

pytestmark = pytest.mark.django_db

WECOM = "/cgi-bin/webhook/send"


def run_after_commit(callbacks):
    """Run what notify() enqueued: the e-mail job and the channel jobs, as a worker would."""
    for callback in callbacks:
        callback()


def add_channel(robots, *, by, kind="wecom", path=WECOM, organization=None, secret=None, name="督查工作群"):
    query = {"wecom": "?key=k-123456789", "dingtalk": "?access_token=t-123456789", "feishu": ""}[kind]
    return channels.save_channel(
        None, by=by, kind=kind, name=name, url=robots.url(path) + query, secret=secret, organization=organization
    )


# --- Bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "url", "says"),
    [
        ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "https://"),
        ("wecom", "https://oapi.dingtalk.com/robot/send?access_token=abc", "企业微信"),
        ("wecom", "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=abc", "企业微信"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/other?access_token=abc", "钉钉"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/", "飞书"),
        ("feishu", "https://127.0.0.1/open-apis/bot/v2/hook/abc", "飞书"),
    ],
)
def test_a_webhook_that_is_not_https_or_not_the_messengers_host_is_refused(api, supervisor, kind, url, says):
    response = api.as_(supervisor).post(
        "/api/v1/channels/", {"kind": kind, "name": "群", "url": url, "organization": supervisor.organization_id}
    )
    assert response.status_code == 400
    assert says in str(response.json()["url"])
    assert not Channel.objects.exists()


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc123"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/2a3b-4c"),
        ("feishu", "https://open.larksuite.com/open-apis/bot/v2/hook/2a3b-4c"),
    ],
)
def test_each_messengers_own_address_is_accepted(kind, url):
    assert channels.validate_url(kind, url) is None


def test_the_address_and_secret_are_stored_encrypted_and_never_shown_back(api, supervisor):
    url = "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789"
    response = api.as_(supervisor).post(
        "/api/v1/channels/",
        {
            "kind": "dingtalk",
            "name": "督查室钉钉群",
            "url": url,
            "secret": "SECabcdef",
            "organization": supervisor.organization_id,
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert "url" not in data and "secret" not in data
    assert data["has_secret"] is True
    assert data["url_hint"].endswith("…6789") and "abcdef0123456789" not in data["url_hint"]
    channel = Channel.objects.get()
    assert "abcdef0123456789" not in channel.url_sealed and "SECabcdef" not in channel.secret_sealed
    assert channels.unseal(channel.url_sealed) == url and channels.unseal(channel.secret_sealed) == "SECabcdef"
    listed = api.as_(supervisor).get("/api/v1/channels/").json()["results"]
    assert "abcdef0123456789" not in str(listed) and "SECabcdef" not in str(listed)


def test_a_wecom_robot_takes_no_secret(api, supervisor):
    response = api.as_(supervisor).post(
        "/api/v1/channels/",
        {"kind": "wecom", "name": "群", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a", "secret": "x"},
    )
    assert response.status_code == 400 and "secret" in response.json()


def test_an_owner_registers_only_their_own_organizations_group_and_sees_no_other(
    api, owner, other_owner, health_bureau, transport_bureau
):
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    refused = api.as_(owner).post(
        "/api/v1/channels/", {"kind": "wecom", "name": "卫健群", "url": url, "organization": health_bureau.pk}
    )
    assert refused.status_code == 403 and not Channel.objects.exists()
    theirs = api.as_(other_owner).post(
        "/api/v1/channels/", {"kind": "wecom", "name": "卫健群", "url": url, "organization": health_bureau.pk}
    )
    assert theirs.status_code == 201
    assert api.as_(owner).get(f"/api/v1/channels/{theirs.json()['id']}/").status_code == 404
    assert api.as_(owner).delete(f"/api/v1/channels/{theirs.json()['id']}/").status_code == 404
    mine = api.as_(owner).post("/api/v1/channels/", {"kind": "wecom", "name": "我的机器人", "url": url})
    assert mine.status_code == 201 and mine.json()["user"] == owner.pk and mine.json()["organization"] is None


# --- Sending at once ----------------------------------------------------------------------------
def test_an_event_chosen_at_once_is_emailed_and_posted_in_wecom_format_once(
    owner, smtp_server, robots, settings, committed, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portal.example.gov.cn"
    owner.email = "zhangwei@example.gov.cn"
    owner.save()
    add_channel(robots, by=owner, name="张伟的机器人")
    with django_capture_on_commit_callbacks() as callbacks:
        [notification] = notify(
            [owner], kind="tasks.assigned", title="新任务：智慧停车", body="请签收", url="/tasks/7/"
        )
    assert notification.delivery == "immediate"
    run_after_commit(callbacks)
    run_after_commit(callbacks)  # a second delivery of the same jobs (acks_late) sends nothing more
    assert [m["subject"] for m in smtp_server.messages] == ["新任务：智慧停车"]
    assert smtp_server.messages[0]["to"] == ["zhangwei@example.gov.cn"]
    [post] = robots.posts_to(WECOM)
    assert post["json"]["msgtype"] == "markdown"
    content = post["json"]["markdown"]["content"]
    assert content.startswith("### 新任务：智慧停车") and "(https://portal.example.gov.cn/tasks/7/)" in content


def test_a_group_hears_of_one_event_once_however_often_it_is_announced(supervisor, robots, committed):
    add_channel(robots, by=supervisor, organization=supervisor.organization)
    for _ in range(2):
        with committed():
            notify(
                [],
                kind="tasks.warning.severe.supervisor",
                title="严重逾期",
                groups=[supervisor.organization_id],
                event_key="w1-1-1",
            )
    assert len(robots.posts_to(WECOM)) == 1
    assert ChannelMessage.objects.get().state == "sent"


def test_dingtalk_posts_are_signed_with_the_secret(supervisor, robots, committed):
    add_channel(
        robots,
        by=supervisor,
        kind="dingtalk",
        path="/robot/send",
        organization=supervisor.organization,
        secret="SECtest",
    )
    with committed():
        notify(
            [],
            kind="tasks.escalation.severe",
            title="严重逾期",
            body="正文",
            url="/tasks/1/",
            groups=[supervisor.organization],
            event_key="e1",
        )
    [post] = robots.posts_to("/robot/send")
    timestamp, sign = post["query"]["timestamp"][0], post["query"]["sign"][0]
    expected = base64.b64encode(
        hmac.new(b"SECtest", f"{timestamp}\nSECtest".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected
    assert post["json"]["msgtype"] == "markdown" and post["json"]["markdown"]["title"] == "严重逾期"


def test_feishu_posts_a_card_with_a_signed_body(supervisor, robots, committed):
    add_channel(
        robots,
        by=supervisor,
        kind="feishu",
        path="/open-apis/bot/v2/hook/abc",
        organization=supervisor.organization,
        secret="fs-secret",
    )
    robots.answers["/open-apis/bot/v2/hook/abc"] = [(200, {"code": 0, "msg": "success"})]
    with committed():
        notify(
            [],
            kind="tasks.escalation.severe",
            title="严重逾期",
            body="正文",
            url="/tasks/1/",
            groups=[supervisor.organization],
            event_key="e1",
        )
    [post] = robots.posts_to("/open-apis/bot/v2/hook/abc")
    body = post["json"]
    assert body["msg_type"] == "interactive" and body["card"]["header"]["title"]["content"] == "严重逾期"
    expected = base64.b64encode(
        hmac.new(f"{body['timestamp']}\nfs-secret".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected
    assert body["card"]["elements"][1]["actions"][0]["url"].endswith("/tasks/1/")


def test_a_failing_channel_is_retried_then_marked_and_does_not_block_the_others(
    client, manager, supervisor, robots, committed, settings
):
    settings.CHANNEL_RETRIES = 2
    broken = add_channel(
        robots,
        by=supervisor,
        path="/broken/cgi-bin/webhook/send",
        organization=supervisor.organization,
        name="坏掉的群",
    )
    healthy = add_channel(robots, by=supervisor, organization=supervisor.organization, name="督查工作群")
    robots.answers["/broken/cgi-bin/webhook/send"] = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    with committed():
        notify([], kind="tasks.escalation.severe", title="严重逾期", groups=[supervisor.organization], event_key="e1")
    assert len(robots.posts_to("/broken/cgi-bin/webhook/send")) == 3  # the first try and two retries
    assert len(robots.posts_to(WECOM)) == 1
    broken.refresh_from_db()
    healthy.refresh_from_db()
    assert broken.failing_since is not None and "93000" in broken.last_error
    assert healthy.failing_since is None and healthy.last_success_at is not None
    assert ChannelMessage.objects.get(channel=broken).state == "failed"
    client.force_login(manager)
    page = client.get("/health/").content.decode()
    assert "坏掉的群" in page and "93000" in page and "督查工作群" not in page


def test_a_channel_that_recovers_is_no_longer_shown_failing(supervisor, robots, committed, settings):
    settings.CHANNEL_RETRIES = 0
    channel = add_channel(robots, by=supervisor, organization=supervisor.organization)
    robots.answers[WECOM] = [(500, {}), (200, {"errcode": 0})]
    for key in ("e1", "e2"):
        with committed():
            notify(
                [], kind="tasks.escalation.severe", title="严重逾期", groups=[supervisor.organization], event_key=key
            )
    channel.refresh_from_db()
    assert channel.failing_since is None and channel.last_success_at is not None


# --- Who hears what ------------------------------------------------------------------------------
def test_preferences_start_from_the_roles_defaults_and_can_be_changed(api, owner, supervisor):
    mine = {p["event"]: p for p in api.as_(owner).get("/api/v1/notification-preferences/").json()}
    assert mine["task_assigned"]["delivery"] == "immediate" and mine["task_assigned"]["is_default"]
    assert mine["warning"]["delivery"] == "digest" and mine["budget"]["delivery"] == "immediate"
    assert mine["task_assigned"]["label"] == "新任务交办"
    supervisors = {
        p["event"]: p["delivery"] for p in api.as_(supervisor).get("/api/v1/notification-preferences/").json()
    }
    assert supervisors["escalation"] == "immediate" and supervisors["task_assigned"] == "digest"
    changed = api.as_(owner).put(
        "/api/v1/notification-preferences/", [{"event": "task_assigned", "delivery": "app"}], format="json"
    )
    assert changed.status_code == 200
    assert {p["event"]: p["delivery"] for p in changed.json()}["task_assigned"] == "app"
    refused = api.as_(owner).put(
        "/api/v1/notification-preferences/", [{"event": "task_assigned", "delivery": "sometimes"}], format="json"
    )
    assert refused.status_code == 400
    assert NotificationPreference.objects.get(user=owner).delivery == "app"


def test_in_app_only_sends_no_email(owner, smtp_server, django_capture_on_commit_callbacks):
    owner.email = "zhangwei@example.gov.cn"
    owner.save()
    NotificationPreference.objects.create(user=owner, event="task_assigned", delivery="app")
    with django_capture_on_commit_callbacks() as callbacks:
        [notification] = notify([owner], kind="tasks.assigned", title="新任务")
    run_after_commit(callbacks)
    send_notification_emails([notification.pk])
    send_digest(owner.pk)
    assert smtp_server.messages == []
    assert Notification.objects.get().delivery == "app"


def test_the_morning_digest_groups_what_waits_and_is_never_empty(
    owner, other_owner, smtp_server, robots, committed, settings
):
    settings.SITE_URL = "https://portal.example.gov.cn"
    owner.email = "zhangwei@example.gov.cn"
    owner.save()
    add_channel(robots, by=owner, name="张伟的机器人")
    with committed():
        notify([owner], kind="tasks.warning.due_soon", title="临期提醒：2项任务", url="/tasks/?mine=1")
        notify([owner], kind="tasks.warning.overdue", title="逾期预警：1项任务", url="/tasks/3/")
        notify([owner], kind="tasks.partner_report", title="配合单位填报：智慧停车", url="/tasks/5/")
        [read] = notify([owner], kind="tasks.warning.due_soon", title="已读过的提醒")
    assert smtp_server.messages == [] and robots.posts == []  # nothing at once: all were digest
    read.read_at = read.created_at
    read.save()
    with committed():
        assert send_digests() == 1
    [mail] = smtp_server.messages
    assert mail["subject"] == "每日汇总：3条更新"
    body = mail["body"]
    assert "【预警】（2）" in body and "【其他动态】（1）" in body
    assert body.index("临期提醒") < body.index("逾期预警") < body.index("配合单位填报")
    assert "https://portal.example.gov.cn/tasks/3/" in body and "已读过的提醒" not in body
    [post] = robots.posts
    assert "每日汇总：3条更新" in post["json"]["markdown"]["content"]
    assert send_digests() == 0 and send_digest(owner.pk) == 0 and send_digest(other_owner.pk) == 0
    assert len(smtp_server.messages) == 1 and len(robots.posts) == 1


def test_a_digest_of_only_read_items_sends_nothing(owner, smtp_server):
    owner.email = "zhangwei@example.gov.cn"
    owner.save()
    notify([owner], kind="tasks.warning.due_soon", title="已读")
    Notification.objects.update(read_at=Notification.objects.get().created_at)
    assert send_digest(owner.pk) == 0
    assert smtp_server.messages == []
    assert Notification.objects.get().digested_at is not None


def test_a_failed_digest_email_is_sent_again_next_time(owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens
    owner.email = "zhangwei@example.gov.cn"
    owner.save()
    notify([owner], kind="tasks.warning.due_soon", title="临期提醒")
    with pytest.raises(OSError):
        send_digest(owner.pk)
    assert Notification.objects.get().digested_at is None


def test_send_channel_message_is_harmless_for_a_message_already_sent(supervisor, robots, committed):
    add_channel(robots, by=supervisor, organization=supervisor.organization)
    with committed():
        notify([], kind="tasks.escalation.severe", title="严重逾期", groups=[supervisor.organization], event_key="e")
    send_channel_message(ChannelMessage.objects.get().pk)
    assert len(robots.posts) == 1


# --- The pages ---------------------------------------------------------------------------------
def test_the_list_groups_by_kind_and_subject_filters_and_marks_all_read(client, owner):
    for i in range(3):
        notify([owner], kind="tasks.warning.overdue", title=f"逾期预警{i}", url="/tasks/3/")
    notify([owner], kind="tasks.assigned", title="新任务", url="/tasks/4/")
    notify([owner], kind="tasks.warning.due_soon", title="临期提醒", url="/tasks/4/")
    client.force_login(owner)
    html = client.get("/notifications/").content.decode()
    assert html.count('data-testid="notification-group"') == 3
    assert "3条通知" in html and "新任务交办" in html
    filtered = client.get("/notifications/?event=warning").content.decode()
    assert filtered.count('data-testid="notification-group"') == 2 and "新任务</span>" not in filtered
    client.post("/notifications/read-all/?event=warning")
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # only the new task is left
    unread = client.get("/notifications/?unread=1").content.decode()
    assert unread.count('data-testid="notification-group"') == 1
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_settings_page_saves_preferences_and_registers_a_channel(client, owner):
    client.force_login(owner)
    form = {f"delivery-{p['event']}": "digest" for p in api_prefs(owner)}
    form.update({"form": "preferences", "delivery-task_assigned": "app"})
    assert client.post("/notifications/settings/", form).status_code == 302
    assert NotificationPreference.objects.get(user=owner, event="task_assigned").delivery == "app"
    bad = client.post(
        "/notifications/settings/",
        {
            "form": "channel",
            "kind": "wecom",
            "name": "交通局群",
            "url": "http://example.com/hook",
            "for_organization": "on",
        },
    )
    assert bad.status_code == 200 and "https://" in bad.content.decode() and not Channel.objects.exists()
    good = client.post(
        "/notifications/settings/",
        {
            "form": "channel",
            "kind": "wecom",
            "name": "交通局群",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0123456789abc",
            "for_organization": "on",
        },
    )
    assert good.status_code == 302
    channel = Channel.objects.get()
    assert channel.organization == owner.organization and channel.user is None
    page = client.get("/notifications/settings/").content.decode()
    assert "交通局群" in page and "0123456789abc" not in page and "…9abc" in page


def api_prefs(user):
    from portfolio.notifications import preferences

    return preferences(user)


def test_the_health_page_says_when_the_holiday_calendar_does_not_know_a_year(client, manager, monkeypatch):
    from portfolio import workdays

    monkeypatch.setattr(workdays, "calendar_known", lambda year: year != 2027)
    client.force_login(manager)
    html = client.get("/health/").content.decode()
    assert 'data-testid="calendar-warning"' in html and "2027" in html


def test_the_list_and_the_channels_api_read_a_fixed_number_of_queries(
    client, api, owner, django_assert_max_num_queries
):
    for i in range(40):
        notify([owner], kind="tasks.warning.overdue", title=f"逾期预警{i}", url=f"/tasks/{i % 7}/")
    for i in range(5):
        channels.save_channel(
            None,
            by=owner,
            kind="wecom",
            name=f"群{i}",
            url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
            secret=None,
            organization=owner.organization if i % 2 else None,
        )
    client.force_login(owner)
    with django_assert_max_num_queries(10):
        assert client.get("/notifications/").status_code == 200
    with django_assert_max_num_queries(6):
        assert len(api.as_(owner).get("/api/v1/channels/").json()["results"]) == 5
