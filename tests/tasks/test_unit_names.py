"""Each way published task lists name units, tested on sentences from published documents.

The keys (LN25-1, GD24 …) are those of tests/data/unit_sentences/SOURCE.md, which says where each
sentence was found; the few cells written for a form no search turned up are marked "constructed".
"""

from datetime import date

import pytest

from portfolio.models import Region, Role
from tasks.importing import deadline_in_text, plan_import, read_workbook, take_unit_brackets
from tasks.units import parse_unit_text, split_names
from tests import factories
from tests.tasks.factories import sheet_bytes as sheet

LN25_1 = (
    "1.提升政务云统揽能力。统筹整合政务云资源，推进非涉密政务系统向政务云迁移，建立统一调度机制，开展效能评估、"
    "动态调配。完善省政府数据中心异地数据灾备和数据备份功能。（责任单位：省数据局等有关单位，各市政府、"
    "省沈抚改革创新示范区管委会。以下均需各市政府和省沈抚改革创新示范区管委会落实，不再列出）"
)
LN25_GZ = "（省发展改革委、省工业和信息化厅、省财政厅、省人力资源社会保障厅、省农业农村厅、省商务厅等按职责分工负责）"
LN25_GZ_LIST = "省委军民融合办、省发展改革委、省科技厅、省工业和信息化厅、省交通运输厅、省水利厅、省数据局(省营商局)"
SX15_1 = (
    "1、进一步落实煤炭和兰炭出省销售、重大装备首台风险补偿、建材与保障性安居工程对接、企业用电用气直供等产销衔接"
    "政策。（省发改委、省工业和信息化厅等负责）"
)
SX15_3 = "3、继续实施“十百千万”工程，引导土地经营权有序流转，大力培育新型农业经营主体。（省农业厅牵头）"
WH23 = (
    "各责任单位要逐项系统科学谋划研究所承办的责任事项，特别是牵头单位（无牵头单位的，责任单位即为牵头单位，下同）"
    "要统筹相关责任单位制订办理方案"
)
CZ23 = "各牵头和责任单位要强化目标协同、任务协同、措施协同、政策协同，形成推动工作的整体合力。"
XY22 = (
    "1.全面实施行政许可事项清单管理。依据国家和省行政许可事项清单，2022年10月底前编制并公布市、县两级行政许可"
    "事项清单，将依法设定的行政许可事项全部纳入清单管理，清单之外一律不得违法实施行政许可。（市政府办公室、"
    "市行政审批制度改革工作领导小组办公室牵头，市级各有关部门及各县市区政府按职责分工负责）"
)
GD24 = (
    "（省政务服务和数据管理局牵头，省公安厅，广州、深圳、珠海出入境边防检查总站，中国人民银行广东省分行等有关单位"
    "按职责分工负责）"
)
GD23GZ = (
    "省工业和信息化厅牵头，省委网信办，省发展改革委、科技厅、农业农村厅、商务厅、广电局、政务服务数据管理局，"
    "省通信管理局等配合。"
)
SG23 = (
    "紧扣省均衡化发展39项指标，6大工作任务主线，扎实推进地市均衡化发展各项工作，2023年底完成80%以上地市均衡化"
    "发展指标任务。（市政务服务数据管理局、各县（市、区）政府牵头）"
)
WEIHAI23 = "深化“一次办好”改革，年底前基本实现群众企业在线办事“进一个网、办全市事”，建设“24小时不打烊”网上办事大厅。"


@pytest.fixture
def province(db):
    region = factories.region("辽宁省", level=Region.Level.CITY)
    names = [
        "辽宁省数据局",
        "辽宁省沈抚改革创新示范区管理委员会",
        "辽宁省发展和改革委员会",
        "辽宁省工业和信息化厅",
        "辽宁省财政厅",
        "辽宁省人力资源和社会保障厅",
        "辽宁省农业农村厅",
        "辽宁省商务厅",
        "辽宁省税务局",
    ]
    orgs = {n: factories.organization(n, region_=region, short_name=n[3:13]) for n in names}
    manager = factories.user(Role.MANAGER, organization_=orgs["辽宁省数据局"], username="ln-manager")
    return factories.plan(region, start_year=2025, end_year=2027), manager


