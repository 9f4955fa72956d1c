"""kill -9 of a worker half-way through a period's evaluation (one share committed, the other
not): the job comes back to another worker and the results are a clean run's."""

import pytest
from django.db import transaction

from evaluation.models import Evaluation
from evaluation.services import evaluate_period
from tests.evaluation import factories as outcome
from tests.worker import kill_mid_job_and_recover, skip_unless_redelivery_is_possible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def results():
    return sorted(
        Evaluation.objects.values_list("project_id", "period", "score", "grade", "baseline_met", "catch_up_score")
    )


def test_a_worker_killed_mid_evaluation_loses_nothing_and_the_results_are_a_clean_run_s(
    transport_bureau, health_bureau, plan, tmp_path
):
    skip_unless_redelivery_is_possible()
    for n in range(8):
        project = outcome.project(transport_bureau if n % 2 else health_bureau, plan=plan, name=f"运营项目{n}")
        outcome.ratings(project, [5, 4, 3, 5, 2][: 2 + n % 4])
        outcome.tickets(project, 10, 5 + n % 5)
        outcome.spending(project, f"{500000 + n * 50000}.00")
    with transaction.atomic():  # the clean run, rolled back
        evaluate_period(2025)
        expected = results()
        transaction.set_rollback(True)
    assert results() == [] and len(expected) == 8

    seconds = kill_mid_job_and_recover(
        tmp_path,
        "evaluation.evaluate_periods",
        [2025],
        stall="evaluation.scoring_sql:evaluate",
        stall_after=1,  # the first share commits, the second is cut off before its commit
        committed=lambda: 0 < Evaluation.objects.count() < 8,
        done=lambda: results() == expected,
        env={"EVALUATION_WORKERS": "2"},  # two shares, each its own transaction
    )
    assert results() == expected
    print(f"redelivered and finished {seconds:.1f} s after the kill")
    assert seconds < 60
