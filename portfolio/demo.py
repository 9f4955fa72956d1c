"""The demo city 临江市: regions, organizations, accounts, the plan and the existing assets.

``seed_demo`` calls each installed app's ``AppConfig.seed_demo(demo)`` in dependency order; this
module is the portfolio core's part. Later apps add projects, tasks and outcomes to the same city
through the ``DemoCity`` object, so their demo data stays consistent with this one.
"""

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portfolio.models import (
    BusinessItem,
    DataResource,
    Domain,
    InformationSystem,
    Organization,
    Plan,
    PlanGoal,
    Region,
    Role,
    Scenario,
    User,
)


@dataclass
class DemoCity:
    """What the seeders share: a seeded random generator, the password, and what was built."""

    rng: random.Random
    password: str
    today: date
    out: object = None  # a writer with .write(), e.g. the command's stdout
    regions: dict = field(default_factory=dict)  # name -> Region
    orgs: dict = field(default_factory=dict)  # name -> Organization
    users: dict = field(default_factory=dict)  # username -> User
    domains: dict = field(default_factory=dict)  # code -> Domain
    plan: Plan | None = None
    systems: list = field(default_factory=list)

    def say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text)

    def org(self, name: str) -> Organization:
        return self.orgs[name]


CITY = "临江市"
# (name, tier, streets)
DISTRICTS = [
    ("滨江区", Region.Tier.LEADING, ["江滨街道", "望江街道"]),
    ("临港新区", Region.Tier.LEADING, []),
    ("东城区", Region.Tier.ADVANCING, ["东门街道"]),
    ("西城区", Region.Tier.ADVANCING, []),
    ("南湖区", Region.Tier.ADVANCING, []),
    ("北山区", Region.Tier.FOUNDATIONAL, ["北山镇"]),
    ("青溪县", Region.Tier.FOUNDATIONAL, ["青溪镇"]),
    ("云岭县", Region.Tier.FOUNDATIONAL, []),
]

# City departments under 临江市人民政府: (name, short name, aliases, kind)
CITY_DEPARTMENTS = [
    ("临江市政务服务和数据管理局", "数据", ["市数据局", "市大数据局", "市政务服务数据管理局"], "department"),
    ("临江市发展和改革委员会", "发改", ["市发改委", "市发展改革委"], "department"),
    ("临江市财政局", "财政", ["市财政局"], "department"),
    ("临江市人民政府督查室", "督查", ["市政府督查室"], "department"),
    ("临江市交通运输局", "交通", ["市交通运输局", "市交通局"], "department"),
    ("临江市卫生健康委员会", "卫健", ["市卫生健康委", "市卫健委"], "department"),
    ("临江市公安局", "公安", ["市公安局"], "department"),
    ("临江市教育局", "教育", ["市教育局"], "department"),
    ("临江市民政局", "民政", ["市民政局"], "department"),
    ("临江市人力资源和社会保障局", "人社", ["市人力资源社会保障局", "市人社局"], "department"),
    ("临江市自然资源和规划局", "自然资源", ["市自然资源规划局", "市自然资源局"], "department"),
    ("临江市生态环境局", "生态环境", ["市生态环境局"], "department"),
    ("临江市住房和城乡建设局", "住建", ["市住房城乡建设局", "市住建局"], "department"),
    ("临江市城市管理局", "城管", ["市城市管理局", "市城管局"], "department"),
    ("临江市水务局", "水务", ["市水务局"], "department"),
    ("临江市应急管理局", "应急", ["市应急管理局", "市应急局"], "department"),
    ("临江市市场监督管理局", "市场监管", ["市市场监管局", "市场监管局"], "department"),
    ("临江市文化广电旅游局", "文旅", ["市文化广电旅游局", "市文旅局"], "department"),
    ("临江市工业和信息化局", "工信", ["市工业和信息化局", "市工信局"], "department"),
    ("临江市商务局", "商务", ["市商务局"], "department"),
    ("临江市农业农村局", "农业农村", ["市农业农村局"], "department"),
    ("临江市医疗保障局", "医保", ["市医疗保障局", "市医保局"], "department"),
    ("临江市数字化转型专家咨询委员会", "专家委", ["市数字化专家委"], "institution"),
]
# District-level bodies: (name, short name, aliases, kind, region, parent)
DISTRICT_BODIES = [
    ("滨江区人民政府", "滨江", ["滨江区政府"], "government", "滨江区", None),
    ("滨江区数据资源管理局", "滨江数据", ["滨江区数据局"], "department", "滨江区", "滨江区人民政府"),
    ("江滨街道办事处", "江滨街道", [], "street", "江滨街道", "滨江区人民政府"),
    ("望江街道办事处", "望江街道", [], "street", "望江街道", "滨江区人民政府"),
    ("临港新区管理委员会", "临港", ["临港新区管委会"], "government", "临港新区", None),
    ("临港新区经济发展局", "临港经发", [], "department", "临港新区", "临港新区管理委员会"),
    ("东城区人民政府", "东城", ["东城区政府"], "government", "东城区", None),
    ("东城区卫生健康局", "东城卫健", [], "department", "东城区", "东城区人民政府"),
    ("东门街道办事处", "东门街道", [], "street", "东门街道", "东城区人民政府"),
    ("西城区人民政府", "西城", ["西城区政府"], "government", "西城区", None),
    ("南湖区人民政府", "南湖", ["南湖区政府"], "government", "南湖区", None),
    ("南湖区教育局", "南湖教育", [], "department", "南湖区", "南湖区人民政府"),
    ("北山区人民政府", "北山", ["北山区政府"], "government", "北山区", None),
    ("北山镇人民政府", "北山镇", [], "street", "北山镇", "北山区人民政府"),
    ("青溪县人民政府", "青溪", ["青溪县政府"], "government", "青溪县", None),
    ("青溪县农业农村局", "青溪农业", [], "department", "青溪县", "青溪县人民政府"),
    ("云岭县人民政府", "云岭", ["云岭县政府"], "government", "云岭县", None),
]

