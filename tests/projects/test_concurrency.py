"""Two people acting on one project at the same moment cannot both succeed.

Real threads, each with its own database connection, released together by a barrier. A check of
the approval is slowed down so that, were the row not locked, both threads would pass the stage
check before either saved: the test fails without ``select_for_update``.
"""

import threading
import time
from dataclasses import replace
from unittest import mock

import pytest
from django.db import connection
from rest_framework.test import APIClient

from portfolio.models import Role
from projects import services
from projects.lifecycle import Action, Stage
from projects.models import GateRecord, Project, TransitionRecord
from tests import factories
from tests.projects import factories as pf

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _domains(transactional_db):
    pf.ensure_default_domains()


def run_together(*calls):
    """Run each call in its own thread, all released at once; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # surfaced to the test below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def slowed(action):
    """ACTION_RULES with a pause inside the transaction, after the stage was checked."""
    rules = services.ACTION_RULES[action]

    def pause(ctx):
        time.sleep(0.3)
        return {}

    return mock.patch.dict(services.ACTION_RULES, {action: replace(rules, checks=(pause, *rules.checks))})


@pytest.mark.parametrize("attempt", range(5))
def test_two_managers_approving_at_once_one_succeeds_the_other_gets_409(attempt, plan, transport_bureau, manager):
    project = pf.project(transport_bureau, plan, stage=Stage.PREREVIEW)
    pf.expert_review(project, manager=manager)  # the red line on budgets of 300,000 yuan or more
    other_manager = factories.user(Role.MANAGER, organization_=manager.organization)
    url = f"/api/v1/projects/{project.pk}/approve/"

    def approve(user, budget):
        def call():
            client = APIClient()
            client.force_authenticate(user)
            return client.post(url, {"approved_budget": budget, "approval_number": "临数批〔2025〕1号"}, format="json")

        return call

    with slowed(Action.APPROVE):
        first, second = run_together(approve(manager, "900000"), approve(other_manager, "800000"))
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    loser = first if first.status_code == 409 else second
    assert loser.json()["stage"] == "approved"
    assert TransitionRecord.objects.filter(project=project).count() == 1
    assert GateRecord.objects.filter(project=project).count() == 1
    winner_budget = "900000" if first.status_code == 200 else "800000"
    assert str(Project.objects.get(pk=project.pk).approved_budget) == f"{winner_budget}.00"


@pytest.mark.parametrize("attempt", range(3))
def test_proposals_created_at_the_same_moment_get_distinct_codes(attempt, plan, transport_bureau, owner):
    colleague = factories.user(Role.OWNER, organization_=transport_bureau)
    year = 2025 + attempt  # a fresh sequence row each time: both threads race to create it

    def create(user, name):
        return lambda: services.create_project(by=user, name=name, plan=plan, domain=factories.domain(), year=year).code

    codes = run_together(create(owner, "甲"), create(colleague, "乙"))
    assert not any(isinstance(code, Exception) for code in codes), codes
    assert sorted(codes) == [f"{year}-交通-0001", f"{year}-交通-0002"]


def test_an_edit_racing_a_submission_waits_and_is_refused(plan, owner):
    draft = pf.draft(owner, plan)
    with slowed(Action.SUBMIT):
        submitted, edited = run_together(
            lambda: services.transition(draft, Action.SUBMIT, by=owner),
            lambda: (time.sleep(0.1), services.update_project(draft, by=owner, name="改名"))[1],
        )
    assert not isinstance(submitted, Exception), submitted
    assert type(edited).__name__ == "InvalidTransition"
    assert Project.objects.get(pk=draft.pk).name != "改名"