def plan_rows(plan, manager, data, year=2025):
    return plan_import(read_workbook(data), plan=plan, year=year, assigned_on=date(year, 1, 1), by=manager).rows


# --- Only 责任单位, no lead named: the first leads, the others co-lead (LN25-1, LN25-GZ, SX15) ----
def test_responsible_units_without_a_lead_the_first_leads_and_a_warning_says_so(province):
    plan, manager = province
    following = "2.提升电子政务网络支撑能力。强化电子政务网络统筹建设管理。（责任单位：省数据局）"
    first, second = plan_rows(plan, manager, sheet(["序号", "重点任务"], ["1", LN25_1], ["2", following]))
    assert first.ok, first.errors
    assert first.lead_org.name == "辽宁省数据局"
    assert [o.name for o in first.co_lead_orgs] == ["辽宁省沈抚改革创新示范区管理委员会"]
    assert "有关单位" in first.partner_names and "各市政府" in first.partner_names
    assert any("taken as lead" in w or "牵头" in w for w in first.warnings)
    # "以下均需各市政府和省沈抚改革创新示范区管委会落实，不再列出": they join every following task.
    assert second.lead_org.name == "辽宁省数据局"
    assert "各市政府" in second.partner_names
    assert [o.name for o in second.partner_orgs] == ["辽宁省沈抚改革创新示范区管理委员会"]


def test_a_list_ending_in_dengan_zhize_fengong_fuze_names_responsible_units():
    parsed = parse_unit_text(LN25_GZ.strip("（）"))
    assert parsed.responsible_only
    assert parsed.leads == [
        "省发展改革委",
        "省工业和信息化厅",
        "省财政厅",
        "省人力资源社会保障厅",
        "省农业农村厅",
        "省商务厅",
    ]
    sx = take_unit_brackets(SX15_1)[1][0]
    assert sx.leads == ["省发改委", "省工业和信息化厅"] and sx.responsible_only
    assert take_unit_brackets(SX15_3)[1][0].leads == ["省农业厅"]


# --- A unit with its second name in brackets (LN25-GZ) -------------------------------------------
def test_a_bracket_inside_a_unit_name_keeps_the_name_whole_and_either_name_matches(province):
    assert split_names(LN25_GZ_LIST)[-1] == "省数据局(省营商局)"
    plan, manager = province
    (row,) = plan_rows(plan, manager, sheet(["序号", "重点任务"], ["1", f"加快推进重大项目。〔{LN25_GZ_LIST}牵头〕"]))
    assert row.lead_org.name == "辽宁省发展和改革委员会" or row.co_lead_orgs
    assert "辽宁省数据局" in [o.name for o in [row.lead_org, *row.co_lead_orgs]]


# --- Columns as the 政府工作报告 分工方案 print them (LN23, LN24) ------------------------------------
def test_a_lead_leader_column_is_a_person_not_the_lead_unit(province):
    plan, manager = province
    data = sheet(
        ["序号", "重点任务", "牵头领导", "牵头单位", "责任单位"],
        [
            "1",
            "地区生产总值增长5%以上。",
            "省政府分管领导同志",
            "省发展改革委",
            "省工业和信息化厅、省农业农村厅、省商务厅等，各市人民政府，省沈抚示范区管委会",
        ],
        ["2", "一般公共预算收入增长5%。", "王 健", "省财政厅", "省税务局等，各市人民政府，省沈抚示范区管委会"],
    )
    first, second = plan_rows(plan, manager, data, year=2024)
    assert first.lead_org.name == "辽宁省发展和改革委员会" and not first.co_lead_orgs
    assert {o.name for o in first.partner_orgs} == {"辽宁省工业和信息化厅", "辽宁省农业农村厅", "辽宁省商务厅"}
    assert "各市人民政府" in first.partner_names
    assert second.lead_org.name == "辽宁省财政厅"
    assert [o.name for o in second.partner_orgs] == ["辽宁省税务局"]


# --- Brackets that hold something else; 牵头 in another sense (WH23, CZ23) -----------------------
def test_a_bracket_holding_a_rule_stays_in_the_text_and_its_xiatong_carries_nothing():
    text, specs = take_unit_brackets(WH23)
    assert text == WH23 and specs == []


