import pytest
from django.core import mail

from portfolio.models import Notification
from portfolio.notifications import notify
from portfolio.tasks import send_notification_emails

pytestmark = pytest.mark.django_db


def test_notify_creates_one_row_per_recipient_and_emails_after_commit(
    owner, other_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        created = notify(
            [owner, other_owner, owner],
            kind="project_return",
            title="项目%(code)s已退回修改",
            params={"code": "2026-交通-0001"},
            url="/projects/1/",
        )
    assert len(created) == 2
    assert {n.title for n in created} == {"项目2026-交通-0001已退回修改"}
    assert len(callbacks) == 1  # one email job, enqueued only once the transaction commits


def test_nothing_is_enqueued_when_the_transaction_rolls_back(owner, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                notify([owner], kind="x", title="会回滚的通知")
                raise RuntimeError("the action failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not Notification.objects.exists()


def test_each_notification_is_emailed_once_even_if_the_job_runs_twice(owner, settings):
    settings.SITE_URL = "https://portal.example.gov.cn"
    owner.email = "zhangwei@example.gov.cn"
    owner.save()
    [notification] = notify([owner], kind="tasks.assigned", title="请签收任务", body="交办任务待签收", url="/tasks/7/")
    send_notification_emails([notification.pk])
    send_notification_emails([notification.pk])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "请签收任务"
    assert "https://portal.example.gov.cn/tasks/7/" in mail.outbox[0].body


def test_the_bell_counts_unread_and_opening_marks_read(client, owner):
    [first, _second] = [*notify([owner], kind="x", title="一", url="/"), *notify([owner], kind="x", title="二")]
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert 'data-testid="unread-count">2<' in html
    response = client.post(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert 'data-testid="unread-count">1<' in client.get("/").content.decode()
    client.post("/notifications/read-all/")
    assert "unread-count" not in client.get("/").content.decode()


def test_a_user_cannot_open_someone_elses_notification(client, owner, other_owner):
    [theirs] = notify([other_owner], kind="x", title="别人的通知")
    client.force_login(owner)
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_notification_link_never_leaves_the_site(client, owner):
    [notification] = notify([owner], kind="x", title="外链", url="https://evil.example.com/")
    client.force_login(owner)
    response = client.post(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == "/notifications/"