# One account per role (DESIGN.md), plus nothing else: later seeders add what they need.
ACCOUNTS = [
    ("owner", "张伟", "临江市交通运输局", Role.OWNER),
    ("owner2", "李娜", "临江市卫生健康委员会", Role.OWNER),
    ("reviewer", "王建国", "临江市数字化转型专家咨询委员会", Role.REVIEWER),
    ("manager", "陈静", "临江市政务服务和数据管理局", Role.MANAGER),
    ("supervisor", "刘洋", "临江市人民政府督查室", Role.SUPERVISOR),
    ("finance", "赵敏", "临江市财政局", Role.FINANCE),
]

GOALS = [
    ("infrastructure", "建成全市统一的城市数据底座和一体化算力网络", "公共数据共享率 ≥ 95%"),
    ("infrastructure", "共性支撑平台复用率显著提升", "新建系统复用共性组件比例 ≥ 80%"),
    ("digital_economy", "数字经济核心产业增加值占比稳步提高", "占 GDP 比重 ≥ 12%"),
    ("industry_city", "重点园区实现数字化管理全覆盖", "覆盖率 100%"),
    ("governance", "城市运行“一网统管”体系全面建成", "事件按期处置率 ≥ 95%"),
    ("public_service", "高频政务服务事项实现“一网通办”", "全程网办率 ≥ 90%"),
    ("public_service", "群众办事满意度持续提升", "好评率 ≥ 98%"),
    ("livable", "绿色出行与智慧社区服务惠及全体居民", "智慧社区覆盖率 ≥ 70%"),
    ("safety", "城市生命线风险实现实时监测预警", "重点区域覆盖率 100%"),
]

