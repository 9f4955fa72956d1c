import pytest

from projects.lifecycle import Stage
from tests import factories
from tests.projects import factories as project_factories


@pytest.fixture
def plan(city):
    return factories.plan(city, start_year=2025, end_year=2027)


@pytest.fixture
def draft(owner, plan):
    """A complete draft of the 交通局, application materials attached, ready to submit."""
    return project_factories.draft(owner, plan)


@pytest.fixture
def bus_system(transport_bureau):
    """公交电子站牌与实时公交系统 of the 交通局: what the rewrites in the tests rebuild."""
    return factories.system(
        transport_bureau,
        name="公交电子站牌与实时公交系统",
        domain_=factories.domain("livable"),
        description="公交车辆实时定位、到站预报和电子站牌信息发布。",
        functions=["公交车辆实时定位", "到站时间预报", "电子站牌信息发布", "公交线路查询"],
    )


@pytest.fixture
def make_project(plan, transport_bureau):
    """``make_project(stage, org=transport_bureau, **fields)``: a project already at ``stage``."""

    def make(stage=Stage.DRAFT, org=None, **fields):
        return project_factories.project(org or transport_bureau, plan, stage=stage, **fields)

    return make


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked postgres_only (row locks) skip themselves on other databases, saying why."""
    if request.node.get_closest_marker("postgres_only"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: this test proves row locks (select_for_update) between connections")
