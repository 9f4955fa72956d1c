"""The demo city's projects: about sixty proposals and projects over every stage, every domain.

Every project is carried to its stage through the real services (so its timeline, gate records,
milestones, attachments, change log and notifications are exactly what the system would have
written), and each step is then dated back to when it would have happened, relative to
``demo.today``. Among the proposals waiting for pre-review are some that rebuild an existing
information system in other words, and some that partly overlap one, for the duplicate check.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Max
from django.utils import timezone

from portfolio.demo import DemoCity
from portfolio.models import Notification, Role, User
from projects import services
from projects.lifecycle import Action, AttachmentKind, Stage
from projects.models import Attachment, GateRecord, Project, TransitionRecord
from projects.prereview import demo as prereview_demo

# Owner accounts for the organizations that run projects (beside the core's owner and owner2).
OWNERS = [
    ("owner_data", "周明", "临江市政务服务和数据管理局"),
    ("owner_cg", "孙磊", "临江市城市管理局"),
    ("owner_sw", "吴芳", "临江市水务局"),
    ("owner_yj", "郑强", "临江市应急管理局"),
    ("owner_zj", "冯丽", "临江市住房和城乡建设局"),
    ("owner_jy", "何平", "临江市教育局"),
    ("owner_mz", "马骏", "临江市民政局"),
    ("owner_ga", "高翔", "临江市公安局"),
    ("owner_st", "罗琳", "临江市生态环境局"),
    ("owner_sj", "梁洁", "临江市市场监督管理局"),
    ("owner_gx", "宋涛", "临江市工业和信息化局"),
    ("owner_ws", "彭辉", "临江市文化广电旅游局"),
    ("owner_yb", "曾敏", "临江市医疗保障局"),
    ("owner_rs", "蒋涛", "临江市人力资源和社会保障局"),
    ("owner_sw2", "袁博", "临江市商务局"),
    ("owner_fg", "邓超", "临江市发展和改革委员会"),
    ("owner_zr", "谢雨", "临江市自然资源和规划局"),
    ("owner_lg", "唐宁", "临港新区管理委员会"),
    ("owner_bj", "许可", "滨江区人民政府"),
    ("owner_dc", "潘越", "东城区卫生健康局"),
    ("owner_nh", "曹颖", "南湖区教育局"),
    ("owner_qx", "韩梅", "青溪县农业农村局"),
]
# Which account acts for which organization's projects (an owner acts for its subtree too).
ACTING_OWNER = {
    "临江市交通运输局": "owner",
    "临江市卫生健康委员会": "owner2",
    **{org: username for username, _name, org in OWNERS},
    "临港新区经济发展局": "owner_lg",
    "滨江区数据资源管理局": "owner_bj",
    "江滨街道办事处": "owner_bj",
}


@dataclass
class P:
    """One demo project: where it stands and what it says."""

    stage: str
    org: str
    domain: str
    name: str
    budget_wan: int | None
    description: str
    functions: list[str]
    beneficiaries: int | None = None
    warranty: int | None = 24
    flags: str = ""  # r: reuses shared components, s: shares data, a: standalone mobile app
    systems: tuple = ()
    comment: str = ""  # the comment of the action that brought it to its stage (return, reject …)
    cut: Decimal = Decimal("1.00")  # approved budget as a share of the requested one
    story: str = ""  # variations: "resubmitted", "rectified", "late"
    # pre-review (projects.prereview.demo): "reviews" [(reviewer, opinion or None, comment?)], "override" reason
    extra: dict = field(default_factory=dict)


# fmt: off
PROJECTS = [
    # --- accepted (in operation; the outcome engineer evaluates these) ----------------------------
    P(Stage.ACCEPTED, "临江市政务服务和数据管理局", "public_service", "临江市政务服务“一网通办”能力提升工程", 680,
      "在一体化政务服务平台基础上，扩展高频事项全程网办、电子证照免提交和惠企政策“免申即享”，让群众和企业办事少跑腿。",
      ["高频事项全程网办", "电子证照免提交", "惠企政策免申即享", "办件全流程监测"], 1200000, 36, "rs", ("临江市一体化政务服务平台",),
      comment="系统运行稳定，全程网办率由62%提升至91%，达到建设目标，同意通过验收。", cut=Decimal("0.95")),
    P(Stage.ACCEPTED, "临江市政务服务和数据管理局", "infrastructure", "临江市城市数据底座（一期）", 1450,
      "建设全市统一的数据汇聚治理体系，归集人口、法人、地理空间等基础数据，形成主题库并提供统一数据服务接口。",
      ["多源数据汇聚接入", "数据治理与质量稽核", "人口法人空间主题库", "统一数据服务接口"], 3200000, 36, "rs", ("临江市公共数据共享交换平台",),
      comment="完成42个部门数据归集，数据服务接口调用稳定，同意通过验收。", cut=Decimal("0.90")),
    P(Stage.ACCEPTED, "临江市交通运输局", "livable", "智慧停车诱导与共享服务系统", 520,
      "整合全市公共停车场和道路泊位数据，提供泊位实时查询、停车诱导和错峰共享预约，缓解中心城区停车难。",
      ["公共泊位实时采集", "停车诱导屏信息发布", "车位查询与预约", "错峰共享停车"], 800000, 24, "rs",
      comment="接入公共停车场186个、泊位4.2万个，诱导屏运行正常，同意通过验收。"),
    P(Stage.ACCEPTED, "临江市教育局", "public_service", "智慧教育云平台扩容与同步课堂建设", 760,
      "扩容智慧教育云平台，建设城乡同步课堂和名师资源共享，促进优质教育资源向农村学校延伸。",
      ["城乡同步课堂", "名师资源共享", "教学质量分析"], 420000, 36, "rs", ("智慧教育云平台",),
      comment="建成同步课堂教室120间，覆盖全部乡村学校，同意通过验收。", cut=Decimal("0.92")),
    P(Stage.ACCEPTED, "临江市住房和城乡建设局", "safety", "城市生命线燃气管网安全监测系统", 890,
      "在燃气主干管网和重点场所布设压力、可燃气体监测设备，实时发现泄漏和异常，联动燃气企业快速处置。",
      ["燃气管网压力监测", "可燃气体泄漏报警", "管线风险评估", "报警处置联动"], 1500000, 36, "s",
      comment="整改后复验：监测点位全部在线，报警联动处置流程完整，同意通过验收。", cut=Decimal("0.90"), story="rectified"),
    P(Stage.ACCEPTED, "临江市政务服务和数据管理局", "governance", "12345热线智能辅助系统", 340,
      "为12345热线引入语音转写、智能工单分类和知识库推荐，缩短接听时长，提升派单准确率。",
      ["通话语音实时转写", "工单智能分类", "知识库智能推荐", "热点诉求预警"], 800000, 24, "rs", ("临江市12345政务服务便民热线系统",),
      comment="派单准确率提升至93%，同意通过验收。"),
    P(Stage.ACCEPTED, "临江市民政局", "public_service", "居家养老服务信息平台", 280,
      "为居家老人提供紧急呼叫、助餐助浴等服务的线上预约，并对养老服务机构和补贴发放进行监管。",
      ["老人紧急呼叫", "助餐助浴服务预约", "养老服务机构监管", "养老补贴发放"], 210000, 24, "rs",
      comment="服务老人2.1万人，补贴发放全程留痕，同意通过验收。"),
    P(Stage.ACCEPTED, "临江市生态环境局", "livable", "河湖水质自动监测站网建设", 610,
      "在主要河湖断面新建水质自动监测站，实时监测水质变化，超标自动预警并支撑断面考核。",
      ["水质自动监测", "超标自动预警", "断面考核数据上报"], 900000, 36, "s", ("生态环境监测监控平台",),
      comment="新建自动站18座，数据有效率98%，同意通过验收。"),
    P(Stage.ACCEPTED, "临江市工业和信息化局", "digital_economy", "企业诉求“直通车”服务平台", 230,
      "企业诉求一口受理、分类转办、限时办结，并主动推送惠企政策，办理结果由企业评价。",
      ["企业诉求统一受理", "限时办结督办", "惠企政策精准推送", "办理结果评价"], 56000, 24, "rs",
      comment="受理企业诉求3,800余件，按期办结率97%，同意通过验收。"),
    P(Stage.ACCEPTED, "临港新区管理委员会", "industry_city", "临港新区园区“一屏统览”平台", 470,
      "汇聚园区企业运行、能耗和安全生产数据，一屏展示园区运行态势，辅助招商和安全监管。",
      ["企业运行监测", "园区能耗监测", "安全生产监管", "招商资源地图"], 35000, 24, "rs",
      comment="实现园区企业全覆盖，同意通过验收。", cut=Decimal("0.95")),
    P(Stage.ACCEPTED, "东城区卫生健康局", "public_service", "东城区社区卫生服务信息化提升", 190,
      "为东城区社区卫生服务中心建设家庭医生签约、慢病随访和预约转诊功能，数据接入市全民健康信息平台。",
      ["家庭医生签约服务", "慢病随访管理", "双向预约转诊"], 310000, 24, "rs",
      comment="签约居民档案全部接入市平台，同意通过验收。"),
    P(Stage.ACCEPTED, "临江市市场监督管理局", "governance", "食品安全智慧监管系统", 350,
      "覆盖食品生产经营许可、冷链食品追溯和抽检数据分析，对高风险主体预警并精准监管。",
      ["食品生产经营许可", "冷链食品追溯", "抽检数据分析", "风险分级预警"], 3200000, 24, "s", ("市场主体信用监管系统",),
      comment="冷链食品追溯覆盖率100%，同意通过验收。"),
    P(Stage.ACCEPTED, "临江市医疗保障局", "public_service", "医保移动支付与就医“一码通”", 420,
      "推广医保电子凭证，实现诊间移动支付和医保码、健康码、就诊卡多码融合，群众看病只需一个码。",
      ["医保电子凭证", "诊间移动支付", "就医多码融合", "费用明细查询"], 1800000, 24, "rs",
      comment="全市二级以上医院全部支持诊间移动支付，同意通过验收。"),
    # --- acceptance -------------------------------------------------------------------------------
    P(Stage.ACCEPTANCE, "临江市交通运输局", "livable", "城市道路交通信号优化（二期）", 760,
      "在主城区主干道实施干线绿波协调和路口自适应配时，信号机全部联网，缓解高峰拥堵。",
      ["干线绿波协调", "路口自适应配时", "信号机联网管控"], 900000, 36, "s", ("智慧交通指挥调度系统",)),
    P(Stage.ACCEPTANCE, "南湖区教育局", "safety", "南湖区智慧校园安全管理系统", 160,
      "为南湖区中小学建设出入口人脸核验、校园视频智能巡查和校车动态监管，守护师生安全。",
      ["校园出入口人脸核验", "视频智能巡查", "校车动态监管"], 68000, 24, "r"),
    P(Stage.ACCEPTANCE, "临江市城市管理局", "governance", "城市运行管理服务平台移动巡查扩展", 120,
      "为城市管理巡查员配备移动巡查终端，现场采集问题、快速上报并记录巡查轨迹。",
      ["移动巡查采集", "问题快速上报", "巡查轨迹管理"], 1200, 24, "r", ("城市运行管理服务平台",)),
    P(Stage.ACCEPTANCE, "临江市文化广电旅游局", "digital_economy", "文旅数据中心与智慧景区建设", 390,
      "建设文旅数据中心，监测重点景区游客流量，提供景区分时预约和文旅消费分析。",
      ["景区游客流量监测", "景区分时预约", "文旅消费分析"], 2600000, 24, "rs"),
    # --- implementing -----------------------------------------------------------------------------
    P(Stage.IMPLEMENTING, "临江市民政局", "governance", "基层报表“一表通”", 260,
      "基层数据一次采集、多方复用，报表由系统自动生成，减少社区和村重复填报。",
      ["基层数据一次采集", "报表自动生成", "多部门数据复用", "填报任务管理"], 5200, 24, "rs",
      story="late"),
    P(Stage.IMPLEMENTING, "临江市水务局", "safety", "城市内涝监测预警（二期）易涝点扩容", 480,
      "在一期基础上新增易涝点监测和泵站运行监测，预警信息通过短信分级推送至责任人。",
      ["新增易涝点积水监测", "泵站运行监测", "预警短信分级推送"], 650000, 36, "s", ("城市内涝监测预警系统",)),
    P(Stage.IMPLEMENTING, "临江市公安局", "safety", "公共视频智能分析平台", 1280,
      "在公共视频共享平台上建设视频结构化分析，监测重点区域人流，自动识别异常事件。",
      ["视频结构化分析", "重点区域人流监测", "异常事件自动识别"], 3200000, 36, "rs", ("公共视频共享平台",),
      cut=Decimal("0.85"), story="late"),
    P(Stage.IMPLEMENTING, "临江市政务服务和数据管理局", "infrastructure", "电子证照库扩容与亮证应用", 310,
      "扩充电子证照种类，推动证照在办事场景共享调用，支持群众“亮证”核验。",
      ["证照归集扩容", "证照共享调用", "亮证扫码核验"], 2000000, 36, "rs", ("临江市一体化政务服务平台",)),
    P(Stage.IMPLEMENTING, "青溪县农业农村局", "digital_economy", "青溪县智慧农业物联网示范", 220,
      "在蔬菜大棚和茶园部署环境监测与水肥一体化设备，建立农产品溯源，带动农民增收。",
      ["大棚环境监测", "水肥一体化控制", "农产品质量溯源"], 12000, 24, "s"),
    P(Stage.IMPLEMENTING, "临江市人力资源和社会保障局", "public_service", "就业服务“一网通”平台", 330,
      "整合就业岗位信息，智能匹配求职者和岗位，线上申领就业补贴，规范零工市场服务。",
      ["岗位智能匹配", "就业补贴线上申领", "零工市场服务"], 450000, 24, "rs"),
    P(Stage.IMPLEMENTING, "滨江区数据资源管理局", "industry_city", "滨江区数字孪生街区", 540,
      "对滨江核心街区三维实景建模，城市部件孪生映射，实时展示街区运行态势，支撑精细化管理。",
      ["三维实景建模", "城市部件孪生映射", "街区运行态势展示"], 180000, 24, "rs",
      story="late"),
    P(Stage.IMPLEMENTING, "临江市城市管理局", "livable", "建筑垃圾全过程监管系统", 280,
      "对建筑垃圾运输车辆定位监管、消纳场称重计量，识别违规倾倒行为。",
      ["运输车辆定位监管", "消纳场称重计量", "违规倾倒识别"], 3200000, 24, "s"),
    P(Stage.IMPLEMENTING, "临江市卫生健康委员会", "public_service", "医疗机构检查检验结果互认（二期）", 450,
      "扩大检查检验结果互认的医院和项目范围，建立互认规则管理，提醒医生避免重复检查。",
      ["检查检验结果共享", "互认规则管理", "重复检查提醒"], 1800000, 24, "rs", ("临江市全民健康信息平台",)),
    P(Stage.IMPLEMENTING, "临江市政务服务和数据管理局", "safety", "政务云安全防护体系建设", 560,
      "建设政务云安全态势感知、数据库审计，完成等级保护测评整改，保障政务数据安全。",
      ["云安全态势感知", "数据库审计", "等级保护测评整改"], 3000, 36, "r",
      extra={"override": "等级保护测评整改属法定要求，整改方案已经省委网信办组织专家论证，不再重复组织专家评审。"}),
    # --- approved ---------------------------------------------------------------------------------
    P(Stage.APPROVED, "临江市市场监督管理局", "governance", "城市信用“一张网”", 240,
      "归集各部门信用信息，提供信用报告在线查询和信用承诺管理，支撑信用分级分类监管。",
      ["信用信息归集", "信用报告在线查询", "信用承诺管理"], 320000, 24, "rs", ("市场主体信用监管系统",)),
    P(Stage.APPROVED, "临江市交通运输局", "livable", "公交优先信号系统", 360,
      "在公交干线路口实施公交信号优先，评估优先效果，提高公交准点率。",
      ["公交车辆信号优先", "优先效果评估"], 350000, 24, "s", ("智慧交通指挥调度系统",),
      cut=Decimal("0.90")),
    P(Stage.APPROVED, "江滨街道办事处", "livable", "江滨街道智慧社区服务平台", 90,
      "为江滨街道居民提供社区通知发布、物业报修和邻里活动预约，依托“临江办”统一入口。",
      ["社区通知发布", "物业报修", "邻里活动预约"], 46000, 24, "rs"),
    P(Stage.APPROVED, "临江市应急管理局", "safety", "应急物资储备管理系统", 180,
      "建立全市应急物资台账和储备点地图，规范物资调拨审批，灾害发生时快速调用。",
      ["物资台账管理", "储备点地图", "调拨审批"], 3200000, 24, "rs"),
    P(Stage.APPROVED, "临港新区经济发展局", "digital_economy", "临港新区企业数据要素流通试点", 600,
      "开展数据产品登记、交易撮合和合规审查试点，探索企业数据要素安全流通。",
      ["数据产品登记", "数据交易撮合", "数据合规审查"], 2000, 24, "s",
      cut=Decimal("0.80")),
    # --- in pre-review ----------------------------------------------------------------------------
    # Rebuilds 公交电子站牌与实时公交系统 in other words.
    P(Stage.PREREVIEW, "临江市交通运输局", "livable", "公交到站信息服务提升工程", 420,
      "为方便市民候车出行，采集公交车辆GPS位置，预测车辆到站时间，在站台电子显示屏和手机端发布实时到站信息，并提供线路及换乘查询。",
      ["公交车辆GPS位置实时采集", "车辆到站时间预测", "电子站牌到站信息推送", "公交线路与换乘查询"], 350000, 24, "s",
      extra={"reviews": [("reviewer", "reject", "到站预测、电子站牌和线路查询均为公交电子站牌与实时公交系统的已有功能，属重复建设，建议不予立项。")]}),
    # Rebuilds 临江市全民健康信息平台 in other words.
    P(Stage.PREREVIEW, "临江市卫生健康委员会", "public_service", "居民健康档案与诊疗信息共享平台", 980,
      "汇聚全市医院和基层医疗机构数据，为每位居民建立电子健康档案，实现病历跨院调阅、检查检验结果共享互认和网上预约挂号。",
      ["居民电子健康档案管理", "病历跨院调阅", "检查检验结果共享互认", "网上预约挂号", "家庭医生签约"], 900000, 24, "s",
      extra={"reviews": [("reviewer2", None)]}),
    # Partly overlaps 应急指挥一张图系统.
    P(Stage.PREREVIEW, "临江市应急管理局", "safety", "城市安全风险综合监测预警平台（一期）", 1150,
      "构建城市安全风险综合监测网络，接入桥梁、燃气、供水等生命线监测数据，开展风险监测预警，管理应急资源，推动隐患闭环处置。",
      ["风险监测预警", "应急资源管理", "桥梁结构安全监测", "燃气与供水管网监测接入", "风险隐患闭环处置"], 3200000, 36, "s",
      extra={"reviews": [("reviewer", "pass"), ("reviewer3", "pass", "桥梁和管网监测为新增内容，建设必要；风险监测预警与应急资源管理已由应急指挥一张图系统提供，建议核减相应预算。")]}),
    P(Stage.PREREVIEW, "临江市教育局", "public_service", "中小学课后服务管理平台", 150,
      "管理中小学课后服务报名、课程与教师安排、费用收缴和家长评价，配套建设独立手机App。",
      ["课后服务报名", "课程与教师管理", "费用收缴", "家长评价"], 380000, 12, "a",
      extra={"reviews": [("reviewer3", "revise", "建议取消独立手机App，移动端依托“临江办”建设；费用收缴应对接统一公共支付平台。")]}),
    P(Stage.PREREVIEW, "临江市生态环境局", "livable", "机动车尾气遥感监测系统", 310,
      "在主要道路布设机动车尾气遥感监测点，自动识别超标排放车辆并与公安交管共享数据。",
      ["遥感监测点建设", "超标排放车辆识别", "监测数据共享交管"], 1500000, 24, "s"),
    P(Stage.PREREVIEW, "临江市政务服务和数据管理局", "infrastructure", "公共数据授权运营平台", 880,
      "在安全可控前提下授权社会主体开发利用公共数据，提供数据授权管理、数据产品开发环境和运营监管。",
      ["数据授权管理", "数据产品开发环境", "运营全程监管"], 50000, 36, "rs",
      comment="请补充数据安全评估方案，并说明与公共数据共享交换平台的边界。", story="resubmitted",
      extra={"reviews": [("reviewer", "pass"), ("reviewer2", "pass", "已补充数据安全评估方案，边界清晰，同意通过预审。")]}),
    P(Stage.PREREVIEW, "临江市民政局", "public_service", "婚姻登记预约与电子证照应用", 85,
      "提供婚姻登记在线预约，生成结婚证电子证照，并对历史婚姻档案数字化。",
      ["婚姻登记在线预约", "结婚证电子证照", "婚姻档案数字化"], 60000, 24, "rs", ("临江市一体化政务服务平台",),
      extra={"override": "婚姻登记业务系统由民政部统一部署，本项目仅为对接改造和档案数字化，经主任办公会研究，不再组织专家评审。"}),
    # --- submitted --------------------------------------------------------------------------------
    # Rebuilds 城市运行管理服务平台 in other words.
    P(Stage.SUBMITTED, "临江市城市管理局", "governance", "城市管理问题智能发现与处置系统", 650,
      "利用视频和巡查员上报发现井盖、路灯、护栏等城市部件问题，自动派发到责任单位处置，核查处置结果并对各责任单位考核评价。",
      ["城市部件问题发现", "案件自动派单", "处置结果核查", "责任单位考核评价"], 3200000, 24, "s"),
    # Rebuilds 城市内涝监测预警系统 in other words.
    P(Stage.SUBMITTED, "临江市水务局", "safety", "易涝积水点实时监测与预警发布系统", 390,
      "在易涝点布设水位传感器和雨量计，实时掌握积水和降雨情况，分级向社会发布内涝预警，并管理排水管网和泵站设施。",
      ["易涝点水位实时监测", "降雨量监测", "内涝分级预警发布", "排水设施台账管理"], 650000, 24, "s"),
    # Partly overlaps 智慧工地监管平台.
    P(Stage.SUBMITTED, "临江市住房和城乡建设局", "governance", "建筑工地安全与扬尘智慧监管（二期）", 420,
      "在现有监管基础上增加深基坑、高支模等危大工程安全监测，延续扬尘和塔吊监测，开展工程质量巡检。",
      ["扬尘在线监测", "塔吊安全监测", "深基坑变形监测", "高支模监测预警", "工程质量巡检"], 5000, 24, "s"),
    P(Stage.SUBMITTED, "临江市交通运输局", "livable", "网约车与出租车综合监管平台", 280,
      "核验网约车和出租车车辆、驾驶员资质，监管运营轨迹，及时处置乘客投诉。",
      ["车辆与驾驶员资质核验", "运营轨迹监管", "乘客投诉处置"], 1200000, 24, "rs"),
    P(Stage.SUBMITTED, "临江市工业和信息化局", "digital_economy", "中小企业数字化转型服务券平台", 200,
      "建立数字化转型服务商库，企业在线申领和核销服务券，跟踪评估转型成效。",
      ["服务商入库管理", "服务券申领核销", "转型成效评估"], 8000, 24, "rs"),
    P(Stage.SUBMITTED, "临江市文化广电旅游局", "public_service", "全域旅游智慧导览", 140,
      "为游客提供景点语音导览、文旅活动日历和游后评价，建设独立导览App。",
      ["景点语音导览", "文旅活动日历", "游客评价"], 1500000, 12, "a"),
    P(Stage.SUBMITTED, "临江市公安局", "safety", "电动自行车智能管控系统", 260,
      "电动自行车登记上牌、交通违法行为识别和集中充电场所安全监测。",
      ["电动自行车登记上牌", "违法行为智能识别", "充电安全监测"], 1100000, 24, "s"),
    # --- returned for revision --------------------------------------------------------------------
    P(Stage.RETURNED, "青溪县农业农村局", "governance", "农村集体资产管理系统", 75,
      "对村集体资产、资源和合同建立台账，规范集体经济财务公开。",
      ["集体资产台账", "经济合同管理", "村级财务公开"], 86000, 12, "",
      comment="请补充与省农村集体资产监管平台的对接方案，说明数据如何上报，避免重复建设。"),
    P(Stage.RETURNED, "临江市卫生健康委员会", "public_service", "互联网医院建设", 560,
      "建设市级互联网医院，提供在线问诊、电子处方流转和药品配送，建设独立移动App。",
      ["在线问诊", "电子处方流转", "药品配送"], 600000, 6, "a",
      comment="建设内容含独立移动App，请说明能否依托“临江办”统一移动端；质保期仅6个月，须不少于12个月。"),
    P(Stage.RETURNED, "南湖区教育局", "public_service", "中小学智慧体育测试系统", 95,
      "采集学生体质测试数据，分析成绩变化，给出个性化健康干预建议。",
      ["体测数据自动采集", "成绩统计分析", "健康干预建议"], 52000, 24, "s",
      comment="预算明细不清，请按硬件、软件、服务分项列明，并补充设备选型依据。"),
    P(Stage.RETURNED, "临江市交通运输局", "governance", "交通运输执法监管系统", 310,
      "办理交通运输执法案件，管理执法记录仪，推行非现场执法。",
      ["执法案件办理", "执法记录仪管理", "非现场执法"], 1200, 24, "s",
      comment="请补充与市综合行政执法平台的关系说明，并核减与之重复的案件办理功能预算。"),
    # --- rejected ---------------------------------------------------------------------------------
    P(Stage.REJECTED, "临江市城市管理局", "governance", "城市管理市民随手拍App", 180,
      "建设独立App，市民随手拍上报城市管理问题，查询处理进度。",
      ["市民随手拍", "问题上报", "处理进度查询"], 500000, 12, "a",
      comment="功能与12345热线和“临江办”已有功能重复，且建设独立App不符合集约化建设要求，不予立项。"),
    P(Stage.REJECTED, "临江市民政局", "governance", "社区网格信息采集系统", 160,
      "为社区网格员建设信息采集系统，采集人口、房屋和事件信息。",
      ["网格人口信息采集", "房屋信息采集", "网格事件上报"], 3200000, 24, "",
      comment="与城市运行管理服务平台网格化模块和人口基础信息库重复，建议通过数据共享满足需求，不予立项。"),
    P(Stage.REJECTED, "临江市商务局", "digital_economy", "跨境电商公共服务平台", 500,
      "为跨境电商企业提供通关、物流、结汇一站式服务。",
      ["通关服务对接", "跨境物流跟踪", "结汇服务"], 1200, 24, "",
      comment="属市场化服务，宜由企业建设运营，不宜使用财政资金，不予立项。"),
    # --- terminated -------------------------------------------------------------------------------
    P(Stage.TERMINATED, "临江市发展和改革委员会", "governance", "重大项目调度管理系统", 260,
      "对全市重大项目开展调度、督办和进度监测。",
      ["重大项目调度", "项目督办", "进度监测"], 900, 24, "r",
      comment="项目单位职能调整，建设需求已并入省投资项目在线审批监管平台，经研究终止实施。", story="from_implementing"),
    P(Stage.TERMINATED, "临江市自然资源和规划局", "infrastructure", "三维地籍管理系统", 420,
      "建设三维地籍数据库，支撑不动产立体登记。",
      ["三维地籍建库", "立体登记支撑", "地籍数据更新"], 40000, 24, "s",
      comment="项目单位申请撤回，拟与实景三维临江建设统筹后重新申报。"),
    # --- drafts -----------------------------------------------------------------------------------
    P(Stage.DRAFT, "临江市交通运输局", "livable", "智慧公路养护管理系统", None,
      "",
      ["路况自动巡检", "路面病害识别", "养护工单管理"], None, None, ""),
    P(Stage.DRAFT, "临江市卫生健康委员会", "safety", "120急救调度系统升级", 380,
      "升级120急救调度系统，实现呼救精准定位、车辆智能调度和院前院内信息衔接。",
      ["呼救精准定位", "急救车辆智能调度", "院前院内信息衔接"], 3200000, 36, "s"),
    P(Stage.DRAFT, "临江市政务服务和数据管理局", "public_service", "政务服务“好差评”数据分析", 120,
      "对政务服务好差评数据开展分析，找出群众不满意的事项和环节，督促整改。",
      ["好差评数据汇聚", "差评原因分析", "整改跟踪"], None, 24, "rs", ("临江市一体化政务服务平台",)),
    P(Stage.DRAFT, "滨江区数据资源管理局", "governance", "滨江区基层治理“一网统管”", 450,
      "整合滨江区网格、城管、应急等事件，统一受理、分拨和处置。",
      ["事件统一受理", "智能分拨", "处置评价"], 600000, 24, "rs"),
    P(Stage.DRAFT, "临江市应急管理局", "safety", "森林防火智能监测预警", 330,
      "在重点林区布设烟火识别摄像机，自动发现火情并预警。",
      ["林区烟火智能识别", "火情预警推送"], 150000, None, "s"),
    P(Stage.DRAFT, "临江市城市管理局", "livable", "智慧环卫作业监管", None,
      "对环卫车辆和作业人员进行定位和作业质量监管。",
      ["环卫车辆定位", "作业质量监管"], None, 24, ""),
]
# fmt: on

# The steps of each stage's story: (action, days after the previous step).
STORIES = {
    Stage.DRAFT: [],
    Stage.SUBMITTED: [(Action.SUBMIT, 6)],
    Stage.PREREVIEW: [(Action.SUBMIT, 8), (Action.START_REVIEW, 4)],
    Stage.RETURNED: [(Action.SUBMIT, 10), (Action.START_REVIEW, 5), (Action.RETURN, 12)],
    Stage.REJECTED: [(Action.SUBMIT, 12), (Action.START_REVIEW, 5), (Action.REJECT, 20)],
    Stage.APPROVED: [(Action.SUBMIT, 10), (Action.START_REVIEW, 5), (Action.APPROVE, 25)],
    Stage.IMPLEMENTING: [(Action.SUBMIT, 10), (Action.START_REVIEW, 5), (Action.APPROVE, 25), (Action.START, 20)],
    Stage.ACCEPTANCE: [
        (Action.SUBMIT, 10),
        (Action.START_REVIEW, 5),
        (Action.APPROVE, 25),
        (Action.START, 20),
        (Action.REQUEST_ACCEPTANCE, 240),
    ],
    Stage.ACCEPTED: [
        (Action.SUBMIT, 10),
        (Action.START_REVIEW, 5),
        (Action.APPROVE, 25),
        (Action.START, 20),
        (Action.REQUEST_ACCEPTANCE, 220),
        (Action.ACCEPT, 25),
    ],
    Stage.TERMINATED: [(Action.SUBMIT, 10), (Action.START_REVIEW, 5), (Action.TERMINATE, 15)],
}
# How many days before today each stage's story ends (its last step), give or take.
ENDS_DAYS_AGO = {
    Stage.DRAFT: 4,
    Stage.SUBMITTED: 3,
    Stage.PREREVIEW: 6,
    Stage.RETURNED: 9,
    Stage.REJECTED: 40,
    Stage.APPROVED: 20,
    Stage.IMPLEMENTING: 120,
    Stage.ACCEPTANCE: 8,
    Stage.ACCEPTED: 200,
    Stage.TERMINATED: 60,
}
PLAN_YEARS = (2025, 2027)
MILESTONES = ["需求调研与方案设计", "招标采购", "系统开发与部署", "试运行", "初步验收"]

# The scenario of the plan's list (场景清单) a project serves; the others serve the first goal of
# their domain, so the second goals of two domains and a few scenarios stay gaps on the cockpit.
SERVES_SCENARIO = {
    "公交到站信息服务提升工程": "公交到站实时查询",
    "智慧停车诱导与共享服务系统": "智慧停车一张网",
    "基层报表“一表通”": "基层报表减负",
    "城市内涝监测预警（二期）易涝点扩容": "城市内涝预警",
    "城市生命线燃气管网安全监测系统": "燃气管网安全监测",
    "企业诉求“直通车”服务平台": "企业诉求直达",
    "临港新区园区“一屏统览”平台": "园区“一屏统览”",
    "公共数据授权运营平台": "公共数据授权运营",
    "医保移动支付与就医“一码通”": "看病就医“一码通”",
}
# Projects in operation from before projects named what they serve: listed as not linked.
LEGACY_UNLINKED = ("东城区社区卫生服务信息化提升", "食品安全智慧监管系统")


def seed_projects(demo: DemoCity) -> None:
    demo_accounts(demo, OWNERS, Role.OWNER)
    demo_accounts(demo, prereview_demo.REVIEWERS, Role.REVIEWER)
    manager = demo.users["manager"]
    systems = {system.name: system for system in demo.systems}
    counts = {}
    for n, spec in enumerate(PROJECTS, start=1):
        _Story(demo, spec, manager, systems, n).tell()
        counts[spec.stage] = counts.get(spec.stage, 0) + 1
    Project.objects.filter(name__in=LEGACY_UNLINKED).update(plan_goal=None, scenario=None)
    # What happened weeks ago has been read and emailed; the last fortnight's news is still new.
    recent = timezone.now() - timedelta(days=14)
    news = Notification.objects.filter(kind__startswith="project_")
    news.update(emailed_at=F("created_at"))
    news.filter(created_at__lt=recent).update(read_at=F("created_at") + timedelta(hours=3))
    summary = ", ".join(f"{counts[stage]} {stage}" for stage in Stage.values if stage in counts)
    demo.say(f"  {len(PROJECTS)} projects ({summary}), {len(OWNERS)} more owner accounts\n")


def demo_accounts(demo: DemoCity, accounts, role: str) -> None:
    """Accounts ``(username, name, organization name)`` of ``role``, with the demo's password."""
    # Hashed once: the demo accounts share one password anyway, and hashing it 22 times costs seconds.
    hashed = make_password(demo.password)
    for username, name, org in accounts:
        user = User(
            username=username,
            name=name,
            organization=demo.orgs[org],
            role=role,
            email=f"{username}@linjiang.example",
        )
        user.password = hashed
        user.save()
        demo.users[username] = user


