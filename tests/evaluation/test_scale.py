"""seed_scale's evaluation part, at a tiny size: what the benchmark builds, and that it evaluates."""

from django.core.management import call_command
from django.db.models import Count, Sum

from evaluation.models import BudgetPolicy, BudgetRequest, Rating, RatingTally, Rectification, Spending, Ticket
from evaluation.services import evaluate_period


def test_seed_scale_builds_outcomes_that_evaluate(db, capsys):
    call_command("seed_scale", cities=2, orgs=10, systems=5, projects=20, ratings=2000)
    assert Rating.objects.count() == 2000
    assert RatingTally.objects.aggregate(n=Sum("count"))["n"] == 2000
    tally = dict(RatingTally.objects.values_list("score").annotate(n=Sum("count")))
    assert tally == dict(Rating.objects.values_list("score").annotate(n=Count("id")))
    assert Rectification.objects.count() == Rating.objects.filter(score__lte=2).count()
    assert Rectification.objects.filter(status="closed", closed_on__isnull=True).count() == 0
    assert Ticket.objects.exists() and Spending.objects.count() == 20 * 12
    assert BudgetRequest.objects.filter(year=2026).count() == 20
    assert BudgetPolicy.objects.get(year=2026).envelope is not None
    run = evaluate_period(2025)
    assert run.projects == 20 and run.created == 20


def test_filing_keeps_the_tally_equal_to_the_ratings(api, manager, transport_project, health_project):
    from evaluation.bulk import rebuild_tally

    rows = [
        {
            "project": (transport_project, health_project)[i % 2].pk,
            "score": 1 + i % 5,
            "rated_at": f"202{4 + i % 2}-12-31T23:30:00+08:00",
        }
        for i in range(50)
    ]
    api.as_(manager).post("/api/v1/ratings/", rows, format="json")
    api.as_(manager).post("/api/v1/ratings/", rows[:7], format="json")
    filed = sorted(RatingTally.objects.values_list("project_id", "period", "score", "count"))
    rebuild_tally()
    assert sorted(RatingTally.objects.values_list("project_id", "period", "score", "count")) == filed
    # 23:30 on 31 December in Shanghai is still that year, though it is the afternoon in UTC
    assert {period for _p, period, _s, _c in filed} == {2024, 2025}
