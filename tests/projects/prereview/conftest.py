from datetime import date
from decimal import Decimal

import pytest

from portfolio.models import Role
from projects.lifecycle import Stage
from tests import factories
from tests.projects import factories as pf

# The 交通局 re-describes its own bus system in other words (the "Done when").
BUS_REWRITE = {
    "name": "公交到站信息服务提升工程",
    "description": (
        "为方便市民候车出行，采集公交车辆位置，预测车辆到站时间，在电子站牌发布到站信息，并提供线路换乘查询。"
    ),
    "functions": "公交车辆实时位置采集\n车辆到站时间预测\n电子站牌到站信息推送\n公交线路与换乘查询",
}


@pytest.fixture
def rewrite(transport_bureau, plan, bus_system):
    """A submitted 交通局 proposal that rebuilds the bus system in other words."""
    return pf.project(
        transport_bureau,
        plan,
        stage=Stage.SUBMITTED,
        domain=factories.domain("livable"),
        budget_requested=Decimal("4200000.00"),
        beneficiaries=350000,
        shares_data=True,
        **BUS_REWRITE,
    )


@pytest.fixture
def in_review(make_project, manager):
    """``in_review(**fields)``: a 交通局 proposal the office took into pre-review (``start_review``
    opened its round), with nothing like it in the catalogue."""
    from projects import services

    def make(**fields):
        values = {
            "name": "城市道路桥梁健康监测系统",
            "description": "在重点桥梁布设传感器，监测结构健康状况。",
            "functions": "桥梁挠度监测\n桥梁裂缝识别\n结构健康评估",
            "planned_start": date(2025, 3, 1),
        }
        project = make_project(Stage.SUBMITTED, **{**values, **fields})
        return services.transition(project, "start_review", by=manager).project

    return make


@pytest.fixture
def other_reviewer(city, city_government):
    university = factories.organization("临江大学", region_=city, parent=city_government, short_name="临大")
    return factories.user(Role.REVIEWER, organization_=university, username="reviewer_b", name="赵教授")
