"""The duplicate-construction check: verdicts, evidence, what counts as existing construction."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.models import InformationSystem
from projects.duplicates import DuplicateReport, Verdict, check_duplicates
from projects.lifecycle import Stage
from projects.models import Project
from tests import factories
from tests.projects.duplicates import factories as dup

pytestmark = pytest.mark.django_db

# The 交通局 re-describes its own bus system in other words (DESIGN.md's motivating case).
BUS_REWRITE = {
    "name": "智慧公交出行信息服务系统",
    "functions": ["公交车辆实时位置查看", "车辆到站时间预测", "电子站牌信息推送", "公交线路及换乘查询"],
    "description": "为市民提供公交车实时位置、到站时间预测和线路换乘查询服务。",
}


def rewrite_of_bus(org, plan, **extra):
    return dup.project(org, plan, domain_=factories.domain("livable"), **{**BUS_REWRITE, **extra})


def test_rewrite_of_an_existing_system_in_other_words_is_a_duplicate(transport_bureau, plan, bus_system):
    proposal = rewrite_of_bus(transport_bureau, plan, budget="3800000")

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.DUPLICATE
    assert report.main_match.kind == "system"
    assert report.main_match.id == bus_system.pk
    assert report.main_match.org_name == "临江市交通运输局"
    assert "到站时间预报" in report.main_match.shared
    assert report.suggested_cut == Decimal("3800000.00")  # not to be approved: nothing of it is new
    assert report.confidence >= 0.5
    assert "公交电子站牌与实时公交系统" in report.reasons()[0]


def test_proposals_sharing_only_generic_words_are_clear(transport_bureau, health_bureau, plan):
    factories.system(
        health_bureau,
        name="智慧医疗管理平台",
        description="建设智慧医疗管理平台系统。",
        functions=["智慧管理", "平台建设", "系统管理"],
    )
    proposal = dup.project(
        transport_bureau,
        plan,
        name="智慧交通管理平台",
        description="建设智慧交通综合管理平台系统，提升管理水平。",
        functions=["船舶航行动态监测", "航道水深测量", "船闸过闸预约"],
    )

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.CLEAR
    assert report.suggested_cut == Decimal("0.00")
    assert all(not m.shared_functions for m in report.matches)


def test_some_functions_existing_is_a_partial_overlap_with_a_proportional_cut(health_bureau, plan, health_system):
    proposal = dup.project(
        health_bureau,
        plan,
        name="智慧医院便民服务项目",
        functions=["预约挂号", "智能导诊", "诊间结算", "检查检验结果互认"],
        budget="2300000.55",
    )

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.PARTIAL
    assert report.overlap == 0.5
    assert report.suggested_cut == Decimal("1150000.28")  # half the budget, rounded half up to the fen
    assert set(report.matches[0].shared) == {"预约挂号", "检查检验结果互认"}
    assert "预算核减 50%，即 1,150,000.28 元" in report.reasons()[1]
    assert report.reasons()[0] == "4 项功能中已有 2 项建成：预约挂号、检查检验结果互认。"


def test_other_proposals_and_projects_are_existing_construction(health_bureau, transport_bureau, plan):
    existing = dup.project(
        health_bureau, plan, name="公交出行服务系统", functions=BUS_REWRITE["functions"], stage=Stage.PREREVIEW
    )
    proposal = rewrite_of_bus(transport_bureau, plan)

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.DUPLICATE
    assert (report.main_match.kind, report.main_match.id) == ("project", existing.pk)


@pytest.mark.parametrize("stage", [Stage.REJECTED, Stage.TERMINATED, Stage.DRAFT])
def test_rejected_terminated_and_draft_projects_are_not_existing_construction(transport_bureau, plan, stage):
    dup.project(transport_bureau, plan, name="公交出行服务系统", functions=BUS_REWRITE["functions"], stage=stage)
    proposal = rewrite_of_bus(transport_bureau, plan)

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.CLEAR
    assert report.matches == ()


def test_a_retired_system_is_not_existing_construction(transport_bureau, plan, bus_system):
    bus_system.status = InformationSystem.Status.RETIRED
    bus_system.save()

    assert check_duplicates(rewrite_of_bus(transport_bureau, plan)).verdict == Verdict.CLEAR


def test_a_system_under_construction_is_existing_construction(transport_bureau, plan, bus_system):
    bus_system.status = InformationSystem.Status.BUILDING
    bus_system.save()

    assert check_duplicates(rewrite_of_bus(transport_bureau, plan)).verdict == Verdict.DUPLICATE


def test_the_project_itself_is_never_its_own_duplicate(transport_bureau, plan):
    proposal = rewrite_of_bus(transport_bureau, plan, stage=Stage.PREREVIEW)  # indexed like any proposal

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.CLEAR
    assert all(not (m.kind == "project" and m.id == proposal.pk) for m in report.matches)


def test_an_unsaved_draft_can_be_checked(transport_bureau, plan, bus_system):
    draft = Project(owner_org=transport_bureau, plan=plan, domain=factories.domain("livable"), **BUS_REWRITE)
    draft.functions = "\n".join(BUS_REWRITE["functions"])

    report = check_duplicates(draft)

    assert report.verdict == Verdict.DUPLICATE
    assert report.suggested_cut is None  # no budget requested yet


def test_a_data_resource_is_matched_as_data(health_bureau, plan):
    resource = dup.data_resource(health_bureau, name="标准地名地址库", description="全市标准地名地址和门楼牌数据。")
    proposal = dup.project(
        health_bureau, plan, name="标准地址库建设项目", functions=["标准地名地址采集", "门楼牌信息管理", "地址匹配服务"]
    )

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.DUPLICATE
    assert (report.main_match.kind, report.main_match.id) == ("data", resource.pk)


def test_upgrading_a_declared_system_is_partial_not_duplicate(transport_bureau, plan, bus_system):
    proposal = rewrite_of_bus(transport_bureau, plan, budget="1000000")
    proposal.systems.add(bus_system)

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.PARTIAL
    assert report.matches[0].id == bus_system.pk and report.matches[0].upgraded
    assert report.suggested_cut == Decimal("1000000.00") * Decimal(report.overlap).quantize(Decimal("0.01"))
    assert any("升级" in reason for reason in report.reasons())


def test_matches_in_the_same_domain_come_first(transport_bureau, health_bureau, plan):
    functions = ["公交车辆实时定位", "到站时间预报", "电子站牌信息发布"]
    other_domain = factories.system(
        health_bureau, name="公交信息系统甲", domain_=factories.domain("safety"), functions=functions
    )
    same_domain = factories.system(
        health_bureau, name="公交信息系统乙", domain_=factories.domain("livable"), functions=functions
    )

    report = check_duplicates(rewrite_of_bus(transport_bureau, plan))

    assert [m.id for m in report.matches[:2]] == [same_domain.pk, other_domain.pk]
    assert report.matches[0].same_domain and not report.matches[1].same_domain


@pytest.mark.parametrize("description", ["", "好", "。"])
def test_an_empty_or_one_character_proposal_is_clear_with_low_confidence(
    transport_bureau, plan, bus_system, description
):
    proposal = dup.project(transport_bureau, plan, name="", description=description)

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.CLEAR
    assert report.confidence <= 0.1
    assert "无法可靠" in report.reasons()[0] or "不可靠" in report.reasons()[0]


def test_a_proposal_with_only_a_short_name_gets_a_low_confidence(transport_bureau, plan, bus_system):
    report = check_duplicates(dup.project(transport_bureau, plan, name="公交"))

    assert report.confidence < 0.5


def test_the_report_has_design_md_duplicate_shape(transport_bureau, plan, bus_system):
    data = check_duplicates(rewrite_of_bus(transport_bureau, plan, budget="100.00")).as_dict()

    assert data["verdict"] == "duplicate"
    assert 0 <= data["confidence"] <= 1
    assert data["suggested_cut"] == "100.00"
    match = data["matches"][0]
    assert {"kind", "id", "name", "org", "similarity", "shared"} <= set(match)
    assert (match["kind"], match["id"], match["org"]) == ("system", bus_system.pk, bus_system.org_id)
    assert 0 < match["similarity"] <= 1
    assert all(isinstance(word, str) for word in match["shared"])
    assert {"proposal", "existing", "similarity", "same", "related"} == set(match["functions"][0])


def test_thresholds_are_settings(settings, transport_bureau, plan, bus_system):
    proposal = rewrite_of_bus(transport_bureau, plan)
    assert check_duplicates(proposal).verdict == Verdict.DUPLICATE

    settings.DUPLICATE_CHECK = {**settings.DUPLICATE_CHECK, "DUPLICATE_COVERAGE": 1.01}

    assert check_duplicates(proposal).verdict == Verdict.PARTIAL


# --- the index is kept up to date incrementally ------------------------------------------------


def test_an_edited_system_is_seen_by_the_next_check_without_a_rebuild(transport_bureau, health_bureau, plan):
    system = factories.system(health_bureau, name="船舶航行监管系统", functions=["船舶航行动态监测", "航道水深测量"])
    proposal = rewrite_of_bus(transport_bureau, plan)
    assert check_duplicates(proposal).verdict == Verdict.CLEAR

    system.name = "公交实时信息系统"
    system.functions = "公交车辆实时定位\n到站时间预报\n电子站牌信息发布\n公交线路查询"
    system.save()

    report = check_duplicates(proposal)
    assert report.verdict == Verdict.DUPLICATE
    assert report.main_match.name == "公交实时信息系统"


def test_a_deleted_system_disappears_from_the_next_check(transport_bureau, plan, bus_system):
    proposal = rewrite_of_bus(transport_bureau, plan)
    assert check_duplicates(proposal).verdict == Verdict.DUPLICATE

    bus_system.delete()

    report = check_duplicates(proposal)
    assert report.verdict == Verdict.CLEAR
    assert report.matches == ()


def test_a_project_rejected_after_it_was_indexed_disappears(transport_bureau, health_bureau, plan):
    existing = dup.project(health_bureau, plan, name="公交出行服务系统", functions=BUS_REWRITE["functions"])
    proposal = rewrite_of_bus(transport_bureau, plan)
    assert check_duplicates(proposal).verdict == Verdict.DUPLICATE

    # As a stage change saved with update_fields=["stage"] would: updated_at does not move.
    Project.objects.filter(pk=existing.pk).update(stage=Stage.REJECTED)

    assert check_duplicates(proposal).verdict == Verdict.CLEAR


def test_bulk_created_systems_are_seen(transport_bureau, plan):
    factories.domain("livable")
    InformationSystem.objects.bulk_create(
        [
            InformationSystem(
                name="实时公交系统",
                org=transport_bureau,
                domain=factories.domain("livable"),
                functions="公交车辆实时定位\n到站时间预报\n电子站牌信息发布",
            )
        ]
    )

    assert check_duplicates(rewrite_of_bus(transport_bureau, plan)).verdict == Verdict.DUPLICATE


def test_a_sync_with_nothing_changed_costs_one_query(bus_system):
    from projects.duplicates import index

    index.sync()
    with CaptureQueriesContext(connection) as queries:
        assert not index.sync()
    assert len(queries) == 1


def test_the_nightly_refresh_catches_an_edit_that_bypassed_updated_at(transport_bureau, health_bureau, plan):
    from projects.duplicates import index

    system = factories.system(health_bureau, name="船舶航行监管系统", functions=["船舶航行动态监测", "航道水深测量"])
    proposal = rewrite_of_bus(transport_bureau, plan)
    assert check_duplicates(proposal).verdict == Verdict.CLEAR
    InformationSystem.objects.filter(pk=system.pk).update(
        functions="公交车辆实时定位\n到站时间预报\n电子站牌信息发布\n公交线路查询", updated_at=system.updated_at
    )
    assert check_duplicates(proposal).verdict == Verdict.CLEAR  # the cheap sync cannot see it

    result = index.refresh()

    assert result.indexed == 1
    assert check_duplicates(proposal).verdict == Verdict.DUPLICATE


def test_rebuilding_the_index_gives_the_same_verdicts(transport_bureau, plan, bus_system, health_system):
    from projects.duplicates import index

    proposal = rewrite_of_bus(transport_bureau, plan)
    before = check_duplicates(proposal).as_dict()

    result = index.rebuild()

    assert result.indexed == 3  # two systems and the submitted proposal itself
    assert check_duplicates(proposal).as_dict() == before


def test_one_check_costs_the_same_queries_at_ten_times_the_rows(transport_bureau, health_bureau, plan, bus_system):
    proposal = rewrite_of_bus(transport_bureau, plan)

    def queries_of_one_check():
        check_duplicates(proposal)  # syncs what was just added
        with CaptureQueriesContext(connection) as queries:
            report = check_duplicates(proposal)
        assert report.verdict == Verdict.DUPLICATE
        return len(queries)

    def add_systems(count):
        for n in range(count):
            factories.system(
                health_bureau, name=f"公交调度系统{n}{timezone.now():%f}", functions=["公交车辆排班", "公交线路查询"]
            )

    add_systems(5)
    few = queries_of_one_check()
    add_systems(45)
    many = queries_of_one_check()

    assert few == many
    assert many <= 8


def test_upgrading_one_system_does_not_hide_another_that_already_does_it(
    transport_bureau, health_bureau, plan, bus_system
):
    copy = factories.system(
        health_bureau, name="公交到站信息系统", domain_=factories.domain("livable"), functions=bus_system.function_list
    )
    proposal = rewrite_of_bus(transport_bureau, plan)
    proposal.systems.add(bus_system)

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.DUPLICATE
    assert report.main_match.id == copy.pk


def test_a_paraphrase_in_synonyms_is_found_and_the_report_says_which_synonyms(transport_bureau, health_bureau, plan):
    factories.system(
        health_bureau,
        name="居家养老服务信息系统",
        domain_=factories.domain("public_service"),
        description="为老年人提供助餐、助浴等居家养老服务。",
        functions=["老年人助餐服务预约", "紧急呼叫求助", "养老服务补贴发放"],
    )
    proposal = dup.project(
        transport_bureau,
        plan,
        name="智慧助老服务平台",
        domain_=factories.domain("public_service"),
        functions=["长者助餐预订", "一键紧急呼叫", "为老服务补助发放"],
    )

    report = check_duplicates(proposal)

    assert report.verdict in (Verdict.DUPLICATE, Verdict.PARTIAL)
    functions = [f for m in report.matches for f in m.shared_functions]
    related = {(a, b, why) for f in functions for a, b, why in f.related}
    assert ("预订", "预约", "synonym") in related  # in the thesaurus
    assert any("老年人" in f.same for f in functions)  # 长者 is 老年人 in the lexicon's canonical words
    why = report.as_dict()["matches"][0]["functions"][0]
    assert {"same", "related"} <= set(why)


def test_a_proposal_in_traditional_characters_meets_its_simplified_original(transport_bureau, plan, bus_system):
    proposal = dup.project(
        transport_bureau,
        plan,
        name="智慧公交出行信息服務系統",
        domain_=factories.domain("livable"),
        functions=["公交車輛實時位置查看", "車輛到站時間預測", "電子站牌信息推送", "公交線路及換乘查詢"],
    )

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.DUPLICATE
    assert report.main_match.id == bus_system.pk


def test_functions_derived_from_prose_are_named_on_the_report(transport_bureau, health_bureau, plan):
    factories.system(
        health_bureau,
        name="公交电子站牌与实时公交系统",
        domain_=factories.domain("livable"),
        description="系统主要包括公交车辆实时定位、到站时间预报、电子站牌信息发布和公交线路查询等功能。",
        functions=[],
    )
    proposal = dup.project(
        transport_bureau,
        plan,
        name="智慧公交出行信息服务系统",
        domain_=factories.domain("livable"),
        description="建设智慧公交系统，主要功能包括公交车辆实时位置查看、车辆到站时间预测、电子站牌信息推送和公交线路换乘查询。",
    )

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.DUPLICATE
    assert "derived" in report.notes
    assert "车辆到站时间预测" in report.derived_functions
    assert report.main_match.derived
    reasons = "".join(report.reasons())
    assert "从其描述中读出" in reasons  # the proposal's derived functions, and the item's, are said so
    assert report.main_match.name in reasons


def test_a_one_line_proposal_gets_a_low_confidence_verdict_that_says_so(transport_bureau, plan, bus_system):
    proposal = dup.project(transport_bureau, plan, name="船闸过闸预约", functions=["船闸过闸预约"])

    report = check_duplicates(proposal)

    assert report.verdict == Verdict.CLEAR
    assert "thin" in report.notes
    assert report.confidence <= 0.3
    assert "置信度低" in report.reasons()[0]


def test_a_report_stored_before_the_evidence_had_words_still_loads(transport_bureau, plan, bus_system):
    data = check_duplicates(rewrite_of_bus(transport_bureau, plan)).to_json()
    for match in [*data["matches"], data["main_match"]]:
        match["shared_functions"] = [shared[:3] for shared in match["shared_functions"]]
        del match["derived"]
    del data["derived_functions"]

    report = DuplicateReport.from_json(data)

    assert report.verdict == Verdict.DUPLICATE
    assert report.main_match.shared_functions[0].same == ()
