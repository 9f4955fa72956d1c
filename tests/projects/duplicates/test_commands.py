"""check_duplicates, rebuild_similarity_index and the nightly Celery task."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.duplicates.models import SimilarityDocument
from tests.projects.duplicates.test_check import rewrite_of_bus

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_check_duplicates_prints_the_verdict_and_the_evidence_in_chinese(transport_bureau, plan, bus_system):
    proposal = rewrite_of_bus(transport_bureau, plan)

    out = run("check_duplicates", str(proposal.pk))

    assert "查重结论：重复建设" in out
    assert "公交电子站牌与实时公交系统" in out and "临江市交通运输局" in out
    assert "车辆到站时间预测  ≈  到站时间预报" in out
    assert "不予立项" in out


def test_check_duplicates_prints_json_in_the_api_shape(transport_bureau, plan, bus_system):
    proposal = rewrite_of_bus(transport_bureau, plan)

    data = json.loads(run("check_duplicates", str(proposal.pk), "--json"))

    assert data["verdict"] == "duplicate"
    assert data["matches"][0]["id"] == bus_system.pk


def test_check_duplicates_of_an_unknown_project_is_refused_clearly(db):
    with pytest.raises(CommandError, match="没有编号为 999999 的项目"):
        run("check_duplicates", "999999")


def test_rebuild_similarity_index_rebuilds_from_the_sources(bus_system, health_system):
    SimilarityDocument.objects.create(
        kind="system",
        source_id=987654,
        source_updated_at=bus_system.updated_at,
        fingerprint="x",
        name="早已删除的系统",
        org=bus_system.org,
        domain=bus_system.domain,
        analysis={},
    )

    out = run("rebuild_similarity_index")

    assert "已索引 2 条" in out
    assert set(SimilarityDocument.objects.values_list("source_id", flat=True)) == {bus_system.pk, health_system.pk}


def test_the_nightly_refresh_is_a_registered_beat_task(bus_system):
    from portfolio.celery import app
    from projects.duplicates.tasks import refresh_similarity_index

    entry = settings.CELERY_BEAT_SCHEDULE["refresh-similarity-index"]
    assert entry["task"] == refresh_similarity_index.name == "projects.refresh_similarity_index"
    assert entry["task"] in app.tasks

    assert refresh_similarity_index() == {"indexed": 1, "dropped": 0}
    assert refresh_similarity_index() == {"indexed": 0, "dropped": 0}  # running it twice is harmless
