"""Budget arithmetic: half-up to the fen, the envelope scale adding up exactly. Database-free."""

from decimal import Decimal as D

from evaluation.budget import Line, Policy, apportion, compute


def line(project, requested, grade="", **extra):
    return Line(
        project=project,
        project_code=f"P{project}",
        project_name=f"项目{project}",
        org=project % 2,
        org_name=f"单位{project % 2}",
        domain=project % 3,
        domain_name=f"领域{project % 3}",
        requested=D(requested),
        grade=grade,
        **extra,
    )


def test_recommended_is_requested_times_the_grade_factor_rounded_half_up():
    report = compute(Policy(year=2026), [line(1, "100.05", "D"), line(2, "333.33", "C"), line(3, "10.00", "A")])
    amounts = [row["recommended"] for row in report["lines"]]
    # 100.05 × 0.50 = 50.025 → 50.03 (half-up, not banker's 50.02); 333.33 × 0.8 = 266.664 → 266.66; 10 × 1.1 = 11
    assert amounts == ["50.03", "266.66", "11.00"]
    assert report["scale"] == "1"


def test_a_line_without_evaluation_keeps_factor_one_and_is_flagged():
    report = compute(Policy(year=2026), [line(1, "1000.00")])
    assert report["lines"][0]["factor"] == "1.00"
    assert report["lines"][0]["recommended"] == "1000.00"
    assert report["lines"][0]["flags"] == ["no_evaluation"]


def test_over_the_envelope_every_line_is_scaled_and_the_total_is_exactly_the_envelope():
    lines = [line(i, "333.33", "B") for i in range(1, 4)] + [line(4, "0.01", "B")]  # 1,000.00 in all
    report = compute(Policy(year=2026, envelope=D("500.00")), lines)
    amounts = [D(row["recommended"]) for row in report["lines"]]
    assert sum(amounts) == D("500.00")
    assert report["totals"]["overall"]["recommended"] == "500.00"
    # each line is its exact share (500/1000 = 0.5 of it) within one fen
    for amount, original in zip(amounts, ["333.33", "333.33", "333.33", "0.01"], strict=True):
        assert abs(amount - D(original) * D(500) / D("999.99")) < D("0.01")
    assert report["scale"] == "0.500000"


def test_apportion_gives_leftover_fen_to_the_largest_remainders():
    # 3 × 1.00 into 2.00: exact 0.6666…, floors 0.66 each = 1.98, two fen to the first two
    assert apportion([D("1.00")] * 3, D("2.00")) == [D("0.67"), D("0.67"), D("0.66")]


def test_under_the_envelope_nothing_is_scaled():
    report = compute(Policy(year=2026, envelope=D("10000")), [line(1, "100", "A")])
    assert report["lines"][0]["recommended"] == "110.00"
    assert report["totals"]["envelope_remaining"] == "9890.00"


def test_totals_by_organization_and_domain_are_the_sums_of_their_lines():
    lines = [line(i, f"{i * 1234.57:.2f}", "ABCD"[i % 4]) for i in range(1, 40)]
    lines[3].final_amount = D("1.00")
    report = compute(Policy(year=2026, envelope=D("300000")), lines)
    for key in ("requested", "recommended", "final"):
        overall = D(report["totals"]["overall"][key])
        assert overall == sum(D(row[key]) for row in report["lines"])
        assert overall == sum(D(t[key]) for t in report["totals"]["by_organization"])
        assert overall == sum(D(t[key]) for t in report["totals"]["by_domain"])
    assert "adjusted" in report["lines"][3]["flags"]
    assert report["lines"][3]["final"] == "1.00"
