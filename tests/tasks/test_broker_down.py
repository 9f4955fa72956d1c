"""With the broker down, issuing a supervision notice (which notifies, and enqueues the emails)
answers 201 once its change has committed, never 500 after it; the emails go out later by the
periodic sweep, once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portfolio.celery import app
from portfolio.models import Notification
from portfolio.tasks import send_pending_emails
from tasks.lifecycle import Status
from tasks.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """The application's Celery pointed at a port nothing listens on: every publish is refused."""
    saved = app.conf.broker_url, app.conf.broker_transport_options

    def use(url, options):
        app.conf.broker_url, app.conf.broker_transport_options = url, options
        app._pool = None  # connection and producer pools are per URL: drop the cached ones
        app.amqp._producer_pool = None

    use("redis://127.0.0.1:1/0", {})
    yield
    use(*saved)


def test_a_notice_issued_while_the_broker_is_down_commits_answers_201_and_is_emailed_later(
    api, make_task, transport_bureau, owner, supervisor, broker_down, django_capture_on_commit_callbacks, caplog
):
    owner.email = "zhangwei@example.gov.cn"
    owner.save()
    task = make_task(transport_bureau, due_in=-3, assigned_days_ago=30, status=Status.IN_PROGRESS)
    body = {"task": task.pk, "requirement": "书面说明逾期原因", "reply_due": (timezone.localdate() + timedelta(days=5))}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_(supervisor).post("/api/v1/notices/", body, format="json")
    assert response.status_code == 201, response.content
    assert Notice.objects.count() == 1
    notification = Notification.objects.get(recipient=owner, kind="tasks.notice.issued")
    assert notification.emailed_at is None and mail.outbox == []
    assert "could not enqueue portfolio.send_notification_emails" in caplog.text

    # The sweep leaves fresh ones to their own job, then sends what is still unsent, once.
    assert send_pending_emails() == 0
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert send_pending_emails() == 1
    assert send_pending_emails() == 0
    assert [m.to for m in mail.outbox] == [["zhangwei@example.gov.cn"]]
    assert Notice.objects.count() == 1


def test_the_redis_visibility_timeout_is_minutes_not_an_hour(monkeypatch):
    """A killed worker's message comes back after CELERY_VISIBILITY_TIMEOUT (kombu's default: 1 h)."""
    import importlib

    from portfolio import settings as production

    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    try:
        options = importlib.reload(production).CELERY_BROKER_TRANSPORT_OPTIONS
    finally:
        monkeypatch.delenv("CELERY_BROKER_URL")
        importlib.reload(production)
    assert options["visibility_timeout"] == 300
    assert options["unacked_restore_interval"] * options["unacked_restore_throttle"] <= 10
