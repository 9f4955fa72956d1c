"""Two checks syncing the index at the same moment (PostgreSQL: real row locks and threads)."""

import threading

import pytest
from django.db import connection

from portfolio.models import Domain
from projects.duplicates import index
from projects.duplicates.models import SimilarityDocument
from tests import factories

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"),
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("attempt", range(3))
def test_two_checks_syncing_at_once_index_each_item_once(transport_bureau, attempt):
    # Transactional tests flush the database between them, data-migration rows included.
    domain, _ = Domain.objects.get_or_create(
        code="livable", defaults={"name": "绿色智慧宜居环境", "short_name": "宜居环境"}
    )
    functions = ["公交车辆实时定位", "到站时间预报"]
    systems = [
        factories.system(transport_bureau, name=f"公交{attempt}-{n}", domain_=domain, functions=functions)
        for n in range(40)
    ]
    barrier = threading.Barrier(2)
    errors = []

    def sync():
        try:
            barrier.wait()
            index.sync()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sync) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(SimilarityDocument.objects.values_list("source_id", flat=True)) == sorted(s.pk for s in systems)
    assert not index.sync()