SCENARIOS = [
    ("public_service", "出生“一件事”一次办", "新生儿出生医学证明、户口登记、医保参保联办。", "临江市卫生健康委员会"),
    ("public_service", "看病就医“一码通”", "医保电子凭证、健康码、就诊卡多码融合。", "临江市医疗保障局"),
    ("livable", "公交到站实时查询", "全市公交线路到站时间实时预报和电子站牌覆盖。", "临江市交通运输局"),
    ("livable", "智慧停车一张网", "公共停车泊位联网共享，车位实时查询与预约。", "临江市交通运输局"),
    ("governance", "城市部件智能巡查", "井盖、路灯、护栏等城市部件损坏自动发现与派单。", "临江市城市管理局"),
    ("governance", "基层报表减负", "基层数据一次采集、多方复用，减少重复填报。", "临江市民政局"),
    ("safety", "城市内涝预警", "易涝点积水实时监测，预警信息分级推送。", "临江市水务局"),
    ("safety", "燃气管网安全监测", "燃气管线泄漏、压力异常实时监测与处置。", "临江市住房和城乡建设局"),
    ("digital_economy", "企业诉求直达", "企业诉求一口受理、限时办结、结果评价。", "临江市工业和信息化局"),
    ("industry_city", "园区“一屏统览”", "园区企业运行、能耗、安全一屏展示。", "临港新区管理委员会"),
    (
        "infrastructure",
        "公共数据授权运营",
        "公共数据在安全可控前提下授权社会化开发利用。",
        "临江市政务服务和数据管理局",
    ),
    ("public_service", "居家养老服务", "老年人紧急呼叫、助餐助浴等服务线上预约与监管。", "临江市民政局"),
]

# (name, org, domain, shared, annual cost, users, launched year, description, functions)
SYSTEMS = [
    (
        "临江市一体化政务服务平台",
        "临江市政务服务和数据管理局",
        "public_service",
        True,
        "3200000",
        1200000,
        2019,
        "全市政务服务事项统一受理、办理和评价的平台，线上线下一体化。",
        ["政务服务事项统一受理", "一网通办", "电子证照调用", "办件进度查询", "政务服务好差评"],
    ),
    (
        "临江市统一身份认证平台",
        "临江市政务服务和数据管理局",
        "infrastructure",
        True,
        "600000",
        1500000,
        2018,
        "为全市政务应用提供统一的用户注册、实名认证和单点登录。",
        ["单点登录", "实名认证", "统一用户管理", "电子签章"],
    ),
    (
        "临江市公共数据共享交换平台",
        "临江市政务服务和数据管理局",
        "infrastructure",
        True,
        "1800000",
        3000,
        2018,
        "全市公共数据的目录编制、共享交换和质量管理。",
        ["数据资源目录编制", "数据共享交换", "接口服务管理", "数据质量检测"],
    ),
    (
        "临江市12345政务服务便民热线系统",
        "临江市政务服务和数据管理局",
        "governance",
        True,
        "2100000",
        800000,
        2017,
        "群众诉求统一受理、派单、办理、回访和评价。",
        ["热线工单受理", "智能派单", "办理督办", "回访评价", "热点诉求分析"],
    ),
    (
        "智慧交通指挥调度系统",
        "临江市交通运输局",
        "livable",
        False,
        "1500000",
        600,
        2020,
        "道路交通运行监测、信号配时优化和交通应急调度。",
        ["交通流量监测", "信号配时优化", "交通事件检测", "应急指挥调度", "视频巡查"],
    ),
    (
        "公交电子站牌与实时公交系统",
        "临江市交通运输局",
        "livable",
        False,
        "480000",
        350000,
        2021,
        "公交车辆实时定位、到站预报和电子站牌信息发布。",
        ["公交车辆实时定位", "到站时间预报", "电子站牌信息发布", "公交线路查询"],
    ),
    (
        "临江市全民健康信息平台",
        "临江市卫生健康委员会",
        "public_service",
        False,
        "2600000",
        900000,
        2019,
        "汇聚全市医疗卫生机构数据，支撑健康档案和诊疗信息共享。",
        ["电子健康档案", "电子病历共享调阅", "检查检验结果互认", "预约挂号", "家庭医生签约"],
    ),
    (
        "城市运行管理服务平台",
        "临江市城市管理局",
        "governance",
        False,
        "1900000",
        2000,
        2020,
        "城市管理问题发现、派遣、处置和综合评价。",
        ["城市部件监测", "问题案件派遣", "处置结果核查", "综合考核评价"],
    ),
    (
        "智慧教育云平台",
        "临江市教育局",
        "public_service",
        False,
        "1300000",
        420000,
        2020,
        "面向全市师生的在线教学、资源共享和教育管理平台。",
        ["在线课堂", "教育资源库", "学籍管理", "家校互动"],
    ),
    (
        "应急指挥一张图系统",
        "临江市应急管理局",
        "safety",
        False,
        "1100000",
        800,
        2021,
        "风险隐患、应急资源和救援力量一张图展示与指挥。",
        ["风险监测预警", "应急资源管理", "应急指挥调度", "应急预案管理"],
    ),
    (
        "城市内涝监测预警系统",
        "临江市水务局",
        "safety",
        False,
        "520000",
        300,
        2022,
        "易涝点积水和雨量实时监测，分级发布内涝预警。",
        ["积水点水位监测", "雨量监测", "内涝预警发布", "排水设施管理"],
    ),
    (
        "智慧工地监管平台",
        "临江市住房和城乡建设局",
        "governance",
        False,
        "450000",
        5000,
        2021,
        "在建工地扬尘、人员和起重设备的在线监管。",
        ["扬尘在线监测", "工人实名制考勤", "塔吊安全监测", "工地视频监控"],
    ),
    (
        "市场主体信用监管系统",
        "临江市市场监督管理局",
        "digital_economy",
        False,
        "700000",
        1500,
        2020,
        "市场主体信用档案、分级分类和双随机抽查。",
        ["企业信用档案", "信用风险分类", "双随机抽查", "失信联合惩戒"],
    ),
    (
        "公共视频共享平台",
        "临江市公安局",
        "safety",
        True,
        "2400000",
        3000,
        2018,
        "全市公共视频资源汇聚和按权限共享调阅。",
        ["视频资源汇聚", "视频共享调阅", "视频智能分析"],
    ),
    (
        "生态环境监测监控平台",
        "临江市生态环境局",
        "livable",
        False,
        "900000",
        600,
        2020,
        "空气、水质和污染源的在线监测与执法联动。",
        ["空气质量监测", "水质自动监测", "污染源在线监控", "环境执法联动"],
    ),
]

