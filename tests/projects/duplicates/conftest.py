import pytest

from tests import factories


@pytest.fixture
def plan(city):
    return factories.plan(city)


@pytest.fixture
def bus_system(transport_bureau):
    """公交电子站牌与实时公交系统 of the 交通局: what the rewrite tests rebuild."""
    return factories.system(
        transport_bureau,
        name="公交电子站牌与实时公交系统",
        domain_=factories.domain("livable"),
        description="公交车辆实时定位、到站预报和电子站牌信息发布。",
        functions=["公交车辆实时定位", "到站时间预报", "电子站牌信息发布", "公交线路查询"],
    )


@pytest.fixture
def health_system(health_bureau):
    return factories.system(
        health_bureau,
        name="全民健康信息平台",
        domain_=factories.domain("public_service"),
        description="汇聚全市医疗卫生机构数据，支撑健康档案和诊疗信息共享。",
        functions=["电子健康档案", "电子病历共享调阅", "检查检验结果互认", "预约挂号", "家庭医生签约"],
    )
