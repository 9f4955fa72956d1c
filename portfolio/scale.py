"""Large synthetic data for benchmarks (``manage.py seed_scale``): the portfolio core's part.

Shape: ``cities`` city regions, each with about ``orgs / cities`` organizations (a government and
its departments), one 2025–2027 plan per city, and ``systems`` information systems whose names,
descriptions and function lists are drawn from a vocabulary of real government-IT phrases, so that
text-matching benchmarks see text like the real catalogue. Inserts are set-based (bulk_create in
large batches); paths are rebuilt once at the end.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from portfolio.models import DataResource, Domain, InformationSystem, Organization, Plan, Region

BATCH = 5000

DEPARTMENTS = [
    "政务服务和数据管理局",
    "发展和改革委员会",
    "财政局",
    "交通运输局",
    "卫生健康委员会",
    "公安局",
    "教育局",
    "民政局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "城市管理局",
    "水务局",
    "应急管理局",
    "市场监督管理局",
    "文化广电旅游局",
    "工业和信息化局",
    "商务局",
    "农业农村局",
    "医疗保障局",
    "统计局",
    "审计局",
    "司法局",
    "退役军人事务局",
    "体育局",
    "林业局",
    "人民政府督查室",
]
SUBJECTS = [
    "政务服务",
    "城市运行",
    "交通出行",
    "公交",
    "停车",
    "医疗健康",
    "医保",
    "教育",
    "养老",
    "社区",
    "应急",
    "防汛",
    "消防",
    "燃气",
    "供水",
    "排水",
    "环境监测",
    "垃圾分类",
    "市场监管",
    "信用",
    "企业服务",
    "园区",
    "农业",
    "文旅",
    "就业",
    "社保",
    "不动产",
    "规划",
    "工地",
    "安全生产",
    "食品安全",
    "网格",
    "热线",
]
KINDS = ["管理平台", "服务系统", "监测预警系统", "综合平台", "一张图", "信息系统", "服务平台", "监管系统", "指挥系统"]
FUNCTIONS = [
    "在线申报",
    "统一受理",
    "事项审批",
    "电子证照调用",
    "进度查询",
    "好差评",
    "统一身份认证",
    "单点登录",
    "实时监测",
    "预警发布",
    "视频巡查",
    "事件派遣",
    "工单流转",
    "督办催办",
    "统计分析",
    "数据共享交换",
    "移动端应用",
    "地图展示",
    "资源目录",
    "绩效考核",
    "预约挂号",
    "健康档案",
    "车辆定位",
    "到站预报",
    "信号配时",
    "泊位查询",
    "积水监测",
    "雨量监测",
    "扬尘监测",
    "塔吊监测",
    "实名考勤",
    "信用评价",
    "随机抽查",
    "风险分级",
    "应急调度",
    "预案管理",
    "物资管理",
    "在线课堂",
    "资源库",
    "学籍管理",
    "养老服务预约",
    "助餐补贴发放",
    "就业岗位推送",
    "社保待遇认证",
    "不动产登记",
    "规划审批",
    "市民诉求分析",
]


@dataclass
class Scale:
    """What the scale seeders share: the sizes asked for and what was built."""

    sizes: dict
    rng: random.Random
    cities: list = field(default_factory=list)  # Region
    org_ids: list = field(default_factory=list)
    orgs_by_city: dict = field(default_factory=dict)  # region id -> [org id]
    plans_by_city: dict = field(default_factory=dict)  # region id -> Plan
    domains: list = field(default_factory=list)
    system_ids: list = field(default_factory=list)

    def say(self, text: str) -> None:
        print(text, flush=True)


def phrase(rng: random.Random) -> tuple[str, list[str]]:
    """A synthetic system or project: a name and its function list."""
    subject = rng.choice(SUBJECTS)
    functions = rng.sample(FUNCTIONS, rng.randint(3, 6))
    return f"{subject}{rng.choice(KINDS)}", functions


def seed_core(scale: Scale) -> None:
    sizes = scale.sizes
    cities = max(1, sizes.get("cities", 100))
    tiers = [Region.Tier.LEADING, Region.Tier.ADVANCING, Region.Tier.FOUNDATIONAL]
    scale.cities = Region.objects.bulk_create(
        Region(name=f"合成市{i:03d}", level=Region.Level.CITY, tier=tiers[i % 3], code=f"9{i:05d}")
        for i in range(1, cities + 1)
    )
    Region.objects.rebuild_paths()
    scale.domains = list(Domain.objects.all())

    per_city = max(1, sizes.get("orgs", 2000) // cities)
    governments = Organization.objects.bulk_create(
        Organization(name=f"{city.name}人民政府", short_name=f"政{i}", kind="government", region=city)
        for i, city in enumerate(scale.cities)
    )
    departments = []
    for i, (city, government) in enumerate(zip(scale.cities, governments, strict=True)):
        for j in range(per_city - 1):
            name = DEPARTMENTS[j % len(DEPARTMENTS)] + ("" if j < len(DEPARTMENTS) else f"{j // len(DEPARTMENTS)}")
            departments.append(
                Organization(name=f"{city.name}{name}", short_name=f"{name[:2]}{i}", region=city, parent=government)
            )
    Organization.objects.bulk_create(departments, batch_size=BATCH)
    Organization.objects.rebuild_paths()
    for org_id, region_id in Organization.objects.values_list("pk", "region_id"):
        scale.org_ids.append(org_id)
        scale.orgs_by_city.setdefault(region_id, []).append(org_id)

    for city in scale.cities:
        plan = Plan.objects.create(region=city, name=f"{city.name}数字化转型行动计划", start_year=2025, end_year=2027)
        plan.domains.set(scale.domains)
        scale.plans_by_city[city.pk] = plan

    rng, systems = scale.rng, []
    for n in range(sizes.get("systems", 0)):
        name, functions = phrase(rng)
        systems.append(
            InformationSystem(
                name=f"{name}{n}",
                org_id=rng.choice(scale.org_ids),
                domain=rng.choice(scale.domains),
                description=f"提供{'、'.join(functions[:3])}等功能的{name}。",
                functions="\n".join(functions),
                annual_cost=Decimal(rng.randint(5, 300) * 10000),
                users_count=rng.randint(10, 100000),
            )
        )
    scale.system_ids = [s.pk for s in InformationSystem.objects.bulk_create(systems, batch_size=BATCH)]
    DataResource.objects.bulk_create(
        (
            DataResource(
                name=f"{rng.choice(SUBJECTS)}数据{n}",
                org_id=rng.choice(scale.org_ids),
                domain=rng.choice(scale.domains),
                description="业务办理过程中产生的结构化数据。",
            )
            for n in range(sizes.get("data_resources", 0))
        ),
        batch_size=BATCH,
    )
    scale.say(
        f"  core: {len(scale.cities)} cities, {len(scale.org_ids)} organizations, {len(scale.system_ids)} systems"
    )