# (name, org, domain, system or None, sharing, frequency, description)
DATA_RESOURCES = [
    ("人口基础信息库", "临江市公安局", "infrastructure", None, "conditional", "实时", "户籍人口和流动人口基础信息。"),
    (
        "法人单位基础信息库",
        "临江市市场监督管理局",
        "infrastructure",
        "市场主体信用监管系统",
        "unconditional",
        "每日",
        "企业、个体工商户等市场主体登记信息。",
    ),
    (
        "电子证照库",
        "临江市政务服务和数据管理局",
        "infrastructure",
        "临江市一体化政务服务平台",
        "conditional",
        "实时",
        "身份证、营业执照等常用电子证照。",
    ),
    (
        "公交车辆实时位置数据",
        "临江市交通运输局",
        "livable",
        "公交电子站牌与实时公交系统",
        "unconditional",
        "实时",
        "公交车辆 GPS 定位和到站数据。",
    ),
    (
        "居民电子健康档案",
        "临江市卫生健康委员会",
        "public_service",
        "临江市全民健康信息平台",
        "conditional",
        "每日",
        "居民基本健康信息和诊疗记录摘要。",
    ),
    (
        "城市部件数据",
        "临江市城市管理局",
        "governance",
        "城市运行管理服务平台",
        "unconditional",
        "每周",
        "井盖、路灯、护栏等城市部件的位置和状态。",
    ),
    (
        "基础地理信息数据",
        "临江市自然资源和规划局",
        "infrastructure",
        None,
        "conditional",
        "每季度",
        "全市基础地形图、影像和地名地址。",
    ),
    (
        "易涝点积水监测数据",
        "临江市水务局",
        "safety",
        "城市内涝监测预警系统",
        "unconditional",
        "实时",
        "易涝点水位和雨量监测数据。",
    ),
]

