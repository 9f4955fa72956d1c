"""The formulas of DESIGN.md, by hand-computed cases. Database-free."""

from decimal import Decimal as D

from evaluation.scoring import IndicatorSpec, ProjectInputs, catch_up_points, evaluate, grade_for

RESOLUTION = IndicatorSpec(1, "resolution", "问题解决度", "catch_up", "resolution", D(40), D(60), D(95))
SATISFACTION = IndicatorSpec(2, "satisfaction", "用户满意度", "catch_up", "satisfaction", D(40), D(60), D(95))
EXECUTION = IndicatorSpec(3, "execution", "预算执行率", "catch_up", "execution", D(20), D(50), D(95))
BUILTIN = [RESOLUTION, SATISFACTION, EXECUTION]


def inputs(**values):
    return ProjectInputs(tier=values.pop("tier", "advancing"), **values)


def row(result, code):
    return next(r for r in result.breakdown["indicators"] if r["code"] == code)


def test_resolution_satisfaction_and_execution_by_hand():
    # resolution 18/20 = 90 → (90-60)/(95-60)*100 = 85.714…
    # satisfaction: ratings 5,5,4,3 → mean 4.25 → (4.25-1)/4*100 = 81.25 → (81.25-60)/35*100 = 60.714…
    # execution 800,000 / 1,000,000 = 80 → (80-50)/45*100 = 66.666…
    # weighted: (85.714*40 + 60.714*40 + 66.667*20) / 100 = 71.90476… → 71.9
    result = evaluate(
        BUILTIN,
        inputs(
            tickets_received=20,
            tickets_resolved=18,
            ratings=4,
            ratings_sum=17,
            ratings_satisfied=3,
            spent=D("800000"),
            approved_budget=D("1000000"),
        ),
    )
    assert row(result, "resolution")["value"] == "90.00"
    assert row(result, "resolution")["points"] == "85.71"
    assert row(result, "satisfaction")["value"] == "81.25"
    assert row(result, "satisfaction")["inputs"]["satisfied_rate"] == "75.00"
    assert row(result, "execution")["value"] == "80.00"
    assert result.score == D("71.9")
    assert result.grade == "C"


def test_no_tickets_leaves_resolution_out_of_the_weighting():
    # satisfaction 100 points (mean 5 → 100 ≥ 95), execution 100 (95%): mean of those two only = 100
    result = evaluate(BUILTIN, inputs(ratings=2, ratings_sum=10, spent=D("95"), approved_budget=D("100")))
    resolution = row(result, "resolution")
    assert resolution["value"] is None and resolution["counted"] is False
    assert result.score == D("100.0")
    assert result.grade == "A"


def test_points_are_clipped_to_0_and_100():
    assert catch_up_points(D(40), D(60), D(95)) == 0
    assert catch_up_points(D(99), D(60), D(95)) == 100
    assert catch_up_points(D("77.5"), D(60), D(95)) == 50


def test_lower_is_better_reverses_the_direction():
    # response hours: baseline 48 h (0 points), target 8 h (100 points); 18 h → (18-48)/(8-48) = 75
    hours = IndicatorSpec(9, "hours", "响应时长", "catch_up", "measurement", D(10), D(48), D(8), lower_is_better=True)
    result = evaluate([hours], inputs(measurements={9: D(18)}))
    assert row(result, "hours")["points"] == "75.00"
    assert result.score == D("75.0")
    assert evaluate([hours], inputs(measurements={9: D(60)})).score == D("0.0")


def test_innovation_bonus_is_added_when_met_and_the_score_is_capped_at_100():
    bonus = IndicatorSpec(7, "calls", "调用量", "innovation", "measurement", D(0), None, D(50), bonus=D(8))
    measured = IndicatorSpec(8, "m", "指标", "catch_up", "measurement", D(1), D(0), D(100))
    met = evaluate([measured, bonus], inputs(measurements={8: D(95), 7: D(60)}))
    assert met.bonus == D(8) and met.score == D("100.0")  # 95 + 8 = 103 → 100
    not_met = evaluate([measured, bonus], inputs(measurements={8: D(85), 7: D(49)}))
    assert not_met.bonus == 0 and not_met.score == D("85.0")
    near = evaluate([measured, bonus], inputs(measurements={8: D(85), 7: D(50)}))
    assert near.score == D("93.0") and near.grade == "A"


def test_a_baseline_indicator_not_met_gives_grade_d_whatever_the_score():
    incidents = IndicatorSpec(
        5, "incidents", "安全事件", "baseline", "measurement", D(0), None, D(0), lower_is_better=True
    )
    perfect = inputs(ratings=10, ratings_sum=50, measurements={5: D(1)})
    result = evaluate([SATISFACTION, incidents], perfect)
    assert result.score == D("100.0")
    assert result.grade == "D" and result.baseline_met is False
    assert result.breakdown["failed_baselines"] == ["incidents"]
    ok = evaluate([SATISFACTION, incidents], inputs(ratings=10, ratings_sum=50, measurements={5: D(0)}))
    assert ok.grade == "A" and ok.baseline_met is True


def test_a_baseline_indicator_with_no_value_filed_is_not_met():
    incidents = IndicatorSpec(
        5, "incidents", "安全事件", "baseline", "measurement", D(0), None, D(0), lower_is_better=True
    )
    result = evaluate([SATISFACTION, incidents], inputs(ratings=1, ratings_sum=5))
    assert result.grade == "D"


def test_tier_targets_hold_a_leading_district_to_more():
    # satisfaction 90: advancing target 95 → (90-60)/35 = 85.71; leading target 98 → (90-60)/38 = 78.95
    tiered = IndicatorSpec(
        2,
        "satisfaction",
        "用户满意度",
        "catch_up",
        "satisfaction",
        D(40),
        D(60),
        D(95),
        tier_values={"leading": (None, D(98))},
    )
    # ratings mean 4.6 → (4.6-1)/4*100 = 90
    figures = {"ratings": 5, "ratings_sum": 23}
    assert evaluate([tiered], inputs(tier="advancing", **figures)).score == D("85.7")
    leading = evaluate([tiered], inputs(tier="leading", **figures))
    assert leading.score == D("78.9")  # 78.947… rounds half-up to 78.9
    assert row(leading, "satisfaction")["target_value"] == "98.00"


def test_grades_follow_the_national_bands_on_the_rounded_score():
    assert [grade_for(D(s)) for s in ("90.0", "89.9", "80.0", "79.9", "60.0", "59.9")] == ["A", "B", "B", "C", "C", "D"]
    # 89.95 is shown as 90.0 and graded A: the grade follows the number the user sees.
    measured = IndicatorSpec(8, "m", "指标", "catch_up", "measurement", D(1), D(0), D(100))
    assert evaluate([measured], inputs(measurements={8: D("89.95")})).grade == "A"


def test_no_data_at_all_gives_no_score_and_no_grade():
    result = evaluate(BUILTIN, inputs())
    assert result.score is None and result.grade == ""