def moment_on(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)) + timedelta(minutes=(day.toordinal() * 7) % 50))


# Rows each step writes, and the field that says when: a step is dated back by updating the rows
# created while it ran.
BACKDATED = [
    (TransitionRecord, "pk", "at"),
    (GateRecord, "pk", "decided_at"),
    (Project.history.model, "history_id", "history_date"),
    (Notification, "pk", "created_at"),
    (Attachment, "pk", "uploaded_at"),
]


@contextmanager
def happened_at(when: datetime, *models):
    """Date back the rows of ``models`` (default: all of BACKDATED) created inside the block."""
    dated = [entry for entry in BACKDATED if not models or entry[0] in models]
    marks = [(model, key, column, model.objects.aggregate(m=Max(key))["m"] or 0) for model, key, column in dated]
    yield
    for model, key, column, mark in marks:
        model.objects.filter(**{f"{key}__gt": mark}).update(**{column: when})


def _whole_wan(amount: Decimal) -> Decimal:
    """An amount rounded to whole 万元, as budgets are set."""
    return (amount / 10000).quantize(Decimal("1")) * 10000


def tiny_pdf(title: str) -> bytes:
    """A one-page PDF (what a scanned 申报书 or 批复 would be; the content is a placeholder)."""
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class _Story:
    """Carries one demo project to its stage through the services, dating each step."""

    def __init__(self, demo: DemoCity, spec: P, manager, systems, n: int):
        self.demo, self.spec, self.manager, self.n = demo, spec, manager, n
        self.owner = demo.users[ACTING_OWNER[spec.org]]
        self.systems = [systems[name] for name in spec.systems]
        steps = list(STORIES[spec.stage])
        if spec.story == "resubmitted":
            steps = [(Action.SUBMIT, 8), (Action.START_REVIEW, 4), (Action.RETURN, 10), (Action.SUBMIT, 9)]
            steps += [(Action.START_REVIEW, 3)]
        elif spec.story == "rectified":
            steps = [*steps[:-1], (Action.FAIL_ACCEPTANCE, 20), (Action.REQUEST_ACCEPTANCE, 45), (Action.ACCEPT, 15)]
        elif spec.story == "from_implementing":
            steps = [*STORIES[Stage.IMPLEMENTING], (Action.TERMINATE, 90)]
        jitter = demo.rng.randint(-4, 4) if spec.stage != Stage.DRAFT else demo.rng.randint(0, 3)
        jitter = max(jitter, 1 - ENDS_DAYS_AGO[spec.stage])  # the last step is never today or later
        total = sum(days for _action, days in steps)
        self.created = demo.today - timedelta(days=ENDS_DAYS_AGO[spec.stage] + jitter + total)
        self.steps = steps
        # Milestone progress is known up to the first acceptance request (or today, without one).
        self.horizon, day = demo.today, self.created
        for action, days in steps:
            day += timedelta(days=days)
            if action == Action.REQUEST_ACCEPTANCE:
                self.horizon = day
                break

    def tell(self) -> None:
        day = self.created
        self.project = self._create(day)
        for action, days in self.steps:
            day += timedelta(days=days)
            self._before(action, day)
            self._act(action, day)
            if action == Action.START_REVIEW:
                self.review_started = day
                prereview_demo.after_start_review(self, day)
            if action == Action.APPROVE:
                self._progress()
        prereview_demo.date_rounds(self.project)
        last = self.project.transitions.aggregate(m=Max("at"))["m"] or moment_on(day, 10)
        Project.objects.filter(pk=self.project.pk).update(updated_at=last)

    # --- the steps ---

    def _create(self, day: date) -> Project:
        spec = self.spec
        year = min(max(day.year + (1 if day.month >= 9 else 0), PLAN_YEARS[0]), PLAN_YEARS[1])
        budget = Decimal(spec.budget_wan) * 10000 if spec.budget_wan is not None else None
        start = day + timedelta(days=75) if budget is not None else None
        end = start + timedelta(days=300) if start is not None else None
        with happened_at(moment_on(day, 9), Project.history.model):
            project = services.create_project(
                by=self.owner,
                owner_org=self.demo.orgs[spec.org],
                name=spec.name,
                description=spec.description,
                functions="\n".join(spec.functions),
                plan=self.demo.plan,
                domain=self.demo.domains[spec.domain],
                year=year,
                budget_requested=budget,
                reuses_shared_components="r" in spec.flags,
                shares_data="s" in spec.flags,
                has_mobile_app="a" in spec.flags,
                beneficiaries=spec.beneficiaries,
                warranty_months=spec.warranty,
                planned_start=start,
                planned_end=end,
                systems=self.systems,
                **self._serves(),
            )
        Project.objects.filter(pk=project.pk).update(created_at=moment_on(day, 9))
        self.project = project
        if start is not None:
            self._milestones()
        if spec.stage != Stage.DRAFT:
            self._attach(AttachmentKind.APPLICATION, self.owner, "项目申报书.pdf", day, 10)
            if (spec.budget_wan or 0) >= 300:
                self._attach(AttachmentKind.APPLICATION, self.owner, "可行性研究报告.pdf", day, 11)
        return project

    def _attach(self, kind, user, name: str, day: date, hour: int) -> None:
        content = tiny_pdf(f"Linjiang demo project {self.project.pk}: {kind} {day.isoformat()} {hour}")
        with happened_at(moment_on(day, hour), Attachment):
            services.add_attachment(
                self.project, by=user, kind=kind, file=SimpleUploadedFile(name, content, "application/pdf")
            )

    def _before(self, action: str, day: date) -> None:
        """What happens between steps: revisions, the approval document, milestones, the acceptance report."""
        if action == Action.SUBMIT and self.project.stage == Stage.RETURNED:
            with happened_at(moment_on(day - timedelta(days=2), 15), Project.history.model):
                services.update_project(
                    self.project,
                    by=self.owner,
                    budget_requested=_whole_wan(self.project.budget_requested * Decimal("0.9")),
                    description=self.project.description + "配套编制数据安全评估方案，明确与共享交换平台的功能边界。",
                )
        elif action == Action.APPROVE:
            self._attach(AttachmentKind.APPROVAL, self.manager, "立项批复.pdf", day, 9)
        if action in (Action.APPROVE, Action.RETURN, Action.REJECT):
            prereview_demo.before_decision(self, action, self.review_started, day)
        elif action == Action.REQUEST_ACCEPTANCE:
            self._settle_milestones(day)
            if not self.project.attachments.filter(kind=AttachmentKind.ACCEPTANCE).exists():
                self._attach(AttachmentKind.ACCEPTANCE, self.owner, "项目验收报告.pdf", day, 9)

    def _act(self, action: str, day: date) -> None:
        spec = self.spec
        data, comment = {}, ""
        if action == Action.APPROVE:
            approved = _whole_wan(self.project.budget_requested * spec.cut)
            data = {"approved_budget": approved, "approval_number": f"临数批〔{day.year}〕{self.n + 6}号"}
            comment = "经预审和专家评审，同意立项。"
        elif action in (Action.RETURN, Action.REJECT, Action.TERMINATE):
            comment = spec.comment
        elif action == Action.FAIL_ACCEPTANCE:
            comment = "部分监测点位数据未接入平台，报警联动流程未经实战演练。请完成接入和演练后重新申请验收。"
        elif action == Action.ACCEPT:
            comment = spec.comment or "项目按批复内容完成建设，运行稳定，同意通过验收。"
        elif action == Action.REQUEST_ACCEPTANCE:
            comment = "项目已按批复完成全部建设内容，试运行正常，申请验收。"
        manager_acts = action not in (Action.SUBMIT, Action.START, Action.REQUEST_ACCEPTANCE)
        by = self.manager if manager_acts else self.owner
        with happened_at(moment_on(day, 14 if manager_acts else 10)):
            record = services.transition(self.project, action, by=by, comment=comment, **data)
        self.project = record.project

    def _serves(self) -> dict:
        plan = self.demo.plan
        title = SERVES_SCENARIO.get(self.spec.name)
        if title:
            return {"scenario": plan.scenarios.get(title=title)}
        return {"plan_goal": plan.goals.filter(domain=self.demo.domains[self.spec.domain]).order_by("order").first()}

    def _milestones(self) -> None:
        """The proposal's milestone plan, five steps over the planned period: approval freezes it as
        the baseline."""
        project = self.project
        span = (project.planned_end - project.planned_start).days
        for order, name in enumerate(MILESTONES, start=1):
            planned = project.planned_start + timedelta(days=span * order // len(MILESTONES))
            services.add_milestone(project, by=self.owner, name=name, planned_date=planned, order=order)

    def _progress(self) -> None:
        """Milestones whose date passed before the horizon are done (a little early or late); a 'late'
        story leaves the last of them open, with a forecast that has passed too."""
        passed = [m for m in self.project.milestones.all() if m.planned_date < self.horizon]
        for milestone in passed:
            if self.spec.story == "late" and milestone == passed[-1]:
                forecast = milestone.planned_date + timedelta(days=10)
                if forecast < self.demo.today:
                    services.update_milestone(milestone, by=self.owner, forecast_date=forecast)
                continue
            actual = milestone.planned_date + timedelta(days=self.demo.rng.randint(-5, 12))
            actual = max(min(actual, self.horizon, self.demo.today), self.project.planned_start)
            services.update_milestone(milestone, by=self.owner, done=True, actual_date=actual)

    def _settle_milestones(self, day: date) -> None:
        """Before acceptance every milestone is done — the last ones just before the request."""
        for milestone in self.project.milestones.filter(done=False):
            actual = min(milestone.planned_date, day, self.demo.today)
            actual = max(actual, self.project.planned_start)
            services.update_milestone(milestone, by=self.owner, done=True, actual_date=actual)
