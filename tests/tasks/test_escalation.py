"""Escalation to leaders (DESIGN.md "Warning kinds"): a severe warning or a notice unanswered past
its reply date reaches the lead organization's leader accounts and the supervision office's
group, once, whatever how often the scan runs."""

import pytest
from django.utils import timezone

from portfolio import channels
from portfolio.models import Notification, Role
from tasks.lifecycle import Status
from tasks.models import Notice
from tasks.scan import run_scan
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(transport_bureau):
    return factories.user(
        Role.OWNER,
        organization_=transport_bureau,
        username="leader",
        name="周局长",
        is_leader=True,
        email="zhou@example.gov.cn",
    )


@pytest.fixture
def office_group(supervisor, robots):
    return channels.save_channel(
        None,
        by=supervisor,
        kind="wecom",
        name="督查室工作群",
        url=robots.url("/cgi-bin/webhook/send") + "?key=office",
        secret=None,
        organization=supervisor.organization,
    )


def test_a_severe_task_reaches_the_leader_and_the_office_group_once(
    make_task, transport_bureau, owner, leader, supervisor, office_group, robots, smtp_server, committed
):
    owner.email = "zhangwei@example.gov.cn"
    owner.save()
    task = make_task(transport_bureau, due_in=-40, assigned_days_ago=60, status=Status.IN_PROGRESS)
    for _ in range(3):
        with committed():
            run_scan()
    [post] = robots.posts
    content = post["json"]["markdown"]["content"]
    assert post["json"]["msgtype"] == "markdown" and "严重逾期" in content and task.code in content
    assert Notification.objects.filter(recipient=leader, kind="tasks.escalation.severe").count() == 1
    assert Notification.objects.filter(recipient=supervisor, kind="tasks.warning.severe.supervisor").count() == 1
    # At once by default: the leader's and the lead owner's e-mails; the overdue warning waits
    # for the owner's morning digest.
    subjects = sorted((m["to"][0], m["subject"]) for m in smtp_server.messages)
    assert [to for to, _subject in subjects] == ["zhangwei@example.gov.cn", "zhou@example.gov.cn"]
    assert all("严重逾期" in subject for _to, subject in subjects)
    assert Notification.objects.get(recipient=owner, kind="tasks.warning.overdue").delivery == "digest"


def test_a_notice_unanswered_past_its_reply_date_is_escalated_once(
    make_task, transport_bureau, leader, supervisor, office_group, robots, committed
):
    task = make_task(transport_bureau, due_in=20, assigned_days_ago=10, status=Status.IN_PROGRESS)
    Notice.objects.create(
        task=task,
        requirement="请于三日内报送整改方案",
        reply_due=timezone.localdate() - timezone.timedelta(days=1),
        issued_by=supervisor,
    )
    for _ in range(2):
        with committed():
            run_scan()
    [post] = robots.posts
    assert "督办单逾期未回复" in post["json"]["markdown"]["content"]
    assert Notification.objects.filter(recipient=leader, kind="tasks.escalation.notice_overdue").count() == 1


def test_no_leader_and_no_group_means_only_the_supervisors_hear(make_task, transport_bureau, supervisor, robots):
    make_task(transport_bureau, due_in=-40, assigned_days_ago=60, status=Status.IN_PROGRESS)
    run_scan()
    assert robots.posts == []
    assert not Notification.objects.filter(kind__startswith="tasks.escalation").exists()
    assert Notification.objects.filter(recipient=supervisor).count() == 1