def test_qiantou_in_the_task_text_is_no_unit(province):
    plan, manager = province
    (row,) = plan_rows(plan, manager, sheet(["序号", "重点任务", "完成时限"], ["1", CZ23, "持续推进"]))
    assert not row.leads and any("牵头单位" in e or "lead" in e for e in row.errors)


# --- Leads joined before one 牵头; 及 before a collective; a deadline in the text (XY22) ----------
def test_leads_joined_before_a_single_qiantou_and_the_deadline_in_the_text():
    text, (spec,) = take_unit_brackets(XY22)
    assert spec.leads == ["市政府办公室", "市行政审批制度改革工作领导小组办公室"]
    assert spec.partners == ["市级各有关部门", "各县市区政府"]
    assert text.endswith("清单之外一律不得违法实施行政许可。")
    assert deadline_in_text(XY22, 2022) == date(2022, 10, 31)


# --- One phrase naming several bodies (GD24) ----------------------------------------------------
def test_one_phrase_names_several_bodies():
    parsed = parse_unit_text(GD24.strip("（）"))
    assert parsed.leads == ["省政务服务和数据管理局"]
    assert parsed.partners == [
        "省公安厅",
        "广州出入境边防检查总站",
        "深圳出入境边防检查总站",
        "珠海出入境边防检查总站",
        "中国人民银行广东省分行",
        "有关单位",
    ]


# --- A prefix written once; "A牵头，B，C、D等配合" in one cell (GD23GZ) ------------------------------
def test_a_prefix_written_once_is_carried_to_the_units_after_it():
    parsed = parse_unit_text(GD23GZ, column="responsible")
    assert parsed.leads == ["省工业和信息化厅"] and not parsed.responsible_only
    assert parsed.partners == [
        "省委网信办",
        "省发展改革委",
        "省科技厅",
        "省农业农村厅",
        "省商务厅",
        "省广电局",
        "省政务服务数据管理局",
        "省通信管理局",
    ]


# --- A collective among the leads, a deadline in the text (SG23, 威海 2023) ------------------------
def test_a_collective_phrase_among_the_leads_becomes_a_partner(db):
    region = factories.region("韶关市", level=Region.Level.CITY)
    factories.organization("韶关市政务服务数据管理局", region_=region, short_name="政数")
    plan = factories.plan(region, start_year=2023, end_year=2023)
    (row,) = plan_import(
        read_workbook(sheet(["序号", "工作要点"], ["1", SG23])), plan=plan, year=2023, assigned_on=date(2023, 1, 1)
    ).rows
    assert row.ok and row.lead_org.name == "韶关市政务服务数据管理局"
    assert row.partner_names == ["各县（市、区）政府"]
    assert row.due_date == date(2023, 12, 31)
    assert deadline_in_text(WEIHAI23, 2023) == date(2023, 12, 31)
    assert deadline_in_text("到2022年底，建成……", 2021) == date(2022, 12, 31)
    assert deadline_in_text("年内完成试点。", 2024) == date(2024, 12, 31)
    assert deadline_in_text("到2025年，全市……（goal, no 底）", 2023) == date(2025, 12, 31)


# --- Constructed cells (no published sentence of the form was found outside the measured set) ---
def test_tongshang_and_xiatong_carry_the_units_constructed(province):
    plan, manager = province
    data = sheet(
        ["序号", "重点任务", "牵头单位", "配合单位"],
        ["1", "任务一（省数据局牵头，省财政厅配合，下同）", "", ""],
        ["2", "任务二", "", ""],
        ["3", "任务三", "省商务厅", "省财政厅"],
        ["4", "任务四", "同上", "同上"],
    )
    rows = plan_rows(plan, manager, data)
    assert [r.lead_org.name for r in rows] == ["辽宁省数据局", "辽宁省数据局", "辽宁省商务厅", "辽宁省商务厅"]
    assert [o.name for o in rows[1].partner_orgs] == ["辽宁省财政厅"]
    assert [o.name for o in rows[3].partner_orgs] == ["辽宁省财政厅"]
    assert any("下同" in w for w in rows[1].warnings) and any("同上" in w for w in rows[3].warnings)


