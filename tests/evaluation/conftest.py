import pytest

from tests.evaluation import factories as outcome


@pytest.fixture
def plan(city):
    from tests import factories

    return factories.plan(city)


@pytest.fixture
def transport_project(transport_bureau, plan):
    """A 交通局 project in operation."""
    return outcome.project(transport_bureau, plan=plan, name="公交到站预报系统")


@pytest.fixture
def health_project(health_bureau, plan):
    """A 卫健委 project in operation (another bureau's)."""
    return outcome.project(health_bureau, plan=plan, name="全民健康信息平台运维")
