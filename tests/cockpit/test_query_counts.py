"""Every cockpit endpoint answers in a number of queries that does not grow with the portfolio."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cockpit import services
from projects.lifecycle import Stage
from tasks.models import TaskWarning
from tests import factories
from tests.cockpit.conftest import grade, operating, spend
from tests.projects import factories as project_factories
from tests.tasks import factories as task_factories


def grow(plan, goals, owner, manager, n):
    """``n`` more projects of every kind, each with its milestones, money, tasks, warnings and ratings."""
    today = timezone.localdate()
    for i in range(n):
        org = factories.organization(f"扩展单位{i}{plan.pk}", region_=plan.region)
        for stage in (Stage.IMPLEMENTING, Stage.ACCEPTED, Stage.DRAFT):
            project = project_factories.project(
                org,
                plan,
                stage=stage,
                plan_goal=goals["traffic"],
                planned_start=today - datetime.timedelta(days=50),
                planned_end=today + datetime.timedelta(days=50),
            )
            project_factories.milestone(
                project,
                done=False,
                planned_date=today - datetime.timedelta(days=1),
                baseline_date=today - datetime.timedelta(days=20),
            )
            spend(project, "1000")
            operating(project, "500", by=manager)
            grade(project, "D")
            task = task_factories.task(org, plan=plan, due_in=-1, assigned_days_ago=10)
            task.projects.add(project)
            TaskWarning.objects.create(task=task, kind="overdue", opened_at=timezone.now())


ENDPOINTS = [
    "/api/v1/portfolio/rollup/?by=domain",
    "/api/v1/portfolio/rollup/?by=org",
    "/api/v1/portfolio/rollup/?by=tier&year=2025",
    "/api/v1/projects/at-risk/",
    "/api/v1/projects/totals/?domain=1",
    "/cockpit/",
    "/cockpit/at-risk/",
]


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


@pytest.mark.parametrize("role", ["manager", "owner"])
def test_queries_do_not_grow_with_the_portfolio(client, request, role, plan, goals, portfolio, owner, manager):
    client.force_login(request.getfixturevalue(role))
    urls = [
        *ENDPOINTS,
        f"/api/v1/plans/{plan.pk}/coverage/",
        f"/cockpit/plans/{plan.pk}/",
        f"/api/v1/projects/{portfolio['bus'].pk}/status/",
        f"/cockpit/projects/{portfolio['bus'].pk}/",
    ]
    services.file_status_report(
        portfolio["bus"], by=owner, month=f"{timezone.localdate():%Y-%m}", light="green", comment="好"
    )
    for url in urls:  # warm the session, content types and settings read once per process
        client.get(url)
    before = {url: count(client, url) for url in urls}
    grow(plan, goals, owner, manager, 3)
    after = {url: count(client, url) for url in urls}
    assert after == before
    assert max(before.values()) <= 40, before  # and the numbers themselves stay small