BUSINESS_ITEMS = [
    ("道路运输经营许可", "临江市交通运输局", ["临江市一体化政务服务平台"]),
    ("出生医学证明办理", "临江市卫生健康委员会", ["临江市全民健康信息平台", "临江市一体化政务服务平台"]),
    ("城市管理问题处置", "临江市城市管理局", ["城市运行管理服务平台", "临江市12345政务服务便民热线系统"]),
    ("建筑工地扬尘管控", "临江市住房和城乡建设局", ["智慧工地监管平台"]),
]


def seed_city(demo: DemoCity) -> None:
    city = Region.objects.create(name=CITY, level=Region.Level.CITY, tier=Region.Tier.LEADING, code="330100")
    demo.regions[CITY] = city
    for index, (name, tier, streets) in enumerate(DISTRICTS, start=1):
        district = Region.objects.create(
            name=name, level=Region.Level.DISTRICT, tier=tier, parent=city, code=f"3301{index:02d}"
        )
        demo.regions[name] = district
        for street in streets:
            demo.regions[street] = Region.objects.create(
                name=street, level=Region.Level.STREET, tier=tier, parent=district
            )

    government = Organization.objects.create(
        name="临江市人民政府", short_name="市政府", aliases=["市政府"], kind="government", region=city
    )
    demo.orgs[government.name] = government
    for name, short_name, aliases, kind in CITY_DEPARTMENTS:
        demo.orgs[name] = Organization.objects.create(
            name=name, short_name=short_name, aliases=aliases, kind=kind, region=city, parent=government
        )
    for name, short_name, aliases, kind, region, parent in DISTRICT_BODIES:
        demo.orgs[name] = Organization.objects.create(
            name=name,
            short_name=short_name,
            aliases=aliases,
            kind=kind,
            region=demo.regions[region],
            parent=demo.orgs[parent] if parent else government,
        )

    for username, name, org, role in ACCOUNTS:
        user = User(
            username=username, name=name, organization=demo.orgs[org], role=role, email=f"{username}@linjiang.example"
        )
        user.is_staff = role == Role.MANAGER  # the portfolio office keeps reference data in the admin
        user.set_password(demo.password)
        user.save()
        demo.users[username] = user

    demo.domains = {domain.code: domain for domain in Domain.objects.all()}
    plan = Plan.objects.create(
        region=city,
        name="临江市城市全域数字化转型三年行动计划（2025—2027年）",
        start_year=2025,
        end_year=2027,
        description="以规划管项目，以任务督落实，以评估强效能：统筹推进城市数字化共性基础、数字经济、"
        "产城融合、精准治理、公共服务、宜居环境和安全韧性七大领域建设。",
    )
    plan.domains.set(demo.domains.values())
    demo.plan = plan
    PlanGoal.objects.bulk_create(
        PlanGoal(plan=plan, domain=demo.domains[code], title=title, target=target, order=order)
        for order, (code, title, target) in enumerate(GOALS, start=1)
    )
    Scenario.objects.bulk_create(
        Scenario(plan=plan, domain=demo.domains[code], title=title, description=text, lead_org=demo.orgs[org])
        for code, title, text, org in SCENARIOS
    )

    systems = {}
    for name, org, domain, shared, cost, users, year, description, functions in SYSTEMS:
        systems[name] = InformationSystem.objects.create(
            name=name,
            org=demo.orgs[org],
            domain=demo.domains[domain],
            is_shared=shared,
            annual_cost=Decimal(cost),
            users_count=users,
            launched_on=date(year, demo.rng.randint(1, 12), 1),
            description=description,
            functions="\n".join(functions),
        )
    demo.systems = list(systems.values())
    for name, org, domain, system, sharing, frequency, description in DATA_RESOURCES:
        DataResource.objects.create(
            name=name,
            org=demo.orgs[org],
            domain=demo.domains[domain],
            system=systems.get(system),
            sharing=sharing,
            update_frequency=frequency,
            description=description,
        )
    for name, org, system_names in BUSINESS_ITEMS:
        item = BusinessItem.objects.create(name=name, org=demo.orgs[org])
        item.systems.set(systems[s] for s in system_names)
    demo.say(
        f"  {len(demo.regions)} regions, {len(demo.orgs)} organizations, {len(demo.users)} accounts, "
        f"1 plan, {len(systems)} information systems\n"
    )
