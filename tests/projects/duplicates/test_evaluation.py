"""The check measured on the labelled set tests/data/duplicates/ (also printed by make bench).

The thresholds in settings.DUPLICATE_CHECK were tuned on the ``dev`` proposals only; the
``holdout`` ones (every third of each kind) were evaluated once the settings were fixed. Both
must keep precision and recall of ``duplicate`` at 0.9 or more, and the right verdict for at
least 80 % of the partial overlaps.
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


@pytest.fixture(scope="module")
def result(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return evaluation.run()


@pytest.mark.parametrize("split", [None, "dev", "holdout"])
def test_precision_and_recall_of_duplicate_verdicts(result, split):
    measured = result.only(split)
    assert measured.precision >= 0.9, "\n".join(measured.lines())
    assert measured.recall >= 0.9, "\n".join(measured.lines())
    assert measured.partial_accuracy >= PARTIAL_ACCURACY_FLOOR, "\n".join(measured.lines())


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
