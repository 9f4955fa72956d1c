"""Issue 14's "Done when", on the demo city: a severe task produces one WeCom-format post to the
supervision office's group and one e-mail to the lead organization, and the morning digest
collects the rest. The office's robot is registered as a user would, pointed at a local server."""

import pytest
from django.core.management import call_command

from portfolio import channels
from portfolio.models import Notification, User
from portfolio.tasks import send_digests
from tasks.lifecycle import Status
from tasks.scan import run_scan
from tests.tasks import factories as task_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", password="Demo-Pass-2025", verbosity=0)


def test_a_severe_task_in_the_demo_reaches_the_group_once_and_the_lead_by_one_email(
    demo, robots, smtp_server, committed
):
    supervisor, owner = User.objects.get(username="supervisor"), User.objects.get(username="owner")
    channels.save_channel(
        None,
        by=supervisor,
        kind="wecom",
        name="临江市督查工作群",
        url=robots.url("/cgi-bin/webhook/send") + "?key=demo",
        secret=None,
        organization=supervisor.organization,
    )
    from tasks.models import Task

    plan = Task.objects.first().plan
    task = task_factories.task(
        owner.organization,
        plan=plan,
        title="建设智慧停车一张网",
        due_in=-45,
        assigned_days_ago=90,
        status=Status.IN_PROGRESS,
    )
    with committed():
        run_scan()
    with committed():
        run_scan()  # again: nothing new
    [post] = robots.posts
    assert post["json"]["msgtype"] == "markdown" and task.code in post["json"]["markdown"]["content"]
    to_lead = [m for m in smtp_server.messages if m["to"] == [owner.email]]
    assert len(to_lead) == 1 and "严重逾期" in to_lead[0]["subject"]
    waiting = Notification.objects.filter(recipient=owner, delivery="digest", digested_at__isnull=True).count()
    assert waiting >= 1
    smtp_server.messages.clear()
    with committed():
        send_digests()
    [digest] = [m for m in smtp_server.messages if m["to"] == [owner.email]]
    assert digest["subject"].startswith("每日汇总") and "【预警】" in digest["body"]
    assert "逾期预警" in digest["body"]
