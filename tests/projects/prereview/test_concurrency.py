"""Two people acting on one proposal's pre-review at the same moment: the project's row lock serves
them one after the other. Real threads with their own connections, released together (PostgreSQL)."""

import time
from decimal import Decimal
from unittest import mock

import pytest
from rest_framework.test import APIClient

from portfolio.models import Role
from projects import services
from projects.lifecycle import Stage
from projects.models import TransitionRecord
from projects.prereview import report
from projects.prereview.models import ExpertReview, RedLineOverride, ReviewRule
from tests import factories
from tests.projects import factories as pf
from tests.projects.test_concurrency import run_together

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _domains(transactional_db):
    pf.ensure_default_domains()


def slowed_assessment():
    """Assessing a round takes a while: without the lock both would see the red line standing."""
    assess = report.assess

    def slow(*args, **kwargs):
        time.sleep(0.2)
        return assess(*args, **kwargs)

    return mock.patch.object(report, "assess", slow)


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_two_managers_overriding_the_same_red_line_at_once_record_one_override(plan, transport_bureau, manager):
    project = pf.project(transport_bureau, plan, stage=Stage.SUBMITTED, has_mobile_app=True)
    services.transition(project, "start_review", by=manager)
    other = factories.user(Role.MANAGER, organization_=manager.organization)
    app = ReviewRule.objects.get(versions__name="建设独立移动App")
    url = f"/api/v1/projects/{project.pk}/prereview/overrides/"

    def override(user, reason):
        return lambda: client(user).post(url, {"rule": app.pk, "reason": reason}, format="json")

    with slowed_assessment():
        first, second = run_together(
            override(manager, "依托统一入口，经研究同意。"), override(other, "另一位主管的解除理由。")
        )
    assert sorted([first.status_code, second.status_code]) == [200, 400], (first, second)
    assert RedLineOverride.objects.filter(prereview__project=project).count() == 1


def test_a_review_submitted_while_the_project_is_approved_is_in_before_or_refused_after(
    plan, transport_bureau, manager, reviewer
):
    project = pf.project(transport_bureau, plan, stage=Stage.SUBMITTED, budget_requested=Decimal("200000.00"))
    services.transition(project, "start_review", by=manager)
    from projects.prereview import services as prereview

    review = prereview.assign_reviewer(project, reviewer, by=manager)
    submit = {
        "scores": {"innovation": 7, "demonstration": 7, "impact": 7, "reuse": 7, "compliance": 7},
        "opinion": "pass",
        "comment": "同意。",
    }
    approve = {"approved_budget": "150000", "approval_number": "临数批〔2025〕2号"}

    with slowed_assessment():
        submitted, approved = run_together(
            lambda: client(reviewer).post(f"/api/v1/reviews/{review.pk}/submit/", submit, format="json"),
            lambda: client(manager).post(f"/api/v1/projects/{project.pk}/approve/", approve, format="json"),
        )
    assert approved.status_code == 200, approved
    review.refresh_from_db()
    gate = project.gate_records.get()
    if submitted.status_code == 200:  # in before the decision: frozen with it
        assert review.status == ExpertReview.Status.SUBMITTED
        assert gate.prereview["review_summary"]["submitted"] == 1
    else:  # after it: refused, nothing changed
        assert submitted.status_code == 409 and review.status == ExpertReview.Status.ASSIGNED
        assert gate.prereview["review_summary"]["submitted"] == 0
    assert TransitionRecord.objects.filter(project=project, action="approve").count() == 1
