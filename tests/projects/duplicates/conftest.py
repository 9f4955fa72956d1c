import pytest

from tests import factories


@pytest.fixture
def plan(city):
    return factories.plan(city)


@pytest.fixture
def health_system(health_bureau):
    return factories.system(
        health_bureau,
        name="全民健康信息平台",
        domain_=factories.domain("public_service"),
        description="汇聚全市医疗卫生机构数据，支撑健康档案和诊疗信息共享。",
        functions=["电子健康档案", "电子病历共享调阅", "检查检验结果互认", "预约挂号", "家庭医生签约"],
    )
