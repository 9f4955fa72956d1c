"""The check measured on the labelled sets under tests/data/duplicates/ (also printed by make bench).

- the shipped set (``catalogue.json``, ``proposals.json``), written beside the algorithm;
- ``independent_dev/``, written by someone who never saw the check, used to tune it;
- ``independent_report/``, written the same way and never used to tune: its figures are in
  docs/duplicate-check.md, measured once, and not asserted here.

The decisive thresholds were fitted on the first two (``evaluate_duplicates --fit``). The floors
below are the issue's targets where the sets reach them, and the figures reached otherwise.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.duplicates import evaluation
from tests import factories

pytestmark = pytest.mark.django_db

PARTIAL_ACCURACY_FLOOR = 0.8


def test_the_labelled_set_is_big_enough_and_has_every_kind_in_both_splits():
    catalogue, proposals = evaluation.load()
    assert len(proposals) >= 40
    assert len({p["id"] for p in proposals}) == len(proposals)
    for split in ("dev", "holdout"):
        kinds = {p["expected"] for p in proposals if p["split"] == split}
        assert kinds == {"duplicate", "partial", "clear"}
    keys = {item["key"] for part in ("systems", "projects", "data") for item in catalogue[part]}
    assert all(set(p["of"]) <= keys for p in proposals)


INDEPENDENT_DEV = evaluation.DATASET / "independent_dev"


@pytest.fixture(scope="module")
def result(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return evaluation.run()


@pytest.fixture(scope="module")
def independent(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return evaluation.run(INDEPENDENT_DEV)


@pytest.mark.parametrize("split", [None, "dev", "holdout"])
def test_precision_and_recall_of_duplicate_verdicts(result, split):
    measured = result.only(split)
    assert measured.precision >= 0.9, "\n".join(measured.lines())
    assert measured.recall >= 0.9, "\n".join(measured.lines())
    assert measured.partial_accuracy >= PARTIAL_ACCURACY_FLOOR, "\n".join(measured.lines())


def test_overlap_is_flagged_and_the_overlapped_item_is_in_the_top_three_on_the_shipped_set(result):
    assert result.overlap_recall >= 0.95, "\n".join(result.lines())
    assert result.overlap_precision >= 0.9, "\n".join(result.lines())
    assert result.top >= 0.95, "\n".join(result.lines())
    assert result.accuracy >= 0.9, "\n".join(result.lines())


def test_the_independently_written_development_set_meets_the_issues_targets(independent):
    lines = "\n".join(independent.lines())
    assert len(independent.outcomes) >= 60
    assert independent.overlap_recall >= 0.95, lines
    assert independent.overlap_precision >= 0.8, lines
    assert independent.top >= 0.9, lines
    assert independent.precision >= 0.9, lines
    assert independent.recall >= 0.9, lines
    assert independent.accuracy >= 0.9, lines


def test_fitting_keeps_the_targets_and_never_worsens_the_fitted_sets(result, independent):
    from projects.duplicates import check, scoring

    both = evaluation.Evaluation(cases=result.cases + independent.cases)
    current = scoring.Thresholds.from_settings(check.config())
    fitted, judged = evaluation.fit(both, current)

    before = both.under(current)
    assert judged.accuracy >= before.accuracy - 1e-9
    assert set(evaluation.DECISIVE) <= set(fitted.__dataclass_fields__)
    curve = both.curve(fitted)
    assert len(curve) == 1 + sum(len(set(v) | {getattr(fitted, k)}) for k, v in evaluation.DECISIVE.items())


def test_the_command_prints_every_figure_the_curve_and_fitted_settings(capsys):
    call_command("evaluate_duplicates", str(INDEPENDENT_DEV), "--fit")
    out = capsys.readouterr().out
    assert '"DUPLICATE_SIMILARITY":' in out
    assert "overlapped item in the top 3 matches" in out
    assert "precision/recall curve" in out
    assert "accuracy" in out


def test_duplicates_name_the_item_they_duplicate(result):
    assert result.evidence_accuracy >= 0.9, "\n".join(result.lines())


def test_the_evaluation_leaves_nothing_behind_and_refuses_a_database_with_data(result, transport_bureau):
    from portfolio.models import InformationSystem
    from projects.models import Project

    assert not Project.objects.exists()
    factories.system(transport_bureau)
    assert InformationSystem.objects.count() == 1
    with pytest.raises(CommandError, match="没有项目、信息系统和数据资源的数据库"):
        call_command("evaluate_duplicates")
