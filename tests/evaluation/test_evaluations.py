"""Evaluations: stored with their breakdown, recomputed idempotently, never edited by hand."""

from decimal import Decimal

from django.core.management import call_command

from evaluation.models import Evaluation
from evaluation.services import evaluate_period
from evaluation.tasks import evaluate_periods
from tests.evaluation import factories as outcome


def test_evaluation_stores_the_breakdown_behind_its_score(transport_project):
    outcome.tickets(transport_project, received=20, resolved=18)
    outcome.ratings(transport_project, [5, 5, 4, 3])
    outcome.spending(transport_project, "800000.00")
    evaluate_period(2025)
    evaluation = Evaluation.objects.get(project=transport_project, period=2025)
    assert evaluation.score == Decimal("71.9") and evaluation.grade == "C"
    codes = [row["code"] for row in evaluation.breakdown["indicators"]]
    assert codes == ["resolution", "satisfaction", "execution"]
    assert evaluation.breakdown["indicators"][0]["inputs"] == {"received": 20, "resolved": 18}


def test_data_of_another_period_does_not_count(transport_project):
    outcome.ratings(transport_project, [1, 1], year=2024)
    outcome.ratings(transport_project, [5, 5], year=2025)
    evaluate_period(2025)
    assert Evaluation.objects.get(period=2025).breakdown["indicators"][1]["value"] == "100.00"


def test_recompute_changes_nothing_unless_the_inputs_change(transport_project):
    outcome.ratings(transport_project, [5, 4])
    first = evaluate_period(2025)
    stored = Evaluation.objects.get()
    again = evaluate_period(2025)
    assert (first.created, again.created, again.changed, again.unchanged) == (1, 0, 0, 1)
    assert Evaluation.objects.get().updated_at == stored.updated_at
    outcome.ratings(transport_project, [1])
    changed = evaluate_period(2025)
    assert changed.changed == 1
    assert Evaluation.objects.get().score < stored.score


def test_tier_targets_apply_by_the_owner_organizations_region(transport_project, city):
    from evaluation.models import Indicator, IndicatorTarget

    outcome.ratings(transport_project, [5, 5, 5, 4, 4])  # mean 4.6 → 90
    evaluate_period(2025)
    advancing = Evaluation.objects.get().breakdown["indicators"][1]["points"]
    assert city.tier == "leading"
    IndicatorTarget.objects.create(
        indicator=Indicator.objects.get(code="satisfaction"), tier="leading", target_value=98
    )
    evaluate_period(2025)
    row = Evaluation.objects.get().breakdown["indicators"][1]
    assert advancing == "85.71" and row["points"] == "78.95" and row["target_value"] == "98.00"


def test_the_command_and_the_celery_job_evaluate(transport_project, capsys):
    outcome.ratings(transport_project, [5])
    call_command("evaluate", "--period", "2025")
    assert "1 new" in capsys.readouterr().out
    assert evaluate_periods([2025])[0]["unchanged"] == 1


def test_the_nightly_job_is_scheduled(settings):
    assert settings.CELERY_BEAT_SCHEDULE["evaluate-periods"]["task"] == "evaluation.evaluate_periods"


def test_finance_cannot_edit_evaluations(api, finance, manager, transport_project):
    outcome.ratings(transport_project, [5])
    evaluate_period(2025)
    evaluation = Evaluation.objects.get()
    url = f"/api/v1/evaluations/{evaluation.pk}/"
    assert api.as_(finance).get(url).status_code == 200
    for method in ("patch", "put", "delete"):
        assert getattr(api.as_(finance), method)(url, {"score": "100.0"}).status_code == 405
    assert api.as_(finance).post("/api/v1/evaluations/recompute/", {"period": 2025}).status_code == 403
    assert api.as_(manager).post("/api/v1/evaluations/recompute/", {"period": 2025}).status_code == 200
    assert Evaluation.objects.get().score == evaluation.score


def test_owners_see_only_their_own_outcomes(api, owner, transport_project, health_project):
    outcome.ratings(transport_project, [5])
    outcome.ratings(health_project, [4])
    evaluate_period(2025)
    theirs = Evaluation.objects.get(project=health_project)
    listed = api.as_(owner).get("/api/v1/evaluations/").json()
    assert [row["project"] for row in listed["results"]] == [transport_project.pk]
    assert api.as_(owner).get(f"/api/v1/evaluations/{theirs.pk}/").status_code == 404
    # Another bureau's project in a filter answers as a project that does not exist.
    foreign = api.as_(owner).get(f"/api/v1/ratings/?project={health_project.pk}")
    missing = api.as_(owner).get("/api/v1/ratings/?project=999999")
    assert foreign.status_code == missing.status_code == 400 and foreign.json() == missing.json()