def test_leads_joined_by_a_comma_before_one_qiantou_constructed():
    parsed = parse_unit_text("省发展改革委，省工业和信息化厅牵头，省财政厅配合")
    assert parsed.leads == ["省发展改革委", "省工业和信息化厅"] and parsed.partners == ["省财政厅"]


def test_a_unit_bracket_mid_paragraph_two_published_sentences_in_one_cell(province):
    plan, manager = province
    cell = SX15_1.removeprefix("1、") + SX15_3.removeprefix("3、")
    (row,) = plan_rows(plan, manager, sheet(["序号", "重点任务"], ["1", cell]))
    assert "（" not in row.title and row.title.startswith("进一步落实煤炭")
    assert row.lead_org.name == "辽宁省发展和改革委员会"
    assert {o.name for o in row.co_lead_orgs} == {"辽宁省工业和信息化厅"}


# --- Sentences of the held-out documents (tests/data/task_sheets_holdout/SOURCE.md, H01–H07) ---
# Each rule below was found on the held-out set's first measurement; the test is the sentence.
H03_1 = (
    "（责任单位：省数据局、省发改委、省人社厅、省住建厅、省公安厅、省卫健委、省民政厅、省市场监管局等，"
    "各市、州、县人民政府，以下均需各市、州、县人民政府落实，不再列出）"
)
H04_1 = "（省政务局牵头，省直相关单位按职责分工负责。各市州、县市区人民政府均为责任单位，以下不再列出）"


def test_a_collective_phrase_with_ge_keeps_its_own_he():
    # H01: "各有关部门和单位" is one group, not 各有关部门 and 单位.
    assert split_names("省政务办等各有关部门和单位，各设区市人民政府") == [
        "省政务办",
        "各有关部门和单位",
        "各设区市人民政府",
    ]


def test_level_words_listed_before_one_renmin_zhengfu_are_one_collective_phrase():
    # H03: 各市、州、县人民政府 is no 州人民政府 and 县人民政府.
    parsed = parse_unit_text(H03_1.strip("（）"))
    assert parsed.leads[:2] == ["省数据局", "省发改委"] and "省市场监管局" in parsed.leads
    assert "各市、州、县人民政府" in parsed.leads + parsed.partners
    assert not any(n in ("州人民政府", "县人民政府") for n in parsed.leads + parsed.partners)
    assert parsed.every_following == ["各市、州、县人民政府"]
    assert split_names("各市州、县市区人民政府") == ["各市州、县市区人民政府"]


def test_all_named_responsible_and_not_listed_again_applies_here_and_below():
    # H04: "X均为责任单位，以下不再列出": X shares this task and every task after it.
    clean, (spec,) = take_unit_brackets("（一）强化“一网通办”支撑。" + H04_1)
    assert clean == "（一）强化“一网通办”支撑。"
    assert spec.leads == ["省政务局"]
    assert spec.partners == ["省直相关单位", "各市州、县市区人民政府"]
    assert spec.every_following == ["各市州、县市区人民政府"]


def test_a_label_on_its_own_line_without_a_bracket():
    # H07: "责任单位：" on the cell's last line.
    clean, (spec,) = take_unit_brackets("（一）地区生产总值增长7%以上\n责任单位：区发展和改革局")
    assert clean == "（一）地区生产总值增长7%以上" and spec.leads == ["区发展和改革局"]
    # a label inside a sentence of the task is no unit text (constructed)
    assert take_unit_brackets("各地明确牵头单位：由市政府确定。")[1] == []


@pytest.mark.parametrize(
    "header",
    [
        ["序号", "2022年预期目标", "责任单位"],  # H06
        ["序号", "目标任务", "责任部门"],
        ["序号", "主要内容", "牵头领导", "责任单位"],
        ["序号", "任务内容", "责任单位", "完成时限"],
    ],
)
def test_header_rows_as_reports_and_plans_write_them(header):
    row = ["1", "地区生产总值增长5.5%左右"] + ["张三" if h == "牵头领导" else "" for h in header[2:]]
    row[header.index("责任单位") if "责任单位" in header else header.index("责任部门")] = "区发展改革委"
    (read,) = read_workbook(sheet(header, row))
    assert read.title == "地区生产总值增长5.5%左右" and read.responsible == "区发展改革委"
